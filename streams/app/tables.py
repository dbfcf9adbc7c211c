"""Faust tables as plain mappings for batch processing.

Faust writes a table's changelog to the partition of the *current event*, which a stream sets
while an agent iterates events one by one. ``take_events`` yields a batch with no current
event, so writes made for the batch are placed under the batch's last event with the same Kafka
key: keys of these topics are the tables' keys (brand ids), so that is the partition that owns
the key, and a restart or rebalance restores the state where its input lives.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any

import faust
from faust.streams import _current_event  # Faust's own context variable for the current event


@contextmanager
def as_current(event: faust.EventT) -> Iterator[None]:
    """Table writes made inside go to ``event``'s partition, as if a stream were iterating it."""
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


def _same_key(key: str) -> str:
    return key


class BatchTableView(MutableMapping[str, Any]):
    """``owner_key`` maps a table key to the Kafka key whose partition holds it (for composite keys
    such as ``brand|author``, the brand)."""

    def __init__(self, table: faust.Table, events: Sequence[faust.EventT],
                 owner_key: Callable[[str], str] = _same_key) -> None:
        self._table = table
        self._owner_key = owner_key
        self._owner: dict[str, faust.EventT] = {}
        for event in events:
            key = event.message.key
            if key is not None:
                self._owner[key.decode("utf-8", errors="replace")] = event

    def __getitem__(self, key: str) -> Any:
        return self._table[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._table.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def __setitem__(self, key: str, value: Any) -> None:
        owner = self._owner.get(self._owner_key(key))
        if owner is None:
            raise KeyError(f"no event of this batch is keyed {key!r}: its partition is unknown")
        token = _current_event.set(weakref.ref(owner))
        try:
            self._table[key] = value
        finally:
            _current_event.reset(token)

    def __delitem__(self, key: str) -> None:
        owner = self._owner[self._owner_key(key)]
        token = _current_event.set(weakref.ref(owner))
        try:
            del self._table[key]
        finally:
            _current_event.reset(token)

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
