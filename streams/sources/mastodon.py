"""Mastodon: a status, a list of statuses (timelines, search) or a streaming ``update`` event.

A status's ``content`` is HTML; it becomes plain text (paragraphs and line breaks kept, links
and hashtags as their visible text). A boost carries the boosted status in ``reblog``: the
mention is the boost (its id, author and time) with the boosted text, ``reposts_id`` set.
Mastodon has no verified accounts; ``fields[].verified_at`` only proves a website link.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from streams.models import InvalidMention

SOURCE = "mastodon"


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


def _statuses(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and "event" in payload:  # streaming API: {"event": "update", "payload": "<json>"}
        if payload["event"] not in ("update", "status.update"):
            return []
        body = payload.get("payload")
        try:
            payload = json.loads(body) if isinstance(body, str) else body
        except json.JSONDecodeError as exc:
            raise InvalidMention("not_json", f"streaming payload is not JSON: {exc.msg}") from None
    items = payload if isinstance(payload, list) else [payload]
    if not all(isinstance(item, dict) for item in items):
        raise InvalidMention("not_an_object", "a Mastodon status is a JSON object")
    return items


def records(payload: Any) -> list[dict[str, Any]]:
    return [_record(status) for status in _statuses(payload)]


def _record(status: dict[str, Any]) -> dict[str, Any]:
    boosted = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    shown = boosted or status
    content = shown.get("content")
    text = html_to_text(content) if isinstance(content, str) else content
    warning = shown.get("spoiler_text")
    if isinstance(text, str) and isinstance(warning, str) and warning:
        text = f"{warning}\n\n{text}"  # the content warning often names the subject
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    quote = status.get("quote") if isinstance(status.get("quote"), dict) else {}
    quoted = quote.get("quoted_status") if isinstance(quote.get("quoted_status"), dict) else {}
    return {
        "id": status.get("id"),
        "source": SOURCE,
        "text": text,
        "created_at": status.get("created_at"),
        "author": {
            "id": account.get("id"),
            "handle": account.get("acct"),
            "followers": account.get("followers_count", 0),
            "verified": False,
        } if account.get("id") else None,
        "in_reply_to_id": status.get("in_reply_to_id"),
        "reposts_id": boosted.get("id") if boosted else None,
        "quotes_id": quoted.get("id"),
        "url": shown.get("url") or shown.get("uri"),
        "lang_hint": shown.get("language"),
        "engagement": {
            "likes": status.get("favourites_count", 0),
            "reposts": status.get("reblogs_count", 0),
            "replies": status.get("replies_count", 0),
            "quotes": status.get("quotes_count", 0),
        },
    }
