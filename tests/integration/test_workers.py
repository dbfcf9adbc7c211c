"""Several workers on one embedded broker: the partitions split between them, a killed worker's partitions are
taken over within seconds, nothing is lost, and the snowball alerts are those of the offline backtest."""

from __future__ import annotations

import json
import signal
import time
import urllib.request
from collections import defaultdict

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams.app import build_codecs, topic_specs
from streams.enrichment import BrandCatalog, Enricher
from streams.io.jsonl import write_jsonl
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.processes import free_port
from streams.kafka.worker_process import WorkerProcess
from streams.scenarios import build_scenario
from streams.settings import Settings

pytestmark = pytest.mark.integration

BRAND_GAUGES = ("snowball_negative_share_ratio", "snowball_score", "snowball_unanswered_complaints",
                "snowball_wave_level")


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def brand_gauges(samples: dict, brand: str) -> dict[str, float]:
    return {name: value for (name, labels), value in samples.items()
            if name in BRAND_GAUGES and dict(labels).get("brand") == brand}


def lag_partitions(samples: dict) -> set[tuple[str, str]]:
    return {(dict(labels)["topic"], dict(labels)["partition"]) for (name, labels) in samples
            if name == "snowball_consumer_lag_records"}


def wait_until(condition, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def test_two_workers_split_take_over_after_a_kill_and_give_the_backtest_alerts(tmp_path):
    settings = Settings()
    codecs = build_codecs(settings)
    enricher = Enricher(BrandCatalog.from_yaml(settings.brands_file))
    mentions = sorted(build_scenario("demo"), key=lambda m: m.event_order)  # as snowball ingest produces a file
    expected = {(e.enrichment.brand_id, m.id) for m in mentions for e in enricher.enrich(m)}
    thirds = [mentions[:130], mentions[130:260], mentions[260:]]
    ports = [free_port(), free_port()]
    with EmbeddedBroker(log_path=tmp_path / "broker.log") as broker:
        ensure_topics(broker.bootstrap, topic_specs(settings))
        producer = make_producer(broker.bootstrap)
        classified_reader = make_consumer(broker.bootstrap, [settings.topics.classified])
        classified: set[tuple[str, str]] = set()

        def read_classified() -> int:
            for msg in poll_messages(classified_reader, timeout=0.5, idle_timeout=0.3):
                record = codecs.classified.decode(msg.value())
                classified.add((record["enrichment"]["brand_id"], record["mention"]["id"]))
            return len(classified)

        def produce(part: list) -> None:
            produce_all(producer, settings.topics.raw, [(m.id.encode(), codecs.raw.encode(m.to_record()))
                                                        for m in part])

        def upto(part: int) -> int:
            return sum(len(enricher.enrich(m)) for third in thirds[:part + 1] for m in third)

        a = WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": str(ports[0])}, log_path=tmp_path / "a.log")
        b = WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": str(ports[1])}, log_path=tmp_path / "b.log")
        try:
            # 1. One worker alone reads every partition and judges both brands.
            a.start()
            wait_until(lambda: (a.assignment() or (0,))[0] == 2 * settings.topics.partitions, 60, "a reads all")
            produce(thirds[0])
            wait_until(lambda: read_classified() >= upto(0), 60, "the first third classified")
            alone = scrape(ports[0])
            assert all(any(brand_gauges(alone, brand).values()) for brand in ("acme", "globex"))

            # 2. A second worker joins: the partitions split, and each brand is exported by its owner only.
            b.start()
            wait_until(lambda: a.assignment() and b.assignment() and a.assignment()[1] == b.assignment()[1]
                       and a.assignment()[0] + b.assignment()[0] == 2 * settings.topics.partitions
                       and a.assignment()[0] and b.assignment()[0], 60, "the partitions split")
            produce(thirds[1])
            wait_until(lambda: read_classified() >= upto(1), 60, "the second third classified")
            time.sleep(1.5)  # a commit and a lag report on each side
            split = [scrape(port) for port in ports]
            assert not lag_partitions(split[0]) & lag_partitions(split[1]), "a partition reported by both workers"
            for brand in ("acme", "globex"):
                exporting = [i for i, samples in enumerate(split) if any(brand_gauges(samples, brand).values())]
                assert len(exporting) == 1, f"{brand} exported by workers {exporting} after the split"

            # 3. Kill one mid-stream: the other takes its partitions over within seconds, nothing is lost.
            produce(thirds[2][:60])
            b.process.send_signal(signal.SIGKILL)
            b.process.wait()
            produce(thirds[2][60:])
            takeover = wait_until(lambda: a.assignment()[0] == 2 * settings.topics.partitions, 60,
                                  "the survivor reads every partition")
            wait_until(lambda: read_classified() >= len(expected), 90, "every mention classified")
        finally:
            a.stop()
            b.stop()
        alerts_reader = make_consumer(broker.bootstrap, [settings.topics.alerts])
        live = [codecs.alerts.decode(m.value()) for m in poll_messages(alerts_reader, timeout=20, idle_timeout=4)]
    assert classified == expected  # 0 mentions lost
    assert takeover < 15, f"failover took {takeover:.1f} s"

    from streams.backtest.runner import run_backtest

    history = tmp_path / "demo.jsonl"
    with open(history, "w", encoding="utf-8") as out:
        write_jsonl((m.to_record() for m in mentions), out)
    offline = run_backtest(history, settings.brands_file).alerts

    def by_brand(records) -> dict[str, list[str]]:
        """Each brand's alerts in order, a redelivered copy (at-least-once after the kill) counted once."""
        brands: dict[str, list[str]] = defaultdict(list)
        for record in records:
            text = json.dumps(record, sort_keys=True)
            if text not in brands[record["brand_id"]]:
                brands[record["brand_id"]].append(text)
        return dict(brands)

    def final_severities(records) -> dict[str, tuple[str, str]]:
        return {record["alert_id"]: (record["kind"], record["severity"]) for record in records}

    # The kill holds the killed worker's raw partitions back for the takeover (~13 s), far past the 2 s hold that puts
    # a brand's mentions back in event order, while the survivor's own went on: some mentions reach detection late.
    # The snowball alerts are still the backtest's, field for field. A community-manager alert can come a tick later
    # (a brand's reply judged after a tick that it preceded in event time): the same alerts, with the same kinds,
    # reach the same final severities. (Without a kill, tests/integration/test_end_to_end.py holds every alert
    # field for field.)
    offline_records = [a.to_record() for a in offline]
    assert by_brand(r for r in live if r["kind"] == "snowball") == by_brand(
        r for r in offline_records if r["kind"] == "snowball")
    assert final_severities(live) == final_severities(offline_records)
