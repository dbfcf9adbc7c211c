"""The Faust application: topics, tables and three short agents around ``Stages``.

Keys make every stateful step partition-local: ``mentions.raw`` is keyed by mention id (the
``seen-mentions`` table deduplicates by id), the later topics by brand id (the
``detector-state`` table holds one detector state per brand). Tables are changelog-backed, so a
restart or a rebalance restores them from Kafka.
"""

from __future__ import annotations

import asyncio

import faust

from streams.app.codecs import DETECTOR_STATE_CODEC
from streams.app.held_classify import HeldClassify, origin_of
from streams.app.stages import Output, Stages
from streams.app.tables import BatchTableView, as_current
from streams.enrichment.authors import brand_of_history_key
from streams.kafka.admin import TopicSpec
from streams.settings import Settings

SEEN_TABLE = "seen-mentions"
CONTEXT_TABLE = "brand-context"
DETECTOR_TABLE = "detector-state"
AUTHORS_TABLE = "author-history"
TABLES = (SEEN_TABLE, CONTEXT_TABLE, DETECTOR_TABLE, AUTHORS_TABLE)
ENRICH_BATCH = 500
DETECT_BATCH = 500  # events per detector checkpoint: one state write per brand per batch


def _faust_settings(settings: Settings, bootstrap: str) -> dict:
    conf = dict(
        broker=f"kafka://{bootstrap}",
        store="memory://",
        topic_partitions=settings.topics.partitions,
        topic_replication_factor=settings.topics.replication_factor,
        topic_disable_leader=True,
        web_enabled=False,
        consumer_auto_offset_reset="earliest",
        table_standby_replicas=0,
        datadir=str(settings.data_dir),
    )
    if settings.embedded_profile:
        # Tansu joins groups slowly with defaults (~30 s); one local worker wants short timeouts.
        conf.update(broker_session_timeout=6.0, broker_heartbeat_interval=1.0, broker_rebalance_timeout=10.0,
                    broker_commit_interval=1.0, stream_recovery_delay=0.0, producer_linger=0.005)
    return conf


def create_app(settings: Settings, bootstrap: str, stages: Stages) -> faust.App:
    app = faust.App(settings.app_id, **_faust_settings(settings, bootstrap))
    names = settings.topics
    topic = {
        role: app.topic(getattr(names, role), key_type=bytes, value_type=bytes, key_serializer="raw",
                        value_serializer="raw", partitions=names.partitions)
        for role in ("raw", "enriched", "classified", "alerts", "dead_letter")
    }
    # Serializers only: a value_type makes recovery call value_type.from_data, which plain dicts lack.
    json_schema = faust.Schema(key_serializer="json", value_serializer="json")
    seen = app.Table(SEEN_TABLE, schema=json_schema, partitions=names.partitions)
    contexts = app.Table(CONTEXT_TABLE, schema=json_schema, partitions=names.partitions)
    detector_states = app.Table(DETECTOR_TABLE, partitions=names.partitions,
                                schema=faust.Schema(key_serializer="json", value_serializer=DETECTOR_STATE_CODEC))
    author_histories = app.Table(AUTHORS_TABLE, schema=json_schema, partitions=names.partitions)

    async def send(outputs: list[Output]) -> None:
        # Until the broker has every record: a batch is acked (its offsets committed) only after this returns.
        deliveries = [await topic[out.role].send(key=out.key, value=out.value) for out in outputs]
        await asyncio.gather(*deliveries)

    @app.agent(topic["raw"], name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        # Batches, acked after the body returns, like the other agents; each mention's ``seen`` write
        # is made as its own event, so it lands on that event's changelog partition as before.
        async for events in stream.take_events(ENRICH_BATCH, within=0.05):
            with stages.metrics.stage_timer("enrich"):
                outputs: list[Output] = []
                for event in events:
                    with as_current(event):
                        outputs += stages.enrich(event.value, origin_of(event), seen)
                await send(outputs)

    held = HeldClassify(stages, contexts, send, settings.classify_batch_size,
                        round(settings.reorder_hold_seconds * 1000), lambda: app.should_stop or app.rebalancing)

    @app.agent(topic["enriched"], name="classify")
    async def classify(stream: faust.StreamT) -> None:
        # Acked by ``held`` once classified (noack_take), so a held mention is never committed unprocessed.
        releaser = asyncio.ensure_future(held.release_loop(stream))
        try:
            async for events in stream.noack_take(settings.classify_batch_size, within=0.05):
                await held.take(stream, events)
        finally:
            releaser.cancel()

    @app.agent(topic["classified"], name="detect")
    async def detect(stream: faust.StreamT) -> None:
        # take_events acks a batch only after this body returns: offsets never pass saved state.
        async for events in stream.take_events(DETECT_BATCH, within=0.05):
            with stages.metrics.stage_timer("detect"):
                await send(stages.detect([(e.value, origin_of(e)) for e in events],
                                         BatchTableView(detector_states, events),
                                         BatchTableView(author_histories, events, owner_key=brand_of_history_key)))

    sources = {names.raw, names.enriched, names.classified}

    @app.timer(10.0)
    async def report_consumer_lag() -> None:
        for tp in app.consumer.assignment():
            if tp.topic in sources:
                position = await app.consumer.position(tp)
                if position is not None:
                    stages.metrics.set_consumer_lag(tp.topic, tp.partition, app.consumer.highwater(tp) - position)

    app.snowball_topic_specs = topic_specs(settings)
    return app


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the worker reads or writes, Faust's changelogs included."""
    names = settings.topics
    specs = [TopicSpec(getattr(names, role), names.partitions, names.replication_factor)
             for role in ("raw", "enriched", "classified", "alerts", "dead_letter")]
    specs += [TopicSpec(f"{settings.app_id}-{table}-changelog", names.partitions, names.replication_factor,
                        compacted=True) for table in TABLES]
    return specs
