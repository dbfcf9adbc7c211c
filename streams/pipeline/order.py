"""Event order: the one sort every path uses before per-brand state sees a mention."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from streams.models import RawMention

T = TypeVar("T")


def in_event_order(items: Iterable[T], mention_of: Callable[[T], RawMention]) -> list[T]:
    """``items`` by (created_at, id) of their mention, stable: the order the detector is specified on.

    Mentions of the same millisecond are taken by id, so which of two same-time copies counts as the
    near-duplicate does not depend on how partitions or files interleave them.
    """
    return sorted(items, key=lambda item: mention_of(item).event_order)
