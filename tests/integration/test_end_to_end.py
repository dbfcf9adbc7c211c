"""The whole pipeline on the embedded broker: scenario in, alerts and dead letters out."""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

from streams.app import build_codecs, topic_specs
from streams.enrichment import BrandCatalog, Enricher
from streams.io.jsonl import write_jsonl
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.worker_process import WorkerProcess
from streams.models import Alert, AlertKind, DeadLetter, Severity
from streams.scenarios import build_scenario
from streams.settings import Settings
from tests.support import plain_fastavro_decode

pytestmark = pytest.mark.integration

MALFORMED = b"\x00\x00\x00\x00\x07this is not a mention"


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory):
    """Run the demo scenario with a malformed record in the middle; collect every topic."""
    logs = tmp_path_factory.mktemp("e2e")
    settings = Settings()
    codecs = build_codecs(settings)
    mentions = build_scenario("demo")
    enricher = Enricher(BrandCatalog.from_yaml(settings.brands_file))
    expected_classified = sum(len(enricher.enrich(m)) for m in mentions)
    records = [(m.id.encode(), codecs.raw.encode(m.to_record())) for m in mentions]
    middle = len(records) // 2
    records.insert(middle, (b"malformed-1", MALFORMED))
    with EmbeddedBroker(log_path=logs / "broker.log") as broker:
        ensure_topics(broker.bootstrap, topic_specs(settings))
        with WorkerProcess(broker.bootstrap, env={"SNOWBALL_METRICS_PORT": "0"},
                           log_path=logs / "worker.log") as worker:
            produce_all(make_producer(broker.bootstrap), settings.topics.raw, records)
            roles = {getattr(settings.topics, r): r for r in ("raw", "enriched", "classified", "alerts",
                                                              "dead_letter")}
            reader = make_consumer(broker.bootstrap, list(roles))
            seen = defaultdict(list)
            deadline = time.monotonic() + 120
            for msg in poll_messages(reader, timeout=120):
                seen[roles[msg.topic()]].append(msg.value())
                if len(seen["classified"]) >= expected_classified or time.monotonic() > deadline:
                    break
            # Detection follows classification: drain its last alerts.
            for msg in poll_messages(reader, timeout=15, idle_timeout=4):
                seen[roles[msg.topic()]].append(msg.value())
            reader.close()
            alive = worker.alive()
    return {"seen": seen, "codecs": codecs, "expected_classified": expected_classified, "alive": alive,
            "produced": len(records), "log": logs / "worker.log"}


def _alerts(run) -> list[Alert]:
    return [Alert.from_record(run["codecs"].alerts.decode(v)) for v in run["seen"]["alerts"]]


def test_the_attacked_brand_gets_a_snowball_alert(pipeline_run):
    snowball = [a for a in _alerts(pipeline_run) if a.kind is AlertKind.SNOWBALL and a.brand_id == "acme"]
    assert snowball, f"no snowball alert for acme; worker log: {pipeline_run['log']}"
    assert max(a.severity.rank for a in snowball) >= Severity.WARNING.rank
    assert len({a.alert_id for a in snowball}) == 1  # one episode for one wave


def test_the_sporadic_brand_gets_no_snowball_alert(pipeline_run):
    assert not [a for a in _alerts(pipeline_run) if a.kind is AlertKind.SNOWBALL and a.brand_id == "globex"]


def test_the_malformed_record_is_dead_lettered_and_later_records_flow(pipeline_run):
    letters = [DeadLetter.from_record(pipeline_run["codecs"].dead_letter.decode(v))
               for v in pipeline_run["seen"]["dead_letter"]]
    assert len(letters) == 1
    letter = letters[0]
    assert letter.stage == "enrich" and letter.reason == "not_avro"
    assert letter.value == MALFORMED and letter.key == b"malformed-1" and letter.topic == "mentions.raw"
    assert len(pipeline_run["seen"]["classified"]) == pipeline_run["expected_classified"]
    assert pipeline_run["alive"], "the worker must not die on bad input"


def test_every_topic_decodes_with_plain_fastavro_and_the_schema_files(pipeline_run):
    seen = pipeline_run["seen"]
    assert len(seen["raw"]) == pipeline_run["produced"]
    for role in ("enriched", "classified", "alerts", "dead_letter"):
        assert seen[role], f"nothing on the {role} topic"
        for value in seen[role]:
            assert plain_fastavro_decode(value)
    decodable_raw = [v for v in seen["raw"] if v != MALFORMED]
    assert all(plain_fastavro_decode(v)["id"] for v in decodable_raw)


def test_the_live_alerts_are_those_of_the_offline_backtest_field_for_field(pipeline_run, tmp_path):
    """The same cores live and offline: a bulk produce reaches each brand merged from the raw partitions, out of
    event time; the classify agent's hold puts it back in event order, as the backtest takes the whole history.
    Each brand's alerts are the same, in the same order (brands interleave differently live)."""
    from streams.backtest.runner import run_backtest

    history = tmp_path / "demo.jsonl"
    with open(history, "w", encoding="utf-8") as out:
        write_jsonl((m.to_record() for m in build_scenario("demo")), out)
    offline = run_backtest(history, Settings().brands_file).alerts

    def by_brand(alerts):
        brands = defaultdict(list)
        for alert in alerts:
            brands[alert.brand_id].append(alert.to_record())
        return dict(brands)

    assert any(a.kind is AlertKind.SNOWBALL for a in offline)
    assert by_brand(_alerts(pipeline_run)) == by_brand(offline)
