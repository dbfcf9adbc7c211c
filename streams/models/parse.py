"""The documented JSON import format of a raw mention, with clear errors for bad input.

Field names are those of the Avro schema ``snowball.RawMention``; ``created_at`` may be an
ISO-8601 string (with or without offset; naive means UTC) or epoch milliseconds.

Two entry points raise ``InvalidMention(reason, detail)``, ``reason`` being one of ``REASONS``
(fixed codes: metric labels and dead-letter reasons):

- ``parse_raw_mention(obj, now_ms=...)`` for a decoded JSON object (the import path), and
  ``parse_raw_mention_json(data, now_ms=...)`` for its bytes (invalid UTF-8, bad JSON);
- ``validate_raw_mention(mention, now_ms=...)`` for a ``RawMention`` decoded from Avro or
  built by a source adapter.

There is no clock here: the caller passes ``now_ms`` (wall clock, epoch ms) to reject posts
from the far future; without it only a fixed upper bound applies. Posts dated before social
media existed (``MentionLimits.min_created_at_ms``) are rejected too: mostly epoch seconds
read as milliseconds.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from streams.models.mention import Author, Engagement, RawMention
from streams.timeunits import DAY_MS

REASONS = (
    "not_an_object",
    "not_json",
    "invalid_utf8",
    "missing_field",
    "wrong_type",
    "bad_timestamp",
    "timestamp_too_old",
    "timestamp_in_future",
    "text_too_long",
    "field_too_long",
)


@dataclass(frozen=True, slots=True)
class MentionLimits:
    """What a valid raw mention stays within."""

    max_text_chars: int = 40_000  # a Reddit self post; a long X post is 25,000
    max_field_chars: int = 2_048  # ids, handles, urls, hints
    min_created_at_ms: int = 1_072_915_200_000  # 2004-01-01T00:00:00Z, before Facebook, Reddit and Twitter
    max_future_ms: int = DAY_MS  # clock skew tolerated past ``now_ms``
    max_created_at_ms: int = 4_102_444_800_000  # 2100-01-01T00:00:00Z, the bound when no ``now_ms`` is given


DEFAULT_LIMITS = MentionLimits()


class InvalidMention(ValueError):
    """Raised for input that is not a valid raw mention; ``reason`` is a short fixed code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


_EPOCH_DIGITS = re.compile(r"-?[0-9]+")  # ASCII only: str.isdigit() also takes "²", which int() refuses
_MAX_LONG = 2**63 - 1  # Avro long: what the schema can carry
_OPTIONAL_STRINGS = ("brand_hint", "in_reply_to_id", "reposts_id", "quotes_id", "url", "lang_hint")


