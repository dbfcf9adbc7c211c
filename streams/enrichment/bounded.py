"""Bounded dictionaries for per-brand state: least recently updated entries go first.

Faust tables store JSON; a JSON object keeps its key order, so "recently updated" is simply
"near the end": an update moves its key to the end and eviction pops from the front. The
order is the processing order, which a replay of the same partition reproduces exactly.
"""

from __future__ import annotations

from typing import Any


def touch(entries: dict[str, Any], key: str, value: Any) -> None:
    """Set ``entries[key]`` and make it the most recently updated entry."""
    entries.pop(key, None)
    entries[key] = value


def evict_oldest(entries: dict[str, Any], max_entries: int) -> int:
    """Drop the least recently updated entries beyond ``max_entries``; how many were dropped."""
    dropped = 0
    while len(entries) > max_entries:
        del entries[next(iter(entries))]
        dropped += 1
    return dropped
