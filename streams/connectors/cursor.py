"""A connector's cursor: where it stands, what it produced last, what it is producing now. Pure data.

The runner writes the cursor *before* a batch (``pending_ids``: the batch being produced) and
*after* it (position moved, ids moved to ``seen_ids``). A restart that finds pending ids looks for
them on the topics (``MentionLog.keys_since``): those found are not produced again, the others
are, so a crash between the broker's acknowledgement and the cursor's write neither loses nor
duplicates an item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

# Enough for a feed's whole window or a stream's replay after a reconnect; small enough for a record.
MAX_SEEN_IDS = 2000


@dataclass(frozen=True, slots=True)
class Cursor:
    connector: str
    position: str | None = None
    seen_ids: tuple[str, ...] = ()
    pending_ids: tuple[str, ...] = ()
    pending_position: str | None = None
    updated_at: int = 0
    _seen: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_seen", frozenset(self.seen_ids))

    def seen(self, item_id: str) -> bool:
        return item_id in self._seen

    def begin(self, ids: Iterable[str], position: str | None, now_ms: int) -> Cursor:
        """The cursor written before producing a batch."""
        return replace(self, pending_ids=tuple(ids), pending_position=position, updated_at=now_ms)

    def commit(self, now_ms: int) -> Cursor:
        """The cursor once the pending batch is on the broker."""
        return self.recovered(self.pending_ids, self.pending_position, now_ms)

    def recovered(self, found: Iterable[str], position: str | None, now_ms: int) -> Cursor:
        """Pending cleared; ``found`` ids count as produced; the position becomes ``position``."""
        seen = [i for i in self.seen_ids if i not in set(found)] + list(dict.fromkeys(found))
        return Cursor(self.connector, position, tuple(seen[-MAX_SEEN_IDS:]), (), None, now_ms)

    def to_record(self) -> dict[str, Any]:
        return {"connector": self.connector, "position": self.position, "seen_ids": list(self.seen_ids),
                "pending_ids": list(self.pending_ids), "pending_position": self.pending_position,
                "updated_at": self.updated_at}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Cursor:
        return cls(record["connector"], record.get("position"), tuple(record.get("seen_ids") or ()),
                   tuple(record.get("pending_ids") or ()), record.get("pending_position"),
                   int(record.get("updated_at") or 0))
