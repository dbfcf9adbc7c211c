"""RSS and Atom feeds (press, blogs, review sites): polled with conditional GETs, parsed by feedparser.

Each poll sends the ``ETag`` / ``Last-Modified`` of the previous answer (a 304 costs the site almost
nothing), maps every entry not produced yet, oldest first, and keeps those validators in the cursor's
position so a restart does not download an unchanged feed again. Entries have no order a cursor could
trust (feeds edit and reinsert), so ``seen_ids`` (the last 2,000 ids) is what keeps them from being
produced twice.
"""

from __future__ import annotations

import asyncio
import calendar
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx

from streams.connectors.base import Batch, Item, TransientError, digest_id
from streams.connectors.http import PlatformHttp
from streams.models import InvalidMention

KINDS = ("news", "blog", "review", "forum")


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat().replace("+00:00", "Z")


def entry_payload(entry: Any, feed_url: str, language: str | None, kind: str, fetched_at: str) -> dict[str, Any]:
    """The plain JSON the ``rss`` adapter maps: what an entry says, without feedparser's types."""
    content = entry.get("content")
    return {
        "id": entry.get("id") or entry.get("link"),
        "link": entry.get("link"),
        "title": entry.get("title"),
        "summary": entry.get("summary"),
        "content": content[0].get("value") if isinstance(content, list) and content else None,
        "published": _iso(entry.get("published_parsed")),
        "updated": _iso(entry.get("updated_parsed")),
        "author": entry.get("author"),
        "feed": feed_url,
        "language": language,
        "kind": kind,
        "fetched_at": fetched_at,
    }


class FeedSource:
    source = "rss"
    adapter = "rss"

    def __init__(self, url: str, *, kind: str = "news", poll_interval: float = 300.0, once: bool = False,
                 client: httpx.AsyncClient | None = None) -> None:
        self.url = url
        self.kind = kind
        self.poll_interval = poll_interval
        self.once = once
        self.connector_id = f"rss:{url}"
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(30.0), follow_redirects=True,
                                                  headers={"User-Agent": "snowball-feeds/0.1"})
        self.http = PlatformHttp(self.source, self.client, "this feed needs no credential: check its URL")

    async def batches(self, position: str | None) -> AsyncIterator[Batch]:
        validators = json.loads(position) if position else {}
        while True:
            headers = {k: v for k, v in (("If-None-Match", validators.get("etag")),
                                         ("If-Modified-Since", validators.get("modified"))) if v}
            response = await self.http.get(self.url, headers=headers)
            if response.status_code != 304:
                validators = {k: v for k, v in (("etag", response.headers.get("etag")),
                                                ("modified", response.headers.get("last-modified"))) if v}
                items = self._items(response)
                yield Batch(items, json.dumps(validators, sort_keys=True) if validators else None)
            if self.once:
                return
            await asyncio.sleep(self.poll_interval)

    def _items(self, response: httpx.Response) -> list[Item]:
        parsed = feedparser.parse(response.content, response_headers=dict(response.headers))
        if parsed.bozo and not parsed.entries:
            raise TransientError("protocol", f"rss: {self.url} did not answer a feed "
                                             f"({type(parsed.get('bozo_exception')).__name__})")
        return self.items_of(parsed)

    def items_of(self, parsed: Any) -> list[Item]:
        """A parsed feed's entries as items, oldest first."""
        fetched_at = datetime.fromtimestamp(time.time(), UTC).isoformat().replace("+00:00", "Z")
        language = parsed.feed.get("language")
        payloads = [entry_payload(e, self.url, language, self.kind, fetched_at) for e in parsed.entries]
        payloads.sort(key=lambda p: p["published"] or p["updated"] or fetched_at)  # oldest first
        return [Item(p["id"], p) if isinstance(p["id"], str) and p["id"] else _without_id(p) for p in payloads]


def _without_id(payload: dict[str, Any]) -> Item:
    original = json.dumps(payload, sort_keys=True, default=str).encode()
    return Item(digest_id(original), payload, original, InvalidMention("missing_field", "an entry with no id nor link"))
