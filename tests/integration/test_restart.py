"""A worker restart loses no state: the detector resumes from its changelog-backed table.

The embedded broker (Tansu) reports a partition's end as its last batch's base offset + 1, and
Faust's table recovery reads up to that end (shared/notes/embedded-broker.md). The worker ends
every changelog flush with a marker alone in its batch, so that end is the true one: nothing may be
lost, on Tansu as on Apache Kafka.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, TopicPartition

from streams.app import build_codecs, topic_specs
from streams.app.faust_app import TABLE_NAMES, changelog_topic
from streams.app.stages import DETECTORS
from streams.enrichment import BrandCatalog, Enricher
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.worker_process import WorkerProcess
from streams.models import Alert, AlertKind
from streams.scenarios import build_scenario
from streams.settings import Settings
from tests.support import plain_fastavro_decode

pytestmark = pytest.mark.integration



def checkpoints_until(consumer, target: int, timeout: float) -> dict[str, dict]:
    """Latest detector state per brand from the changelog, once they account for ``target`` mentions."""
    latest: dict[str, dict] = {}
    for msg in poll_messages(consumer, timeout=timeout):
        if msg.value() is not None:
            latest[json.loads(msg.key())] = json.loads(msg.value())
            if sum(s["stats"]["mentions"] for s in latest.values()) >= target:
                break
    return latest


def true_last_offsets(bootstrap: str, topic: str, partitions: int) -> dict[int, int]:
    """The last offset actually stored in each partition (-1 when empty), read record by record."""
    last: dict[int, int] = {}
    for partition in range(partitions):
        reader = make_consumer(bootstrap, [topic])
        reader.assign([TopicPartition(topic, partition, 0)])
        last[partition] = max((m.offset() for m in poll_messages(reader, timeout=5, idle_timeout=1.5)), default=-1)
        reader.close()
    return last


def recovered_highwaters(worker_log: Path, topic: str) -> dict[int, int]:
    """The per-partition highwaters Faust logged for table recovery (its table uses 〃 for "same topic")."""
    lines = worker_log.read_text(errors="replace").splitlines()
    start = next(i for i, line in enumerate(lines) if "Highwater for active changelog partitions" in line)
    found, current = {}, None
    for line in lines[start + 1:]:
        if "Reading Starts At" in line or "active offsets at start" in line:
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].lstrip("-").isdigit():
            current = current if cells[0] == "〃" else cells[0]
            if current == topic:
                found[int(cells[1])] = int(cells[2])
    return found


def test_a_restarted_worker_resumes_detection_where_the_first_one_stopped(tmp_path):
    settings = Settings()
    codecs = build_codecs(settings)
    mentions = build_scenario("demo")
    enricher = Enricher(BrandCatalog.from_yaml(settings.brands_file))
    half = len(mentions) // 2
    first_half = sum(len(enricher.enrich(m)) for m in mentions[:half])
    total = sum(len(enricher.enrich(m)) for m in mentions)
    records = [(m.id.encode(), codecs.raw.encode(m.to_record())) for m in mentions]
    changelog = changelog_topic(settings, TABLE_NAMES[DETECTORS])
    with EmbeddedBroker(log_path=tmp_path / "broker.log") as broker:
        ensure_topics(broker.bootstrap, topic_specs(settings))
        producer = make_producer(broker.bootstrap)
        states = make_consumer(broker.bootstrap, [changelog])
        with WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": "0"},
                           log_path=tmp_path / "worker-1.log") as worker:
            produce_all(producer, settings.topics.raw, records[:half])
            before = checkpoints_until(states, first_half, 90)
            time.sleep(2)  # let the last offsets commit
            assert worker.stop() == 0, "the worker must stop cleanly on SIGTERM"
        assert sum(s["stats"]["mentions"] for s in before.values()) == first_half
        stored = true_last_offsets(broker.bootstrap, changelog, settings.topics.partitions)
        with WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": "0"},
                           log_path=tmp_path / "worker-2.log"):
            produce_all(producer, settings.topics.raw, records[half:])
            after = checkpoints_until(states, total, 90)
            alerts_reader = make_consumer(broker.bootstrap, [settings.topics.alerts])
            alerts = [Alert.from_record(codecs.alerts.decode(m.value()))
                      for m in poll_messages(alerts_reader, timeout=20, idle_timeout=4)]
    counted = sum(s["stats"]["mentions"] for s in after.values())
    recovered = recovered_highwaters(tmp_path / "worker-2.log", changelog)
    assert all(recovered.get(p, -1) >= stored[p] for p in stored), (  # Faust logs the last offset it reads to
        f"table recovery must read each changelog to its true end: (recovered to, stored up to) "
        f"{ {p: (recovered.get(p), stored[p]) for p in stored} }")
    # Every mention counted exactly once across the restart: nothing lost, and what at-least-once
    # delivery replays after the restart is recognised as a duplicate, not counted twice.
    assert counted == total
    snowball = [a for a in alerts if a.kind is AlertKind.SNOWBALL and a.brand_id == "acme"]
    assert snowball and len({a.alert_id for a in snowball}) == 1



@pytest.mark.parametrize("ending", ["stop", "kill"])
def test_mentions_held_for_event_order_are_classified_once_whatever_ends_the_worker(ending, tmp_path):
    """The worker holds enriched mentions (here 60 s) and commits each only once classified: a stop lets what is
    held go on at once, a crash leaves it uncommitted for the next worker; none is lost or doubled."""
    settings = Settings()
    codecs = build_codecs(settings)
    mentions = build_scenario("demo")[:60]
    enricher = Enricher(BrandCatalog.from_yaml(settings.brands_file))
    expected = sorted(m.id for m in mentions for _ in enricher.enrich(m))
    records = [(m.id.encode(), codecs.raw.encode(m.to_record())) for m in mentions]
    with EmbeddedBroker(log_path=tmp_path / "broker.log") as broker:
        ensure_topics(broker.bootstrap, topic_specs(settings))
        enriched = make_consumer(broker.bootstrap, [settings.topics.enriched])
        classified = make_consumer(broker.bootstrap, [settings.topics.classified])

        def classified_ids(idle: float) -> list[str]:
            """What reaches mentions.classified until ``idle`` s pass without a record (or all were seen)."""
            ids: list[str] = []
            for m in poll_messages(classified, timeout=60, idle_timeout=idle):
                ids.append(codecs.classified.decode(m.value())["mention"]["id"])
                if len(ids) == len(expected):
                    break
            # A redelivered mention classified twice would come after the first copies: look a moment longer.
            return ids + [codecs.classified.decode(m.value())["mention"]["id"]
                          for m in poll_messages(classified, timeout=2, idle_timeout=2)]

        with WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": "0", "SNOWBALL_REORDER_HOLD_SECONDS": "60"},
                           log_path=tmp_path / "worker-1.log") as worker:
            produce_all(make_producer(broker.bootstrap), settings.topics.raw, records)
            reached = 0
            for _ in poll_messages(enriched, timeout=90):
                reached += 1
                if reached == len(expected):
                    break
            assert reached == len(expected)
            time.sleep(3)  # past a commit interval: only acknowledged offsets may be committed
            if ending == "stop":
                assert worker.stop() == 0, "the worker must stop cleanly with mentions on hold"
            else:
                worker.process.kill()
                worker.process.wait()
        probe = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": settings.app_id})
        committed_after_worker_1 = [(t.partition, t.offset) for t in probe.committed(
            [TopicPartition(settings.topics.enriched, p) for p in range(settings.topics.partitions)], timeout=10)]
        probe.close()
        before = classified_ids(idle=3)
        assert sorted(before) == (expected if ending == "stop" else [])
        with WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": "0"}, log_path=tmp_path / "worker-2.log"):
            # As a live stream would, one more mention a second until every held one is back and the new worker is
            # at work on the later ones (so a mention it classified twice would show).
            producer = make_producer(broker.bootstrap)
            later = iter(build_scenario("demo")[60:])
            after: list[str] = []
            deadline = time.monotonic() + 90
            held = set(expected)

            def all_back() -> bool:  # every held mention, and the new worker at work on the later ones
                return held <= set(before + after) and not held.issuperset(after)

            while not all_back() and time.monotonic() < deadline:
                mention = next(later)
                record = (mention.id.encode(), codecs.raw.encode(mention.to_record()))
                produce_all(producer, settings.topics.raw, [record])
                after += [codecs.classified.decode(m.value())["mention"]["id"]
                          for m in poll_messages(classified, timeout=1, idle_timeout=1)]
            after += classified_ids(idle=3)  # a mention classified twice would come after its first copy
            missing = held - set(before + after)
            where = {t: _where_in_topic(broker.bootstrap, t, missing)
                     for t in (settings.topics.enriched, settings.topics.classified)} if missing else {}
    assert sorted(i for i in before + after if i in held) == expected, (
        f"missing: (partition, offset, end) {where}; committed after worker 1: {committed_after_worker_1}")


def _where_in_topic(bootstrap: str, topic: str, ids: set[str]) -> dict[str, tuple[int, int, int]]:
    reader = make_consumer(bootstrap, [topic])
    found = {}
    for msg in poll_messages(reader, timeout=20, idle_timeout=5):
        mention_id = plain_fastavro_decode(msg.value())["mention"]["id"]
        if mention_id in ids:
            found[mention_id] = (msg.partition(), msg.offset(),
                                 reader.get_watermark_offsets(TopicPartition(topic, msg.partition()), timeout=5)[1])
    reader.close()
    return found
