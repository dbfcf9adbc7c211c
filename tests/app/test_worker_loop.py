"""The worker loop's cycle without a broker: a real Faust app and tables, librdkafka and the commit faked."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
from faust.types import TP

from streams.app import create_app
from streams.app.checkpoint import Checkpoint
from streams.app.stages import CONTEXTS, DETECTORS, SEEN, Record
from streams.scenarios import build_scenario
from streams.settings import Settings
from tests.support import make_stages

DAY_MS = 86_400_000


class FakeIO:
    def __init__(self) -> None:
        self.produced: list[tuple] = []
        self.assignment = {("mentions.raw", 0), ("mentions.enriched", 0)}

    def produce(self, topic, partition, key, value):
        self.produced.append((topic, partition, key, value))

    async def flush(self):
        pass

    async def unassign(self):
        self.assignment = set()

    def end_offset(self, topic, partition):
        return 100

    def topics(self) -> list[str]:
        return [topic for topic, *_ in self.produced]


@pytest.fixture
def loop(monkeypatch):
    settings = Settings(metrics_port=0, reorder_hold_seconds=2)
    stages, metrics = make_stages(settings)
    app = create_app(settings, "127.0.0.1:1", stages)
    worker_loop = app.worker_loop
    worker_loop.io = FakeIO()
    worker_loop.checkpoint = Checkpoint(worker_loop.io, worker_loop.tables, worker_loop.topic_of_role)
    worker_loop.generation = 0
    worker_loop.commits = []

    async def commit(offsets):
        worker_loop.commits.append({(tp.topic, tp.partition): offset for tp, offset in offsets.items()})
        return True

    monkeypatch.setattr(app.consumer, "_commit", commit)
    return worker_loop


def cycle(loop, records, now_ms, drain=False):
    asyncio.run(loop._cycle(records, now_ms, drain))


def raw(stages, mentions, partition=0):
    return [Record("mentions.raw", partition, i, m.id.encode(), stages.codecs.raw.encode(m.to_record()))
            for i, m in enumerate(mentions)]


def enriched_records(loop, mentions, partition=0):
    """The demo's mentions about acme as the enrich step writes them, at offsets 0, 1, ..."""
    step = loop.stages.enrich(raw(loop.stages, mentions), {})
    outputs = [o for o in step.outputs if o.role == "enriched" and o.key == b"acme"]
    return [Record("mentions.enriched", partition, i, o.key, o.value) for i, o in enumerate(outputs)]


def test_raw_mentions_are_enriched_remembered_and_committed(loop):
    mentions = build_scenario("demo")[:10]
    cycle(loop, raw(loop.stages, mentions), 0)
    assert loop.io.topics().count("mentions.enriched") >= 10
    assert set(loop.tables[SEEN].data) == {m.id for m in mentions}
    assert loop.tables[SEEN].store._key_partition == dict.fromkeys((m.id for m in mentions), 0)
    changelog = [p for p in loop.io.produced if p[0] == "snowball-seen-mentions-changelog"]
    assert len(changelog) == 11 and changelog[-1][3] is None  # one record per id, then the end marker
    assert loop.commits == [{("mentions.raw", 0): 10}]


