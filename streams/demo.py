"""The demo: broker, worker and a scripted scenario, printing alerts as they arrive.

Everything runs for real: an embedded Kafka-protocol broker (or ``--broker``), a ``snowball
worker`` child process with its three agents, a producer of the scenario's mentions, and a
reader of ``snowball.alerts``. It stops by itself once every mention went through the pipeline.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from streams.app import build_codecs, topic_specs
from streams.enrichment import BrandCatalog, Enricher
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker, free_port
from streams.kafka.worker_process import WorkerProcess
from streams.models import Alert, Severity
from streams.scenarios import SCENARIOS, build_scenario
from streams.settings import Settings


@dataclass
class DemoResult:
    scenario: str
    produced: int
    classified: int
    expected_classified: int
    alerts: list[Alert] = field(default_factory=list)
    seconds: float = 0.0
    worker_log: Path | None = None

    def max_severity(self, brand_id: str) -> Severity | None:
        ranks = [a.severity for a in self.alerts if a.brand_id == brand_id and a.severity is not Severity.RESOLVED]
        return max(ranks, key=lambda s: s.rank) if ranks else None

    def verdict(self) -> tuple[bool, list[str]]:
        """Did the snowball brands reach warning, and did the quiet brands stay below it?"""
        spec = SCENARIOS[self.scenario]
        lines, ok = [], True
        for brand in spec.snowball_brands:
            top = self.max_severity(brand)
            good = top is not None and top.rank >= Severity.WARNING.rank
            ok &= good
            lines.append(f"{brand:10} snowballing     -> {'alert ' + str(top) if top else 'NO ALERT'}"
                         f"  {'ok' if good else 'UNEXPECTED'}")
        for brand in spec.quiet_brands:
            top = self.max_severity(brand)
            good = top is None or top.rank < Severity.WARNING.rank
            ok &= good
            lines.append(f"{brand:10} sporadic critics -> {'alert ' + str(top) if top else 'no alert'}"
                         f"  {'ok' if good else 'UNEXPECTED'}")
        if self.classified < self.expected_classified:
            ok = False
            lines.append(f"only {self.classified} of {self.expected_classified} mentions went through in time")
        return ok, lines


def format_alert(alert: Alert) -> str:
    when = datetime.fromtimestamp(alert.event_time / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")
    head = f"[{when} UTC, event time] {alert.severity.upper():8} {alert.kind} {alert.summary}"
    return "\n".join([head, *(f"      - {reason}" for reason in alert.reasons)])


def run_demo(settings: Settings, scenario: str = "demo", seed: int = 7, duration: float = 120.0,
             echo: Callable[[str], None] = print, log_dir: Path | None = None) -> DemoResult:
    started = time.monotonic()
    mentions = build_scenario(scenario, seed=seed)
    enricher = Enricher(BrandCatalog.from_yaml(settings.brands_file))
    expected = sum(len(enricher.enrich(m)) for m in mentions)  # the same pure core the worker runs
    codecs = build_codecs(settings)
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="snowball-demo-"))
    result = DemoResult(scenario, 0, 0, expected, worker_log=log_dir / "worker.log")
    with contextlib.ExitStack() as stack:
        bootstrap = settings.broker
        if not bootstrap:
            bootstrap = stack.enter_context(EmbeddedBroker(log_path=log_dir / "broker.log")).bootstrap
            echo(f"embedded broker (Tansu) on {bootstrap}")
        ensure_topics(bootstrap, topic_specs(settings))
        env = {"SNOWBALL_METRICS_PORT": str(settings.metrics_port and free_port()),
               "SNOWBALL_TOPICS__PARTITIONS": str(settings.topics.partitions),
               "SNOWBALL_BRANDS_FILE": str(settings.brands_file), "SNOWBALL_APP_ID": settings.app_id}
        if settings.schema_registry_url:
            env["SNOWBALL_SCHEMA_REGISTRY_URL"] = settings.schema_registry_url
        worker = stack.enter_context(WorkerProcess(bootstrap, env=env, log_path=result.worker_log))
        echo(f"worker started (log: {result.worker_log})")
        reader = make_consumer(bootstrap, [settings.topics.classified, settings.topics.alerts])
        stack.callback(reader.close)
        result.produced = produce_all(
            make_producer(bootstrap), settings.topics.raw,
            ((m.id.encode(), codecs.raw.encode(m.to_record())) for m in mentions),
        )
        langs = sum(1 for m in mentions if any(w in m.text.lower() for w in (" le ", " la ", " de ", "c'est")))
        echo(f"produced {result.produced} mentions ({langs} in French, the rest in English) "
             f"of scenario {scenario!r}: {SCENARIOS[scenario].description}")
        remaining = duration - (time.monotonic() - started)
        for msg in poll_messages(reader, timeout=max(remaining, 1.0), idle_timeout=None):
            if msg.topic() == settings.topics.classified:
                result.classified += 1
                if result.classified == expected:
                    echo(f"all {expected} mentions classified; waiting for the last detections")
                    break
            else:
                alert = Alert.from_record(codecs.alerts.decode(msg.value()))
                result.alerts.append(alert)
                echo(format_alert(alert))
            if not worker.alive():
                echo("the worker stopped unexpectedly; see its log")
                break
        # Detection runs after classification: drain what it still emits.
        for msg in poll_messages(reader, timeout=10.0, idle_timeout=3.0):
            if msg.topic() == settings.topics.alerts:
                alert = Alert.from_record(codecs.alerts.decode(msg.value()))
                result.alerts.append(alert)
                echo(format_alert(alert))
    result.seconds = time.monotonic() - started
    return result
