"""Acknowledge records in offset order, partition by partition, whatever order they finish in.

A partition's committed offset says that every record before it is done. The worker's hold lets a
mention out ahead of an earlier record of its partition when that one is later in event time, so
the commit must stop before the earlier one until it is done too, or a crash would skip it.
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
