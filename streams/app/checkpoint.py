"""The commit protocol of one batch, as one object whose steps are numbered.

Offsets are committed only after every record the batch produced is delivered and every table
value it changed is in the changelog, so a crash at any step resumes from the last commit with
the state that goes with it (at-least-once: the redelivery guard and the detector drop what comes
twice). A step that fails leaves the offsets uncommitted and raises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from faust.types import TP

from streams.app.kafka_io import KafkaIO
from streams.app.stages import Output
from streams.app.table_state import TableState


class Checkpoint:
    def __init__(self, io: KafkaIO, tables: Mapping[str, TableState], topic_of_role: Mapping[str, str]) -> None:
        self.io = io
        self.tables = tables
        self.topic_of_role = topic_of_role
        self.outputs: list[Output] = []
        self.writes: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)  # (table, partition) -> key -> value
        self.deletes: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.offsets: dict[tuple[str, int], int] = {}  # (topic, partition) -> the next offset to read

    # -- what the batch did ----------------------------------------------------------------------
    def send(self, outputs: Iterable[Output]) -> None:
        self.outputs.extend(outputs)

    def write(self, partition: int, writes: Mapping[str, Mapping[str, Any]]) -> None:
        """Table name -> key -> new value, for keys whose input came from ``partition``; the last value wins."""
        for table, values in writes.items():
            if values:
                self.writes[table, partition].update(values)

    def delete(self, table: str, partition: int, keys: Iterable[str]) -> None:
        self.deletes[table, partition].update(keys)

    def done(self, topic: str, partition: int, next_offset: int) -> None:
        """Every record of the partition before ``next_offset`` is processed."""
        self.offsets[topic, partition] = max(next_offset, self.offsets.get((topic, partition), 0))

    @property
    def empty(self) -> bool:
        return not (self.outputs or self.writes or self.deletes or self.offsets)

    # -- the protocol ------------------------------------------------------------------------------
    async def commit(self, commit_offsets: Callable[[Mapping[TP, int]], Awaitable[bool]]) -> bool:
        """Run the steps; True once the offsets are committed. Records queued are never queued again: if a step
        is interrupted, its offsets wait for the next commit, whose flush confirms those records too."""
        produce = self.io.produce
        outputs, self.outputs = self.outputs, []
        writes, self.writes = self.writes, defaultdict(dict)
        deletes, self.deletes = self.deletes, defaultdict(set)
        # 1. Queue the outputs, keyed as their topic is (the partitioner places them).
        for output in outputs:
            produce(self.topic_of_role[output.role], None, output.key, output.value)
        # 2. Store the tables' new values and queue their changelog records, each to its input's partition.
        for (table, partition), values in writes.items():
            self.tables[table].put(values, partition, produce)
        for (table, partition), keys in deletes.items():
            self.tables[table].delete(keys, partition, produce)
        # 3. Wait for the broker to have all of it (raises DeliveryFailed: then nothing is committed).
        await self.io.flush()
        # 4. End each changelog partition written with a marker alone in its batch, so recovery reads it all.
        changed = writes.keys() | deletes.keys()
        if changed:
            for table, partition in changed:
                self.tables[table].end_marker(partition, produce)
            await self.io.flush()
        # 5. Commit the offsets through Faust's group member (only for partitions it still holds).
        if not self.offsets:
            return True
        offsets, self.offsets = self.offsets, {}
        return await commit_offsets({TP(topic, partition): offset for (topic, partition), offset in offsets.items()})
