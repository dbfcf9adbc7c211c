"""A connector's cursor: where it stands, what it produced last, what it is producing now.

The runner writes the cursor *before* a batch (``pending_ids``: the batch being produced) and *after*
it (position moved, ids moved to ``seen``). A restart that finds pending ids looks for them on the
topics (``MentionLog.keys_since``): those found are not produced again, the others are, so a crash
between the broker's acknowledgement and the cursor's write neither loses nor duplicates an item.

The seen ids (``SeenIds``) are bounded (oldest dropped first) and updated in place: a connector on a
stream handles one item per batch, and rebuilding or re-encoding thousands of ids per item would cost
more than everything else it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from streams.connectors.seen_ids import MAX_SEEN_IDS, SeenIds

__all__ = ["MAX_SEEN_IDS", "Cursor"]


@dataclass(slots=True)
class Cursor:
    connector: str
    position: str | None = None
    seen: SeenIds = field(default_factory=SeenIds)
    pending_ids: tuple[str, ...] = ()
    pending_position: str | None = None
    updated_at: int = 0

    @property
    def seen_ids(self) -> tuple[str, ...]:
        return tuple(self.seen)

    def begin(self, ids: Iterable[str], position: str | None, now_ms: int) -> Cursor:
        """Before producing a batch: its ids and the position after it are pending."""
        self.pending_ids, self.pending_position, self.updated_at = tuple(ids), position, now_ms
        return self

    def commit(self, now_ms: int) -> Cursor:
        """Once the pending batch is on the broker."""
        return self.recovered(self.pending_ids, self.pending_position, now_ms)

    def recovered(self, found: Iterable[str], position: str | None, now_ms: int) -> Cursor:
        """Pending cleared; ``found`` ids count as produced; the position becomes ``position``."""
        self.seen.extend(found)
        self.position, self.pending_ids, self.pending_position, self.updated_at = position, (), None, now_ms
        return self

    def to_record(self, *, with_seen: bool = True) -> dict[str, Any]:
        """The ``snowball.ConnectorCursor`` record; ``with_seen=False`` leaves ``seen_ids`` empty (the cursor
        codec writes them from the window's cached blocks)."""
        return {"connector": self.connector, "position": self.position,
                "seen_ids": list(self.seen) if with_seen else [], "pending_ids": list(self.pending_ids),
                "pending_position": self.pending_position, "updated_at": self.updated_at}

    @classmethod
    def from_record(cls, record: dict[str, Any], capacity: int = MAX_SEEN_IDS) -> Cursor:
        seen = SeenIds((record.get("seen_ids") or ())[-capacity:], capacity)
        return cls(record["connector"], record.get("position"), seen, tuple(record.get("pending_ids") or ()),
                   record.get("pending_position"), int(record.get("updated_at") or 0))
