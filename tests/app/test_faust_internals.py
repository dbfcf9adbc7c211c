"""Every Faust internal the worker relies on, checked, so that an upgrade that changes one fails here first.

The worker lets Faust own the group, the assignment, table recovery and the commits, and moves records itself
(streams/app/faust_app.py). That leans on names Faust does not promise to keep; the version is pinned in
pyproject.toml, and these tests say which names and what behaviour.
"""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

import faust
import mode
import pytest
from faust.exceptions import ConsumerNotStarted
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message

from streams.app import build_stages, create_app
from streams.app.faust_app import TABLE_NAMES, ChangelogOnlyConsumer, SnowballApp
from streams.app.stages import CONTEXTS, DETECTORS
from streams.app.table_state import END_MARKER_KEY, TableState
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app() -> SnowballApp:
    settings = Settings(metrics_port=0)
    return create_app(settings, "127.0.0.1:1", build_stages(settings))  # nothing connects until it starts


def test_the_faust_version_is_pinned_to_the_one_installed():
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"faust-streaming=={version('faust-streaming')}" in pins


def test_the_app_s_consumer_activates_changelogs_only(app):
    consumer = app.consumer
    assert isinstance(consumer, ChangelogOnlyConsumer) and isinstance(consumer, faust_aiokafka.Consumer)
    changelog = TP("snowball-detector-state-changelog", 2)
    sources = {TP("mentions.raw", 2), TP("mentions.enriched", 2)}
    assert consumer._set_active_tps(sources | {changelog}) == {changelog}
    consumer.resume_partitions(sources)
    assert consumer._get_active_partitions() == {changelog}
    # Faust fetches from active partitions only, and not at all when there are none.
    assert "active_partitions" in inspect.getsource(faust.transport.consumer.Consumer._wait_next_records)


def test_the_app_makes_its_transport_and_subscribes_the_sources(app):
    assert "_new_transport" in vars(faust.App)
    assert app.transport.Consumer is ChangelogOnlyConsumer
    assert {t.get_topic_name() for t in app.topics} >= {"mentions.raw", "mentions.enriched"}
    assert app.tables.changelog_topics == {f"snowball-{name}-changelog" for name in TABLE_NAMES.values()}


def test_a_stop_lets_the_worker_loop_commit_before_faust_stops_its_consumer(app):
    calls = []

    class Loop:
        async def stop(self):
            calls.append("loop")

    async def faust_on_stop(self):
        calls.append("faust")

    app.worker_loop = Loop()
    original = faust.App.on_stop
    faust.App.on_stop = faust_on_stop
    try:
        import asyncio

        asyncio.run(app.on_stop())
    finally:
        faust.App.on_stop = original
    assert calls == ["loop", "faust"]
    # Faust's own on_stop is where the consumer stops (and waits for what it has in flight); mode runs on_stop
    # before it stops the app's children (the consumer) and cancels its tasks (the loop's).
    assert "_stop_consumer" in inspect.getsource(faust.App.on_stop)
    stop = inspect.getsource(mode.Service.stop)
    assert stop.index("await self.on_stop()") < stop.index("await self._stop_children()") < stop.index(
        "await self._stop_futures()")


def test_faust_s_livelock_check_leaves_the_source_partitions_alone(app):
    # Not started: a check that reached the consumer's thread would raise.
    assert app.consumer.verify_event_path(0.0, TP("mentions.raw", 0)) is None
    with pytest.raises(ConsumerNotStarted):
        app.consumer.verify_event_path(0.0, TP("snowball-detector-state-changelog", 0))
    assert "verify_event_path(now, tp)" in inspect.getsource(faust.transport.consumer.Consumer
                                                               .verify_all_partitions_active)


def test_the_rebalance_and_recovery_state_the_loop_reads(app):
    assert app.rebalancing is False and app.in_recovery is False
    assert isinstance(app.consumer_generation_id, int)
    assert app.tables.recovery.completed.is_set() is False  # set once a recovery ends
    source = inspect.getsource(faust.App)
    assert "self.rebalancing = True" in source and "self.rebalancing = False" in source
    assert "self.completed.set()" in inspect.getsource(type(app.tables.recovery).on_recovery_completed)
    assert "on_partitions_revoked.send" in inspect.getsource(faust.App._on_partitions_revoked)


def test_offsets_are_committed_through_the_group_member_s_thread(app):
    commit = type(app.consumer)._commit
    assert list(inspect.signature(commit).parameters) == ["self", "offsets"]
    thread_commit = inspect.getsource(faust_aiokafka.AIOKafkaConsumerThread._commit)
    assert "self.assignment()" in thread_commit  # never a partition it no longer holds
    assert "OffsetAndMetadata(offset" in thread_commit  # the offset given is the next one to read


def _detector_state():
    from streams.detection import SnowballDetector
    from tests.detection.helpers import T0, cm

    return SnowballDetector().process(None, cm("m1", T0))[0]


@pytest.mark.parametrize("table", [CONTEXTS, DETECTORS])
def test_what_the_loop_writes_to_a_changelog_is_what_recovery_restores(app, table):
    import asyncio

    state = TableState(app, app.tables[TABLE_NAMES[table]])
    records: list[tuple] = []
    value = _detector_state() if table == DETECTORS else {"v": 1, "stats": {"mentions": 3}}
    other = _detector_state() if table == DETECTORS else {"v": 1}
    state.put({"acme": value, "globex": other}, 3, lambda *record: records.append(record))
    state.delete(["globex"], 3, lambda *record: records.append(record))
    state.end_marker(3, lambda *record: records.append(record))
    assert state.data == {"acme": value} and state.store._key_partition == {"acme": 3}
    assert [r[:2] for r in records] == [(state.topic, 3)] * 4 and records[-1][3] is None

    store = state.store
    store.data.clear()
    store._key_partition.clear()

    async def recover() -> None:
        events = [await state.table.changelog_topic.decode(Message(topic, partition, offset, 0.0, 0, [], key, v, None))
                  for offset, (topic, partition, key, v) in enumerate(records)]
        state.table.apply_changelog_batch(events)

    asyncio.run(recover())
    assert dict(store.data) == {"acme": value}  # the tombstones of globex and the end marker deleted nothing else
    assert END_MARKER_KEY not in store._key_partition and store._key_partition == {"acme": 3}
    assert state.items_of(3) == [("acme", value)]


def test_the_detector_table_s_changelog_goes_through_the_detector_state_codec(app):
    """Faust takes a table's serializer from its value type, not from a schema argument."""
    from streams.app.codecs import DETECTOR_STATE_CODEC

    table = app.tables[TABLE_NAMES[DETECTORS]]
    assert table.value_serializer == DETECTOR_STATE_CODEC
    assert table.changelog_topic.value_serializer == DETECTOR_STATE_CODEC
    assert table.data.value_serializer == DETECTOR_STATE_CODEC  # the store, which recovery fills


def test_a_memory_store_forgets_the_keys_of_partitions_it_no_longer_holds(app):
    import asyncio

    state = TableState(app, app.tables[TABLE_NAMES[CONTEXTS]])
    state.put({"acme": {"a": 1}, "globex": {"b": 2}}, 0, lambda *record: None)
    state.put({"initech": {"c": 3}}, 2, lambda *record: None)
    asyncio.run(state.store.on_recovery_completed({TP(state.topic, 2)}, set()))
    assert state.data == {"initech": {"c": 3}}
