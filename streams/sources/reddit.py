"""Reddit: comments and posts from the API's listings (``/comments/<id>``, ``/r/<sub>/comments``, search).

Accepts a listing, a list of listings (a post's page: the post, then its comment tree), a
single thing (``{"kind": "t1", "data": {...}}``) or a bare comment object as archives store
them. Nested replies are flattened. Ids are fullnames (``t1_...`` comments, ``t3_...``
posts), so ``parent_id`` links a comment to its parent as is. Reddit does not expose an
author's followers with a comment: they stay 0 and the tier says "small".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from streams.models import InvalidMention

SOURCE = "reddit"
BASE_URL = "https://www.reddit.com"
_DELETED = {"[deleted]", "[removed]"}


def _things(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, list):
        for item in node:
            yield from _things(item)
    elif isinstance(node, dict):
        kind = node.get("kind")
        data = node.get("data")
        if kind == "Listing" and isinstance(data, dict):
            yield from _things(data.get("children") or [])
        elif kind in ("t1", "t3") and isinstance(data, dict):
            yield kind, data
            yield from _things(data.get("replies") or [])
        elif kind is None and "body" in node:
            yield "t1", node
            yield from _things(node.get("replies") or [])
        elif kind is None and "title" in node:
            yield "t3", node
        # "more" stubs (unloaded comments) and other kinds carry no text: skipped.
    else:
        raise InvalidMention("not_an_object", "a Reddit payload is a listing, a thing or a list of them")


def records(payload: Any) -> list[dict[str, Any]]:
    return [_record(kind, data) for kind, data in _things(payload)]


def _fullname(kind: str, data: dict[str, Any]) -> Any:
    name = data.get("name")
    if isinstance(name, str) and name:
        return name
    return f"{kind}_{data['id']}" if data.get("id") else None


def _epoch_ms(seconds: Any) -> Any:
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        return round(seconds * 1000)
    return seconds  # left for validation to reject


def _record(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    if kind == "t3":
        text = "\n\n".join(p for p in (data.get("title"), data.get("selftext")) if isinstance(p, str) and p)
    else:
        text = data.get("body")
    author = data.get("author")
    permalink = data.get("permalink")
    return {
        "id": _fullname(kind, data),
        "source": SOURCE,
        "text": text,
        "created_at": _epoch_ms(data.get("created_utc")),
        "author": {
            "id": data.get("author_fullname") or author,
            "handle": author,
            "followers": 0,
            "verified": False,
        } if isinstance(author, str) and author not in _DELETED else None,
        "in_reply_to_id": data.get("parent_id") if kind == "t1" else None,
        "url": BASE_URL + permalink if isinstance(permalink, str) and permalink.startswith("/") else data.get("url"),
        "engagement": {
            "likes": max(data["score"], 0) if isinstance(data.get("score"), int) else 0,
            "replies": data.get("num_comments", 0) if kind == "t3" else 0,
        },
    }
