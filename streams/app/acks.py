"""Acknowledge events in offset order, partition by partition, whatever order they finish in.

Faust commits a partition up to its acknowledged offsets and checks gaps loosely: it commits past a
single missing offset, and past any gap before the partition's first commit. An event let out of the
classify agent's hold ahead of an earlier event of its partition must therefore wait for that one to
be done, or a crash would skip the earlier one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

E = TypeVar("E")


class OffsetOrderAcks(Generic[E]):
    def __init__(self, partition_of: Callable[[E], Hashable]) -> None:
        self._partition_of = partition_of
        self._waiting: dict[Hashable, deque[list]] = {}  # partition -> [event, done] in arrival order
        self._entry: dict[int, list] = {}  # id(event) -> its [event, done]

    def __len__(self) -> int:
        return len(self._entry)

    def received(self, event: E) -> None:
        """``event`` arrived; events of a partition must be received in offset order."""
        entry = [event, False]
        self._entry[id(event)] = entry
        self._waiting.setdefault(self._partition_of(event), deque()).append(entry)

    def done(self, events: Iterable[E]) -> list[E]:
        """Mark ``events`` done; the events that may be acknowledged now, each partition's in offset order."""
        partitions = set()
        for event in events:
            self._entry[id(event)][1] = True
            partitions.add(self._partition_of(event))
        ackable: list[E] = []
        for partition in partitions:
            waiting = self._waiting[partition]
            while waiting and waiting[0][1]:
                event = waiting.popleft()[0]
                del self._entry[id(event)]
                ackable.append(event)
            if not waiting:
                del self._waiting[partition]
        return ackable
