"""The demo: broker, worker and a scripted scenario, printing alerts as they arrive.

Everything runs for real: an embedded Kafka-protocol broker (or ``--broker``), a ``snowball
worker`` child process, a producer of the scenario's mentions, and a
reader of ``snowball.alerts``. It stops by itself once every mention went through the pipeline.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from streams.app import build_codecs, topic_specs
from streams.classification import load_classifier
from streams.enrichment import BrandCatalog, Enricher
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.processes import free_port
from streams.kafka.worker_process import WorkerProcess
from streams.models import Alert, AlertKind, Severity
from streams.scenarios import SCENARIOS, build_scenario
from streams.settings import Settings

LANGUAGE_NAMES = {"fr": "in French", "en": "in English", "und": "undetermined"}


@dataclass
class DemoResult:
    scenario: str
    produced: int
    classified: int
    expected_classified: int
    alerts: list[Alert] = field(default_factory=list)
    seconds: float = 0.0
    worker_log: Path | None = None

    def max_snowball_severity(self, brand_id: str) -> Severity | None:
        levels = [a.severity for a in self.alerts if a.brand_id == brand_id and a.kind is AlertKind.SNOWBALL
                  and a.severity is not Severity.RESOLVED]
        return max(levels, key=lambda s: s.rank) if levels else None

    def care_alerts(self, brand_id: str) -> str:
        """Community-manager alert episodes of a brand, e.g. "1 repeat critic, 3 unanswered complaints"."""
        episodes = Counter(a.kind for a in {a.alert_id: a for a in self.alerts
                                            if a.brand_id == brand_id and a.kind is not AlertKind.SNOWBALL}.values())
        return ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(episodes.items())) or "none"

    def verdict(self) -> tuple[bool, list[str]]:
        """Did the snowballing brands get a snowball warning, and the quiet brands no snowball warning?"""
        spec = SCENARIOS[self.scenario]
        lines, ok = [], True
        for brand, expected in [(b, True) for b in spec.snowball_brands] + [(b, False) for b in spec.quiet_brands]:
            top = self.max_snowball_severity(brand)
            warned = top is not None and top.rank >= Severity.WARNING.rank
            ok &= warned == expected
            label = "snowballing" if expected else "sporadic critics"
            outcome = f"snowball alert {top}" if top else "no snowball alert"
            lines.append(f"{brand:8} {label:17} -> {outcome:24} {'ok' if warned == expected else 'UNEXPECTED'}"
                         f"   (other alerts: {self.care_alerts(brand)})")
        if self.classified < self.expected_classified:
            ok = False
            lines.append(f"only {self.classified} of {self.expected_classified} mentions went through in time")
        return ok, lines


# What the demo prints as it comes: the waves, and what the brand itself does wrong (the rest is summed up).
SHOWN = (AlertKind.SNOWBALL, AlertKind.PERSONAL_DATA_REQUEST, AlertKind.BRAND_SILENCE)


def format_alert(alert: Alert) -> str:
    """Snowball alerts with their reasons; community-manager alerts on one line."""
    when = datetime.fromtimestamp(alert.event_time / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")
    head = f"[{when} UTC, event time] {alert.severity.upper():8} {alert.kind:20} {alert.summary}"
    if alert.kind is not AlertKind.SNOWBALL:
        return head
    return "\n".join([head, *(f"      - {reason}" for reason in alert.reasons)])


def run_demo(settings: Settings, scenario: str = "demo", seed: int = 7, duration: float = 120.0,
             echo: Callable[[str], None] = print, log_dir: Path | None = None,
             all_alerts: bool = False) -> DemoResult:
    """Play ``scenario``; print snowball and brand-conduct alerts as they come (every alert with ``all_alerts``)."""

    def show(alert: Alert) -> None:
        result.alerts.append(alert)
        if all_alerts or alert.kind in SHOWN:
            echo(format_alert(alert))

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
        classifier = load_classifier(settings.model_dir)
        languages = Counter(c.language for c in classifier.classify([m.text for m in mentions]))
        mix = ", ".join(f"{n} {LANGUAGE_NAMES.get(lang, lang)}" for lang, n in languages.most_common())
        echo(f"produced {result.produced} mentions ({mix}) of scenario {scenario!r}: "
             f"{SCENARIOS[scenario].description}")
        remaining = duration - (time.monotonic() - started)
        for msg in poll_messages(reader, timeout=max(remaining, 1.0), idle_timeout=None):
            if msg.topic() == settings.topics.classified:
                result.classified += 1
                if result.classified == expected:
                    echo(f"all {expected} mentions classified; waiting for the last detections")
                    break
            else:
                show(Alert.from_record(codecs.alerts.decode(msg.value())))
            if not worker.alive():
                echo("the worker stopped unexpectedly; see its log")
                break
        # Detection runs after classification: drain what it still emits.
        for msg in poll_messages(reader, timeout=10.0, idle_timeout=3.0):
            if msg.topic() == settings.topics.alerts:
                show(Alert.from_record(codecs.alerts.decode(msg.value())))
    result.seconds = time.monotonic() - started
    return result
