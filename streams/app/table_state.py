"""A Faust table written by the worker loop: its store in memory, its changelog through librdkafka.

Faust refuses ``table[key] = value`` outside a stream iteration, and its per-write changelog send
costs ~90 us. The loop writes each key once per batch into the table's store, and produces the
changelog record itself, to the partition the key's input came from: Faust's recovery reads it
back from there. What this relies on in Faust (a memory store's ``data`` and ``_key_partition``,
the table's schema and changelog topic) is checked by tests/app/test_faust_internals.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import faust

# A tombstone of this key ends every changelog flush, alone in its batch: the embedded broker reports a
# partition's end as its last batch's first offset + 1, so recovery (which reads up to that end) would stop
# short of the last records of a batch. Alone, the marker is the last batch: everything before it is read.
END_MARKER_KEY = "__snowball_end_of_flush__"

Produce = Callable[[str, int, bytes, bytes | None], None]  # topic, partition, key, value


class TableState:
    def __init__(self, app: faust.App, table: faust.Table) -> None:
        self.app = app
        self.table = table
        self.changelog = table.changelog_topic
        self.topic = self.changelog.get_topic_name()

    @property
    def store(self) -> Any:
        """Faust's memory store: ``data`` is its dict, ``_key_partition`` the partition of each key."""
        return self.table.data

    @property
    def data(self) -> Mapping[str, Any]:
        """Every key of the partitions this worker holds, for the steps to read."""
        return self.store.data

    def put(self, writes: Mapping[str, Any], partition: int, produce: Produce) -> None:
        """Store ``writes`` (key -> value) and send one changelog record each, to ``partition``."""
        data, places = self.store.data, self.store._key_partition
        for key, value in writes.items():
            data[key] = value
            places[key] = partition
            produce(self.topic, partition, self._key(key), self._value(value))

    def delete(self, keys: Iterable[str], partition: int, produce: Produce) -> None:
        data, places = self.store.data, self.store._key_partition
        for key in keys:
            data.pop(key, None)
            places.pop(key, None)
            produce(self.topic, partition, self._key(key), None)

    def end_marker(self, partition: int, produce: Produce) -> None:
        produce(self.topic, partition, self._key(END_MARKER_KEY), None)

    def items_of(self, partition: int) -> list[tuple[str, Any]]:
        """The keys this worker holds in ``partition``, with their values."""
        data = self.store.data
        return [(key, data[key]) for key, place in self.store._key_partition.items() if place == partition
                and key in data]

    # Encoded as Faust's own table sends a changelog record (``Collection._send_changelog``), so recovery decodes it.
    def _key(self, key: str) -> bytes:
        payload, _ = self.changelog.prepare_key(key, self.changelog.key_serializer)
        return payload

    def _value(self, value: Any) -> bytes:
        payload, _ = self.changelog.prepare_value(value, self.changelog.value_serializer)
        return payload
