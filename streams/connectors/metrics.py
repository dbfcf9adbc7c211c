"""Prometheus metrics of a connector. Labels: ``source`` (the connector's platform, a fixed enum), ``kind``
(``base.ERROR_KINDS``) and ``reason`` (the fixed dead-letter codes of ``streams.models.parse.REASONS``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge

from streams.connectors.base import ERROR_KINDS
from streams.models.parse import REASONS

SOURCES = ("mastodon", "rss", "bluesky", "twitter", "reddit", "webhook")
OTHER = "other"


class ConnectorMetrics:
    def __init__(self, source: str, registry: CollectorRegistry | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}")
        self.registry = registry or CollectorRegistry()
        self.source = source
        self._clock = clock
        self._started = clock()
        self._last_item: float | None = None
        r = self.registry
        self._fetched = Counter("snowball_connector_items_fetched_total",
                                "Items received from the platform, duplicates included.", ["source"], registry=r)
        self._produced = Counter("snowball_connector_items_produced_total",
                                 "Mentions produced to the raw topic, acknowledged by the broker.", ["source"],
                                 registry=r)
        self._duplicates = Counter("snowball_connector_items_skipped_total",
                                   "Items not produced because they were already (replays after a reconnect).",
                                   ["source"], registry=r)
        self._dead = Counter("snowball_connector_items_dead_lettered_total",
                             "Malformed items sent to the dead-letter topic, by reason.", ["source", "reason"],
                             registry=r)
        self._errors = Counter("snowball_connector_errors_total",
                               "Errors talking to the platform or the broker, by kind.", ["source", "kind"],
                               registry=r)
        since = Gauge("snowball_connector_seconds_since_last_item",
                      "Seconds since the platform last sent an item (since the start before the first).",
                      ["source"], registry=r)
        since.labels(source).set_function(self.seconds_since_last_item)
        # The children of the one source label, looked up once: labels() costs more than inc().
        self._fetched_child = self._fetched.labels(source)
        self._produced_child = self._produced.labels(source)
        self._skipped_child = self._duplicates.labels(source)
        for kind in ERROR_KINDS:
            self._errors.labels(source, kind)

    def seconds_since_last_item(self) -> float:
        return self._clock() - (self._last_item if self._last_item is not None else self._started)

    def fetched(self, count: int) -> None:
        if count:
            self._fetched_child.inc(count)
            self._last_item = self._clock()

    def produced(self, count: int) -> None:
        self._produced_child.inc(count)

    def skipped(self, count: int) -> None:
        if count:
            self._skipped_child.inc(count)

    def dead_lettered(self, reason: str) -> None:
        self._dead.labels(self.source, reason if reason in REASONS else OTHER).inc()

    def error(self, kind: str) -> None:
        self._errors.labels(self.source, kind if kind in ERROR_KINDS else "protocol").inc()
