"""Prometheus metrics of the pipeline. Label values come from configuration and fixed enums only.

Agents call the ``record_*`` methods and never touch metric objects, so what is measured can
grow here without changing the agents. A brand id that is not configured is never a label.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

from streams.models import Alert, ClassifiedMention

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STAGES = ("ingest", "enrich", "classify", "detect")


class PipelineMetrics:
    """All metrics of one process, on their own registry (tests build as many as they like)."""

    def __init__(self, brand_ids: list[str], registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.brand_ids = frozenset(brand_ids)
        self._mentions = Counter(
            "snowball_mentions_total", "Mentions classified, by brand and sentiment.",
            ["brand", "sentiment"], registry=self.registry,
        )
        self._negative_mentions = Counter(
            "snowball_negative_mentions_total", "Negative mentions, by brand.", ["brand"], registry=self.registry
        )
        self._alerts = Counter(
            "snowball_alerts_total", "Alert updates emitted, by brand, kind and severity.",
            ["brand", "kind", "severity"], registry=self.registry,
        )
        self._dead_letters = Counter(
            "snowball_dead_letters_total", "Records sent to the dead-letter topic, by stage and reason.",
            ["stage", "reason"], registry=self.registry,
        )
        self._unmatched = Counter(
            "snowball_unmatched_mentions_total", "Raw mentions that matched no configured brand.",
            registry=self.registry,
        )
        self._latency = Histogram(
            "snowball_processing_latency_seconds", "Wall time to process one record, by stage.",
            ["stage"], buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        for brand in self.brand_ids:
            self._negative_mentions.labels(brand)

    def _brand(self, brand_id: str) -> str | None:
        return brand_id if brand_id in self.brand_ids else None

    def record_classified(self, mention: ClassifiedMention) -> None:
        brand = self._brand(mention.brand_id)
        if brand is None:
            return
        self._mentions.labels(brand, str(mention.classification.sentiment)).inc()
        if mention.is_negative:
            self._negative_mentions.labels(brand).inc()

    def record_alert(self, alert: Alert) -> None:
        brand = self._brand(alert.brand_id)
        if brand is not None:
            self._alerts.labels(brand, str(alert.kind), str(alert.severity)).inc()

    def record_dead_letter(self, stage: str, reason: str) -> None:
        """``stage`` is one of STAGES and ``reason`` a fixed code of this package."""
        self._dead_letters.labels(stage, reason).inc()

    def record_unmatched(self) -> None:
        self._unmatched.inc()

    @contextmanager
    def stage_timer(self, stage: str) -> Iterator[None]:
        start = perf_counter()
        try:
            yield
        finally:
            self._latency.labels(stage).observe(perf_counter() - start)

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        start_http_server(port, addr=host, registry=self.registry)