def parse_timestamp_ms(value: Any) -> int:
    """Epoch milliseconds from an ISO-8601 string or a number of epoch milliseconds."""
    if isinstance(value, bool):
        raise InvalidMention("bad_timestamp", f"created_at must be a time, got {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise InvalidMention("bad_timestamp", f"created_at must be a finite number, got {value!r}")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if _EPOCH_DIGITS.fullmatch(text):
            return int(text)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = _parse_loose(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        try:
            return int(parsed.timestamp() * 1000)
        except (OverflowError, ValueError, OSError):
            raise InvalidMention("bad_timestamp", f"created_at is out of range: {text!r}") from None
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
    except (TypeError, ValueError, OverflowError):
        raise InvalidMention("wrong_type", f"{name} must be a whole number, got {value!r}") from None
    if count > _MAX_LONG:
        raise InvalidMention("wrong_type", f"{name} is too large: {value!r}")
    return max(count, 0)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "t"}
    return bool(value)


def parse_raw_mention_json(
    data: bytes | str, *, now_ms: int | None = None, limits: MentionLimits = DEFAULT_LIMITS
) -> RawMention:
    """Decode one JSON document (strict UTF-8) and validate it as a raw mention."""
    return parse_raw_mention(decode_json(data), now_ms=now_ms, limits=limits)


def decode_json(data: bytes | str) -> Any:
    """One JSON document from strict UTF-8; ``InvalidMention`` (invalid_utf8, not_json) when it is not."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidMention("invalid_utf8", f"not UTF-8 at byte {exc.start}") from None
    try:
        return json.loads(data)
    except ValueError as exc:
        raise InvalidMention("not_json", f"not JSON: {exc.msg} at {exc.pos}") from None


def parse_raw_mention(obj: Any, *, now_ms: int | None = None, limits: MentionLimits = DEFAULT_LIMITS) -> RawMention:
    """Validate one decoded JSON object and build a ``RawMention``."""
    return validate_raw_mention(_build(obj), now_ms=now_ms, limits=limits)


def _build(obj: Any) -> RawMention:
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


_COUNTS = tuple(f.name for f in fields(Engagement))


def _check_string(value: Any, name: str, *, optional: bool, max_chars: int) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise InvalidMention("wrong_type", f"{name} must be a string, got {type(value).__name__}")
    if len(value) > max_chars:
        raise InvalidMention("text_too_long" if name == "text" else "field_too_long",
                             f"{name} has {len(value)} characters, the limit is {max_chars}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates, from "\\ud800" escapes or a bad decoder
        raise InvalidMention("invalid_utf8", f"{name} is not valid Unicode at character {exc.start}") from None


def _check_count(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidMention("wrong_type", f"{name} must be a whole number, got {type(value).__name__}")
    if value < 0:
        raise InvalidMention("wrong_type", f"{name} must not be negative, got {value}")
    if value > _MAX_LONG:
        raise InvalidMention("wrong_type", f"{name} is too large: {value}")


def validate_raw_mention(
    mention: RawMention, *, now_ms: int | None = None, limits: MentionLimits = DEFAULT_LIMITS
) -> RawMention:
    """Check a raw mention from any path; return it unchanged or raise ``InvalidMention``."""
    if mention.id == "" or mention.id is None:
        raise InvalidMention("missing_field", "id is required")
    _check_string(mention.id, "id", optional=False, max_chars=limits.max_field_chars)
    _check_string(mention.source, "source", optional=False, max_chars=limits.max_field_chars)
    _check_string(mention.text, "text", optional=False, max_chars=limits.max_text_chars)
    for name in _OPTIONAL_STRINGS:
        value = getattr(mention, name)
        if value is not None:  # most are absent: no call for those
            _check_string(value, name, optional=True, max_chars=limits.max_field_chars)
    if not isinstance(mention.from_brand_account, bool):
        raise InvalidMention("wrong_type", "from_brand_account must be a boolean")
    author = mention.author
    if author is not None:
        if not isinstance(author, Author):
            raise InvalidMention("wrong_type", "author must be an object")
        _check_string(author.id, "author.id", optional=False, max_chars=limits.max_field_chars)
        _check_string(author.handle, "author.handle", optional=True, max_chars=limits.max_field_chars)
        _check_count(author.followers, "author.followers")
        if not isinstance(author.verified, bool):
            raise InvalidMention("wrong_type", "author.verified must be a boolean")
    if not isinstance(mention.engagement, Engagement):
        raise InvalidMention("wrong_type", "engagement must be an object")
    for name in _COUNTS:
        _check_count(getattr(mention.engagement, name), f"engagement.{name}")
    _check_created_at(mention.created_at, now_ms, limits)
    return mention


def _check_created_at(created_at: Any, now_ms: int | None, limits: MentionLimits) -> None:
    if isinstance(created_at, bool) or not isinstance(created_at, int):
        raise InvalidMention("wrong_type", f"created_at must be epoch milliseconds, got {type(created_at).__name__}")
    if created_at < limits.min_created_at_ms:
        hint = ""
        if limits.min_created_at_ms <= created_at * 1000 <= limits.max_created_at_ms:
            hint = f" (it reads as {_iso(created_at * 1000)} in epoch seconds: epoch milliseconds are expected)"
        raise InvalidMention("timestamp_too_old", f"created_at {created_at} is before social media existed "
                                                  f"({_iso(limits.min_created_at_ms)}){hint}")
    latest = limits.max_created_at_ms if now_ms is None else now_ms + limits.max_future_ms
    if created_at > latest:
        raise InvalidMention("timestamp_in_future", f"created_at {created_at} ({_iso(created_at)}) is after "
                                                    f"{_iso(latest)}")


def _iso(ms: int) -> str:
    try:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return "out of range"
