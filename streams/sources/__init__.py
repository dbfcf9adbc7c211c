"""Source adapters: real platform payloads mapped to raw mentions.

Each adapter maps one payload (one API response or streamed event, already JSON-decoded) to
records in the documented import format, and through ``parse_raw_mention`` to validated raw
mentions. ``records`` lets a caller dead-letter bad items one by one; calling the adapter
raises ``InvalidMention`` on the first bad item. Formats and examples: ``docs/sources.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from streams.models import RawMention
from streams.models.parse import DEFAULT_LIMITS, MentionLimits, parse_raw_mention
from streams.sources import bluesky, mastodon, reddit, rss, twitter_v2

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Adapter:
    name: str
    records: Callable[[Any], list[Record]]
    description: str

    def __call__(
        self, payload: Any, *, now_ms: int | None = None, limits: MentionLimits = DEFAULT_LIMITS
    ) -> list[RawMention]:
        return [parse_raw_mention(r, now_ms=now_ms, limits=limits) for r in self.records(payload)]


ADAPTERS: dict[str, Adapter] = {
    "twitter-v2": Adapter("twitter-v2", twitter_v2.records, "X/Twitter API v2 response: data + includes.users"),
    "mastodon": Adapter("mastodon", mastodon.records, "Mastodon status, list of statuses or streaming event"),
    "reddit": Adapter("reddit", reddit.records, "Reddit listing, thing or list of listings (comments, posts)"),
    "bluesky": Adapter("bluesky", bluesky.records, "Bluesky Jetstream event (a post commit; others give none)"),
    "rss": Adapter("rss", rss.records, "One RSS/Atom entry as the RSS connector keeps it (docs/sources/rss.md)"),
}

__all__ = ["ADAPTERS", "Adapter", "Record"]
