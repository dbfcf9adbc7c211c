"""The worker loop: read a batch with librdkafka, run the batch pipeline, commit through Faust.

One cycle, partition by partition:

- ``mentions.raw`` (keyed by mention id): enrich, with the partition's redelivery guard;
- ``mentions.enriched`` (keyed by brand id): each decoded mention is held ``hold_ms`` after it
  arrives, then goes on in event order (``streams.app.reorder``: a brand's mentions arrive merged
  from every raw partition, minutes of event time out of order under a burst or a replay), and the
  released mentions are classified and judged by the detector in one step. A held mention is
  committed only once processed, and each partition in offset order (``streams.app.acks``);
- then the batch's ``Checkpoint``: outputs and changelogs delivered, then offsets committed.

Rebalances and stops (Faust tells, see ``streams.app.faust_app``): the loop finishes its batch,
lets out everything held, commits, stops reading and stops exporting the brands and partitions it
held; after the rebalance and table recovery it reads what it was assigned from the committed
offsets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import faust
from faust.types import TP

from streams.app.acks import OffsetOrderAcks
from streams.app.checkpoint import Checkpoint
from streams.app.faust_app import OUTPUT_ROLES
from streams.app.health import WorkerHealth
from streams.app.kafka_io import KafkaIO
from streams.app.reorder import ArrivalHold
from streams.app.stages import AUTHORS, CONTEXTS, DETECTORS, SEEN, Output, Record, Stages
from streams.app.table_state import TableState
from streams.enrichment.dedup import stale_ids
from streams.pipeline import BrandState
from streams.settings import Settings
from streams.timeunits import HOUR_MS

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.05  # the longest a read waits for records; also how often held mentions are looked at
PURGE_EVERY_MS = HOUR_MS  # event time between two purges of a partition's redelivery guard


def monotonic_ms() -> int:
    return int(time.monotonic() * 1000)


class WorkerLoop:
    def __init__(self, app: faust.App, settings: Settings, bootstrap: str, stages: Stages,
                 tables: Mapping[str, faust.Table], health: WorkerHealth | None = None) -> None:
        self.app = app
        self.health = health or WorkerHealth()
        self.stages = stages
        self.metrics = stages.metrics
        names = settings.topics
        self.raw_topic, self.enriched_topic = names.raw, names.enriched
        self.batch_size = settings.consume_batch_size
        self.hold_ms = round(settings.reorder_hold_seconds * 1000)
        self.bootstrap, self.group_id = bootstrap, settings.app_id
        self.topic_of_role = {role: getattr(names, role) for role in OUTPUT_ROLES}
        self.tables = {name: TableState(app, table) for name, table in tables.items()}
        self.io: KafkaIO | None = None  # made when the loop starts: a client connects as soon as it exists
        self.checkpoint: Checkpoint | None = None
        self.holds: dict[int, ArrivalHold[tuple[Any, Record]]] = {}
        self.acks: OffsetOrderAcks[Record] = OffsetOrderAcks(lambda record: record.partition)
        self.watermarks: dict[int, int] = {}  # raw partition -> latest event time enriched
        self.purged_at: dict[int, int] = {}  # raw partition -> watermark of its last purge
        self.committed: dict[tuple[str, int], int] = {}  # source partition -> the next offset to read
        self.generation: int | None = None  # Faust's group generation this loop reads for; None: not reading
        self.lock = asyncio.Lock()
        self.stopping = False

    # -- the loop --------------------------------------------------------------------------------
    async def run(self) -> None:
        self.io = KafkaIO(self.bootstrap, self.group_id)
        self.checkpoint = Checkpoint(self.io, self.tables, self.topic_of_role)
        while not self.stopping:
            self.health.turned()
            if not self._faust_ready():
                self.health.not_reading("recovering tables" if self.app.in_recovery else "rebalancing")
                await asyncio.sleep(IDLE_SECONDS)
                continue
            if self.generation != self.app.consumer_generation_id:
                async with self.lock:  # a revoke waits for it, so it never unassigns before this assigns
                    if self._faust_ready() and not self.stopping:
                        await self._assign()
                continue
            if not self.io.assignment:  # this worker has no partition now (more workers than partitions)
                await asyncio.sleep(IDLE_SECONDS)
                continue
            records = await self.io.consume(self.batch_size, IDLE_SECONDS)  # waits at most IDLE_SECONDS
            async with self.lock:
                if self.generation is None or self.stopping:  # revoked or stopped while reading: not ours now
                    continue
                await self._cycle(records, monotonic_ms(), drain=False)

    def _faust_ready(self) -> bool:
        """Faust has an assignment (maybe empty) and has recovered the tables for it."""
        app = self.app
        return not app.rebalancing and not app.in_recovery and app.tables.recovery.completed.is_set()

    async def _assign(self) -> None:
        sources = {self.raw_topic, self.enriched_topic}
        owned = {(tp.topic, tp.partition) for tp in self.app.consumer.assignment() if tp.topic in sources}
        starts = await self.io.assign(owned)
        self.generation = self.app.consumer_generation_id
        self.committed = {tp: offset for tp, offset in starts.items() if offset >= 0}
        log.info("reading %d partitions (generation %s)", len(owned), self.generation)
        self.health.reading(len(owned))
        detectors = self.tables[DETECTORS].data
        for brand_id, state in list(detectors.items()):  # restored: export the brands this worker holds now
            self.metrics.record_brand_gauges(brand_id, self.stages.detector.gauges(state))
            self.metrics.record_detector_stats(brand_id, self.stages.detector.stats(state))

    # -- one cycle -------------------------------------------------------------------------------
    async def _cycle(self, records: Sequence[Record], now_ms: int, drain: bool) -> None:
        raw: dict[int, list[Record]] = defaultdict(list)
        enriched: dict[int, list[Record]] = defaultdict(list)
        for record in records:
            (raw if record.topic == self.raw_topic else enriched)[record.partition].append(record)
        checkpoint = self.checkpoint
        if raw:
            with self.metrics.stage_timer("enrich"):
                for partition, batch in raw.items():
                    self._enrich(partition, batch, checkpoint)
        for partition, batch in enriched.items():
            self._hold(partition, batch, now_ms, checkpoint)
        for partition, hold in self.holds.items():
            released = hold.drain() if drain else hold.release(now_ms)
            if released:
                self._brand(partition, released, checkpoint)
        if not checkpoint.empty:
            offsets = dict(checkpoint.offsets)
            if await checkpoint.commit(self.app.consumer._commit):
                self.committed.update(offsets)
            self._report_lag()
        self.stages.letter_log.say_due()
        await asyncio.sleep(0)  # a long cycle must not starve Faust's heartbeats

    def _enrich(self, partition: int, records: list[Record], checkpoint: Checkpoint) -> None:
        step = self.stages.enrich(records, self.tables[SEEN].data)
        checkpoint.send(step.outputs)
        checkpoint.write(partition, step.writes)
        checkpoint.done(self.raw_topic, partition, records[-1].offset + 1)
        seen = step.writes[SEEN]
        if seen:
            watermark = self.watermarks[partition] = max(self.watermarks.get(partition, 0), max(seen.values()))
            if watermark - self.purged_at.get(partition, 0) >= PURGE_EVERY_MS:
                # The redelivery guard keeps a horizon of event time, not every id ever seen.
                stale = stale_ids(self.tables[SEEN].items_of(partition), watermark)
                checkpoint.delete(SEEN, partition, (key for key in stale if key not in seen))
                self.purged_at[partition] = watermark

    def _hold(self, partition: int, records: list[Record], now_ms: int, checkpoint: Checkpoint) -> None:
        hold = self.holds.get(partition)
        if hold is None:
            hold = self.holds[partition] = ArrivalHold(self.hold_ms)
        lettered = []
        for record in records:
            self.acks.received(record)
            decoded = self.stages.decode_enriched(record)
            if isinstance(decoded, Output):
                checkpoint.send([decoded])
                lettered.append(record)
            else:
                hold.admit(decoded.mention.event_order, (decoded, record), now_ms)
        self._done(lettered, checkpoint)

    def _brand(self, partition: int, released: list[tuple[Any, Record]], checkpoint: Checkpoint) -> None:
        state = BrandState(self.tables[CONTEXTS].data, self.tables[DETECTORS].data, self.tables[AUTHORS].data)
        step = self.stages.brand(released, state)
        checkpoint.send(step.outputs)
        checkpoint.write(partition, step.writes)
        self._done([record for _, record in released], checkpoint)

    def _done(self, records: Iterable[Record], checkpoint: Checkpoint) -> None:
        for record in self.acks.done(records):  # each partition's in offset order
            checkpoint.done(record.topic, record.partition, record.offset + 1)

    def _report_lag(self) -> None:
        for (topic, partition), offset in self.committed.items():
            end = self.io.end_offset(topic, partition)
            if end is not None:
                self.metrics.set_consumer_lag(topic, partition, end - offset)

    # -- rebalances and stops --------------------------------------------------------------------
    async def on_revoked(self, revoked: set[TP]) -> None:
        """Faust is giving ``revoked`` up: process what is held, commit, stop reading and exporting them."""
        async with self.lock:
            if self.generation is None:
                return
            await self._let_go()
            for tp in revoked:
                self.metrics.forget_partition(tp.topic, tp.partition)
                self.committed.pop((tp.topic, tp.partition), None)

    async def _let_go(self) -> None:
        try:
            await self._cycle([], monotonic_ms(), drain=True)
        finally:
            self.generation = None
            self.health.not_reading("stopping" if self.stopping else "rebalancing")
            self.holds.clear()
            self.acks = OffsetOrderAcks(lambda record: record.partition)
            await self.io.unassign()
            for brand_id in list(self.tables[DETECTORS].data):
                self.metrics.reset_brand(brand_id)

    async def stop(self) -> None:
        """The worker stops: finish the batch, let out what is held, commit, close the clients."""
        self.stopping = True
        async with self.lock:
            try:
                if self.generation is not None:
                    await self._let_go()
            except Exception:  # Faust's own stop must still run: it leaves the group
                log.exception("the last batch was not committed; the next worker resumes from the last commit")
            finally:
                if self.io is not None:
                    await self.io.close()
