"""The documented JSON import format of a raw mention, with clear errors for bad input.

Field names are those of the Avro schema ``snowball.RawMention``; ``created_at`` may be an
ISO-8601 string (with or without offset; naive means UTC) or epoch milliseconds.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from streams.models.mention import Author, Engagement, RawMention


class InvalidMention(ValueError):
    """Raised for input that is not a valid raw mention; ``reason`` is a short fixed code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


_OPTIONAL_STRINGS = ("brand_hint", "in_reply_to_id", "reposts_id", "quotes_id", "url", "lang_hint")


def parse_timestamp_ms(value: Any) -> int:
    """Epoch milliseconds from an ISO-8601 string or a number of epoch milliseconds."""
    if isinstance(value, bool):
        raise InvalidMention("bad_timestamp", f"created_at must be a time, got {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = _parse_loose(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return int(parsed.timestamp() * 1000)
    raise InvalidMention("bad_timestamp", f"created_at must be ISO-8601 or epoch ms, got {value!r}")


def _parse_loose(text: str) -> datetime:
    # CSV exports often write "2015-02-24 11:35:52 -0800" (space before the offset).
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%a %b %d %H:%M:%S %z %Y"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise InvalidMention("bad_timestamp", f"created_at is not a recognised time: {text!r}")


def _string(obj: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = obj.get(name)
    if value is None or value == "":
        if required:
            raise InvalidMention("missing_field", f"{name} is required")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidMention("wrong_type", f"{name} must be a string, got {type(value).__name__}")
    return value


def _count(value: Any, name: str) -> int:
    if value is None or value == "":
        return 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise InvalidMention("wrong_type", f"{name} must be a whole number, got {value!r}") from None
    return max(count, 0)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "t"}
    return bool(value)


def parse_raw_mention(obj: Any) -> RawMention:
    """Validate one decoded JSON object and build a ``RawMention``."""
    if not isinstance(obj, dict):
        raise InvalidMention("not_an_object", f"a mention is a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        raise InvalidMention("missing_field", "text is required")
    if not isinstance(text, str):
        raise InvalidMention("wrong_type", f"text must be a string, got {type(text).__name__}")
    if "created_at" not in obj or obj["created_at"] in (None, ""):
        raise InvalidMention("missing_field", "created_at is required")
    author_obj = obj.get("author")
    author = None
    if isinstance(author_obj, dict) and author_obj.get("id") not in (None, ""):
        author = Author(
            id=str(author_obj["id"]),
            handle=_string(author_obj, "handle", required=False),
            followers=_count(author_obj.get("followers"), "author.followers"),
            verified=_flag(author_obj.get("verified", False)),
        )
    elif author_obj is not None and not isinstance(author_obj, dict):
        raise InvalidMention("wrong_type", "author must be an object")
    engagement_obj = obj.get("engagement") or {}
    if not isinstance(engagement_obj, dict):
        raise InvalidMention("wrong_type", "engagement must be an object")
    return RawMention(
        id=_string(obj, "id", required=True),  # type: ignore[arg-type]
        source=_string(obj, "source", required=False) or "unknown",
        text=text,
        created_at=parse_timestamp_ms(obj["created_at"]),
        author=author,
        engagement=Engagement(
            **{k: _count(engagement_obj.get(k), f"engagement.{k}") for k in ("likes", "reposts", "replies", "quotes")}
        ),
        from_brand_account=_flag(obj.get("from_brand_account", False)),
        **{name: _string(obj, name, required=False) for name in _OPTIONAL_STRINGS},
    )
