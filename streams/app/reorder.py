"""An arrival hold: items wait a fixed wall time after they arrive, then leave in event order.

A brand's enriched mentions reach the worker merged from every ``mentions.raw`` partition
(that topic is keyed by mention id), and a bulk produce or a replay drains those partitions at
different paces: the merge runs minutes of event time out of order. The consumer reads all of it
within moments of wall time, so holding each item ``hold_ms`` after its arrival and letting items
out in (created_at, id) order gives the stages event order, as the backtest's global sort does,
at a cost of ``hold_ms`` of latency. An item arriving after items later in event time were let out
leaves out of order (the detector then counts it in its past bucket, or as late).

Pure: the caller passes the clock (monotonic milliseconds); no I/O, no global state.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ArrivalHold(Generic[T]):
    def __init__(self, hold_ms: int) -> None:
        if hold_ms < 0:
            raise ValueError(f"hold_ms must be >= 0, got {hold_ms}")
        self.hold_ms = hold_ms
        self._by_order: list[tuple[Hashable, int, T]] = []  # heap on (order, arrival number)
        self._by_arrival: deque[tuple[int, Hashable, int]] = deque()  # (arrived_ms, order, arrival number)
        self._released: set[int] = set()  # arrival numbers let out ahead of their own hold
        self._count = 0

    def __len__(self) -> int:
        return len(self._by_order)

    def admit(self, order: Hashable, item: T, now_ms: int) -> None:
        """Hold ``item``; ``order`` is its event-time sort key, e.g. ``(created_at, id)``."""
        number = self._count
        self._count += 1
        heapq.heappush(self._by_order, (order, number, item))
        self._by_arrival.append((now_ms, order, number))

    def release(self, now_ms: int) -> list[T]:
        """Items held ``hold_ms`` or longer, and every held item before them in event order, in event order."""
        frontier = None
        while self._by_arrival and self._by_arrival[0][0] <= now_ms - self.hold_ms:
            _, order, number = self._by_arrival.popleft()
            if number in self._released:
                self._released.discard(number)
            elif frontier is None or order > frontier:
                frontier = order
        if frontier is None:
            return []
        return self._pop_until(frontier)

    def drain(self) -> list[T]:
        """Everything held, in event order, whatever its hold (a stop or a rebalance)."""
        out = [item for _, _, item in sorted(self._by_order)]
        self._by_order.clear()
        self._by_arrival.clear()
        self._released.clear()
        return out

    def _pop_until(self, frontier: Hashable) -> list[T]:
        out: list[T] = []
        due = self._by_arrival[0][2] if self._by_arrival else None  # the next arrival still on its hold
        while self._by_order and self._by_order[0][0] <= frontier:
            _, number, item = heapq.heappop(self._by_order)
            out.append(item)
            # Let out early: its arrival entry, still queued, must not move the frontier later.
            if due is not None and number >= due:
                self._released.add(number)
        return out
