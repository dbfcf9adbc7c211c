"""Bounded dict memories inside the JSON state: evict the oldest entries once a cap is passed."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any


def evict_oldest_inserted(table: dict[str, Any], cap: int) -> int:
    """Drop the earliest-inserted fifth once ``table`` exceeds ``cap`` (dicts keep insertion order, JSON too)."""
    if len(table) <= cap:
        return 0
    drop = len(table) - cap + cap // 5
    for key in list(islice(table, drop)):
        del table[key]
    return drop


def evict_lowest(table: dict[str, Any], cap: int, rank: Callable[[Any], float]) -> int:
    """Drop the lowest-ranked fifth once ``table`` exceeds ``cap``; ties broken by key so it is deterministic."""
    if len(table) <= cap:
        return 0
    drop = len(table) - cap + cap // 5
    for key in sorted(table, key=lambda k: (rank(table[k]), k))[:drop]:
        del table[key]
    return drop
