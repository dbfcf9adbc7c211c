"""The commit protocol of one batch, as one object whose steps are numbered.

Offsets are committed only after every record the batch produced is delivered and every table
value it changed is in the changelog; outputs are delivered before the state that counts them as
done. So a crash at any step resumes from the last commit with the state that goes with it
(at-least-once: the redelivery guard and the detector drop what comes twice). A step that fails
leaves the offsets uncommitted for good and raises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from faust.types import TP

from streams.app.kafka_io import KafkaIO
from streams.app.stages import Output
from streams.app.table_state import TableState


class CheckpointFailed(RuntimeError):
    """A batch was not delivered: the worker must stop and resume from the last commit."""


class Checkpoint:
    def __init__(self, io: KafkaIO, tables: Mapping[str, TableState], topic_of_role: Mapping[str, str]) -> None:
        self.io = io
        self.tables = tables
        self.topic_of_role = topic_of_role
        self.outputs: list[Output] = []
        self.writes: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)  # (table, partition) -> key -> value
        self.deletes: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.offsets: dict[tuple[str, int], int] = {}  # (topic, partition) -> the next offset to read
        self.failed: BaseException | None = None  # why a commit failed: then no later one may commit

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
        """Run the steps; True once the offsets are committed.

        A step that raises leaves this checkpoint failed: the records it had queued may never have reached the
        broker, and the stores hold values the changelog may lack, so no later commit may go past them (every
        later call raises; the worker stops and a restart resumes from the last commit). Only an interruption
        (cancellation) keeps the offsets for the next commit, whose flush confirms the records already queued.
        """
        if self.failed is not None:
            raise CheckpointFailed("an earlier batch was not delivered: nothing more is committed") from self.failed
        produce = self.io.produce
        outputs, self.outputs = self.outputs, []
        writes, self.writes = self.writes, defaultdict(dict)
        deletes, self.deletes = self.deletes, defaultdict(set)
        try:
            # 1. Queue the outputs, keyed as their topic is (the partitioner places them), and wait for the broker
            #    to have them all, before any state that counts them as done is saved.
            for output in outputs:
                produce(self.topic_of_role[output.role], None, output.key, output.value)
            await self.io.flush()
            # 2. Store the tables' new values and queue their changelog records, each to its input's partition;
            #    wait for the broker to have them.
            for (table, partition), values in writes.items():
                self.tables[table].put(values, partition, produce)
            for (table, partition), keys in deletes.items():
                self.tables[table].delete(keys, partition, produce)
            changed = writes.keys() | deletes.keys()
            if changed:
                await self.io.flush()
                # 3. End each changelog partition written with a marker alone in its batch, so recovery reads it
                #    all (the embedded broker reports a partition's end as its last batch's first offset + 1).
                for table, partition in changed:
                    self.tables[table].end_marker(partition, produce)
                await self.io.flush()
        except Exception as exc:
            self.failed = exc
            raise
        # 4. Commit the offsets through Faust's group member (only for partitions it still holds).
        if not self.offsets:
            return True
        offsets, self.offsets = self.offsets, {}
        return await commit_offsets({TP(topic, partition): offset for (topic, partition), offset in offsets.items()})
