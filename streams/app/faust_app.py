"""The Faust application: the consumer group, the assignment, the tables and their recovery, the commits.

Faust owns what it does well: group membership and partition assignment (co-partitioned: partition
N of ``mentions.raw``, ``mentions.enriched`` and every table's changelog go to one worker), table
recovery from the changelogs, and offset commits through its group member. Records do not move
through Faust's streams (about 85 us of per-event machinery each, see the README's Performance
part): the worker loop (``streams.app.worker_loop``) reads the assigned partitions with librdkafka
in batches, calls the batch pipeline, writes the tables' stores and changelogs and commits through
Faust. Faust's own fetcher reads only the changelogs, to recover the tables.

Keys make every stateful step partition-local: ``mentions.raw`` is keyed by mention id (the
``seen-mentions`` table drops redeliveries), ``mentions.enriched`` by brand id (brand contexts,
detector states and author histories live in the partition of their brand).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from streams.app.codecs import DetectorStateValue
from streams.app.health import WorkerHealth
from streams.app.stages import AUTHORS, CONTEXTS, DETECTORS, SEEN, Stages
from streams.kafka.admin import TopicSpec
from streams.settings import Settings

# Faust table name of each state the steps return (``Step.writes``); changelogs are "<app id>-<name>-changelog".
TABLE_NAMES = {SEEN: "seen-mentions", CONTEXTS: "brand-context", DETECTORS: "detector-state",
               AUTHORS: "author-history"}
SOURCE_ROLES = ("raw", "enriched")  # the topics the worker reads; the others it only writes
OUTPUT_ROLES = ("enriched", "classified", "alerts", "dead_letter")


class ChangelogOnlyConsumer(faust_aiokafka.Consumer):
    """Faust's consumer, fetching changelogs only: the source partitions are in the group and assigned to this
    worker (so tables are co-partitioned with them), but never activated here; the worker loop reads them."""

    def _set_active_tps(self, tps: Iterable[TP]) -> set[TP]:
        return super()._set_active_tps({tp for tp in tps if self._is_changelog_tp(tp)})

    def resume_partitions(self, tps: Iterable[TP]) -> None:
        super().resume_partitions({tp for tp in tps if self._is_changelog_tp(tp)})

    def verify_event_path(self, now: float, tp: TP) -> None:
        # Faust's livelock check would report a source partition as stalled, since this consumer never reads it.
        if self._is_changelog_tp(tp):
            super().verify_event_path(now, tp)


class _Transport(faust_aiokafka.Transport):
    Consumer = ChangelogOnlyConsumer


class SnowballApp(faust.App):
    """A Faust app whose consumer never fetches source topics, and whose stop first lets the worker loop finish
    its batch, let out what it holds and commit, while the group member can still commit."""

    worker_loop: Any = None  # streams.app.worker_loop.WorkerLoop, set by create_app

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)

    async def on_stop(self) -> None:
        if self.worker_loop is not None:
            await self.worker_loop.stop()
        await super().on_stop()


def faust_settings(settings: Settings, bootstrap: str) -> dict:
    group = settings.group
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
        broker_session_timeout=group.session_timeout_seconds,
        broker_heartbeat_interval=group.heartbeat_interval_seconds,
        broker_rebalance_timeout=group.rebalance_timeout_seconds,
        stream_recovery_delay=0.0,  # recover at once: a worker taking partitions over should not wait
    )
    return conf


def create_app(settings: Settings, bootstrap: str, stages: Stages, health: WorkerHealth | None = None) -> SnowballApp:
    from streams.app.worker_loop import WorkerLoop

    app = SnowballApp(settings.app_id, **faust_settings(settings, bootstrap))
    names = settings.topics
    for role in SOURCE_ROLES:  # subscribed (so assigned), never iterated: see ChangelogOnlyConsumer
        app.topics.add(app.topic(getattr(names, role), key_type=bytes, value_type=bytes, key_serializer="raw",
                                 value_serializer="raw", partitions=names.partitions))
    # JSON values, but the detector states': typed states in memory, the detector-state codec on the changelog.
    tables = {role: app.Table(name, value_type=DetectorStateValue if role == DETECTORS else None,
                              partitions=names.partitions)
              for role, name in TABLE_NAMES.items()}
    app.worker_loop = WorkerLoop(app, settings, bootstrap, stages, tables, health)

    @app.task
    async def move_records() -> None:
        await app.worker_loop.run()

    @app.on_partitions_revoked.connect
    async def on_revoked(app: faust.App, revoked: set[TP], **kwargs: Any) -> None:
        await app.worker_loop.on_revoked(revoked)

    app.snowball_topic_specs = topic_specs(settings)
    return app


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the worker reads or writes, Faust's changelogs included."""
    names = settings.topics
    specs = [TopicSpec(getattr(names, role), names.partitions, names.replication_factor)
             for role in ("raw", "enriched", "classified", "alerts", "dead_letter")]
    specs += [TopicSpec(changelog_topic(settings, table), names.partitions, names.replication_factor,
                        compacted=True) for table in TABLE_NAMES.values()]
    return specs


def changelog_topic(settings: Settings, table_name: str) -> str:
    return f"{settings.app_id}-{table_name}-changelog"