def test_held_mentions_go_on_in_event_order_and_are_committed_once_processed(loop):
    base = sorted(build_scenario("demo"), key=lambda m: m.event_order)[:3]
    t = base[0].created_at
    # Offsets 0, 1, 2 arrive at 0, 1.0 and 1.5 s, their event times 10, 20 and 5 minutes on.
    mentions = [dataclasses.replace(m, created_at=t + minutes * 60_000, text=m.text + " acme")
                for m, minutes in zip(base, (10, 20, 5), strict=True)]
    records = enriched_records(loop, mentions)
    assert len(records) == 3
    cycle(loop, records[:1], 0)
    cycle(loop, records[1:2], 1000)
    cycle(loop, records[2:], 1500)
    assert "mentions.classified" not in loop.io.topics() and loop.commits == []  # all held, nothing committed
    cycle(loop, [], 2000)  # offset 0 is due: it goes on, and offset 2, earlier in event time, with it
    classified = [json.loads(json.dumps(loop.stages.codecs.classified.decode(p[3])["mention"]["created_at"]))
                  for p in loop.io.produced if p[0] == "mentions.classified"]
    assert classified == [mentions[2].created_at, mentions[0].created_at]
    assert loop.commits == [{("mentions.enriched", 0): 1}]  # offset 1 is still held: the commit stops before it
    cycle(loop, [], 3000)
    assert loop.commits[-1] == {("mentions.enriched", 0): 3}
    assert set(loop.tables[CONTEXTS].data) == set(loop.tables[DETECTORS].data) == {"acme"}


def test_a_revoke_lets_out_what_is_held_commits_and_stops_exporting(loop):
    records = enriched_records(loop, build_scenario("demo")[:40])
    cycle(loop, records, 0)
    cycle(loop, [], 2000)  # judged: the brand's gauges are exported
    cycle(loop, [dataclasses.replace(records[0], offset=len(records))], 2500)  # one more (a redelivery), held
    metrics = loop.metrics.registry.get_sample_value

    def gauges():
        return [metrics(name, {"brand": "acme"}) for name in ("snowball_negative_share_ratio", "snowball_score")]

    assert any(gauges()) and loop.commits[-1] == {("mentions.enriched", 0): len(records)}
    loop.metrics.set_consumer_lag("mentions.enriched", 0, 5)
    asyncio.run(loop.on_revoked({TP("mentions.enriched", 0), TP("mentions.raw", 0)}))
    assert loop.commits[-1] == {("mentions.enriched", 0): len(records) + 1}  # the held one went on at once
    assert loop.io.assignment == set() and loop.generation is None and not loop.holds
    assert gauges() == [0, 0]
    assert metrics("snowball_consumer_lag_records", {"topic": "mentions.enriched", "partition": "0"}) is None


def test_the_redelivery_guard_forgets_ids_past_its_horizon(loop):
    old = build_scenario("demo")[:5]
    cycle(loop, raw(loop.stages, old), 0)
    later = [dataclasses.replace(m, id=f"{m.id}-later", created_at=m.created_at + 4 * DAY_MS)
             for m in build_scenario("demo")[5:8]]
    loop.stages.wall_clock_ms = lambda: later[-1].created_at + DAY_MS
    cycle(loop, [dataclasses.replace(r, offset=r.offset + 5) for r in raw(loop.stages, later)], 0)
    assert set(loop.tables[SEEN].data) == {m.id for m in later}
    tombstones = {p[2] for p in loop.io.produced if p[0] == "snowball-seen-mentions-changelog" and p[3] is None}
    assert {json.dumps(m.id).encode() for m in old} <= tombstones


def test_a_batch_not_delivered_is_never_committed_not_even_by_the_stop(loop):
    from streams.app.kafka_io import DeliveryFailed

    async def refused():
        raise DeliveryFailed("1 records not delivered")

    loop.io.flush = refused
    with pytest.raises(DeliveryFailed):  # the loop's task dies here, and Faust stops the app...
        cycle(loop, raw(loop.stages, build_scenario("demo")[:10]), 0)
    del loop.io.flush

    async def close():
        pass

    loop.io.close = close
    asyncio.run(loop.stop())  # ...whose stop lets the loop finish: it must not commit past what was refused
    assert loop.commits == [] and loop.tables[SEEN].data == {}


def test_ready_while_reading_not_while_rebalancing(loop):
    loop.health.reading(2)
    assert loop.health.ready()[0]
    asyncio.run(loop.on_revoked({TP("mentions.enriched", 0), TP("mentions.raw", 0)}))
    assert loop.health.ready() == (False, "not ready: rebalancing")
