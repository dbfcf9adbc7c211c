"""Redeliveries: the same mention (same id) received twice is dropped, idempotently.

Table layout: ``seen[mention_id] = first_seen_event_time`` (epoch ms). The raw topic is keyed
by mention id, so every delivery of one id lands on the same partition and the table is
partition-local. Entries older than the horizon may be purged (``stale_ids``, called from a
timer with the partition's event-time watermark): a platform does not redeliver a post days
later, and the table stays bounded by the flow of one horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from streams.models import RawMention
from streams.timeunits import DAY_MS

DEFAULT_HORIZON_MS = 3 * DAY_MS


def is_redelivery(seen: Mapping[str, int], mention: RawMention) -> bool:
    return mention.id in seen


def first_seen_value(previous: int | None, mention: RawMention) -> int:
    """The value to store under ``seen[mention.id]``: the earliest event time the id was seen at."""
    return mention.created_at if previous is None else min(previous, mention.created_at)


def stale_ids(
    entries: Iterable[tuple[str, int]], watermark_ms: int, horizon_ms: int = DEFAULT_HORIZON_MS
) -> list[str]:
    """Ids first seen more than ``horizon_ms`` before the watermark: safe to delete."""
    return [mention_id for mention_id, first_seen in entries if first_seen < watermark_ms - horizon_ms]
