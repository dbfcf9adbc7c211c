"""Prometheus metrics of the pipeline. Label values come from configuration and fixed enums only.

Agents call the ``record_*``/``set_*`` methods and never touch metric objects, so what is measured
can grow here without changing the worker. A value that is not configured or not in a fixed enum
is never a label: a brand id that is not configured is dropped, an unknown source becomes
``other``, a topic that is not configured or a partition past the configured count is dropped.
A flood of invented brand names or sources therefore creates no new series.
"""

from __future__ import annotations

import collections
import errno
import platform
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, make_wsgi_app

from streams.models import Alert, AlertKind, ClassifiedMention, Sentiment, Severity
from streams.models.parse import REASONS as MENTION_REASONS
from streams.settings import TopicSettings

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Event-time lag spans sub-second (live) to days (a replayed backlog): wide, roughly log-spaced.
EVENT_LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0, 86400.0)
BATCH_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
# A complaint's wait for the brand's first reply, event time: 5 min .. a day, the 2-hour deadline a bound.
REPLY_WAIT_BUCKETS = (300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0)
# How complaints end (keys of ``SnowballDetector.stats``): cumulative, restored with the detector's state.
COMPLAINT_OUTCOMES = ("answered_in_time", "answered_late", "came_back_negative")
STAGES = ("enrich", "classify", "detect")  # what a worker does (ingest's dead letters are the CLI's, not counted here)
EVENT_LAG_STAGES = ("classify", "detect")  # where a mention's event-time lag is observed
# Every (stage, reason) a worker dead-letters with (streams.app.stages: Avro decoding, mention validation,
# keys, failures), created at zero so the dashboards and rules have a series before the first dead letter.
_DECODE_REASONS = ("not_avro", "unknown_schema", "corrupt_body")
DEAD_LETTER_REASONS = {
    "enrich": (*_DECODE_REASONS, *MENTION_REASONS, "invalid_mention", "processing_error"),
    "classify": (*_DECODE_REASONS, "invalid_record", "key_not_brand", "processing_error"),
    "detect": ("processing_error",),
}
OTHER = "other"
# Source platforms known by name; anything else is counted as ``other``.
SOURCES = (
    "twitter", "mastodon", "bluesky", "reddit", "facebook", "instagram", "youtube", "tiktok", "linkedin",
    "news", "blog", "forum", "review", "csv", "jsonl", "api", OTHER,
)
_SOURCE_ALIASES = {"x": "twitter"}
# Severities an alert stays open at; ``resolved`` closes an episode and is no gauge value.
OPEN_SEVERITIES = (Severity.WATCH, Severity.WARNING, Severity.CRITICAL)
# Dead-letter reasons are fixed codes of this package; the cap is a safety net should one ever
# carry input text by mistake: past it, new reasons are counted as ``other``.
MAX_DEAD_LETTER_REASONS = 32
# What the detector counts and sets aside (keys of ``SnowballDetector.stats``), and the kinds of
# personal data enrichment masks (``streams.enrichment.privacy.PiiKind``): fixed label values.
# complaints_untracked: complaints whose answer deadline is not watched because the brand's table of pending
# complaints was full (detection.care.untracked).
DETECTOR_SET_ASIDE = ("late", "duplicates", "no_author", "no_brand", "complaints_untracked")
PII_KINDS = ("email", "phone", "card", "iban")
# Keys of the detector's ``gauges(state)`` dict and the gauge each one sets (see record_brand_gauges).
BRAND_GAUGE_KEYS = (
    "score", "negative_share", "open_alerts_watch", "open_alerts_warning", "open_alerts_critical",
    "unanswered_complaints", "brand_silent",
)

Clock = Callable[[], float]


def normalize_source(source: str | None) -> str:
    """The fixed-enum label for a mention's ``source`` field."""
    value = (source or "").strip().lower()
    value = _SOURCE_ALIASES.get(value, value)
    return value if value in SOURCES else OTHER


class PipelineMetrics:
    """All metrics of one process, on their own registry (tests build as many as they like).

    ``clock`` returns wall time in epoch seconds; tests inject a fake one.
    """

    def __init__(
        self,
        brand_ids: Iterable[str],
        registry: CollectorRegistry | None = None,
        *,
        topics: TopicSettings | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.registry = registry or CollectorRegistry()
        self.brand_ids = frozenset(brand_ids)
        self._clock = clock
        topics = topics or TopicSettings()
        self._topics = frozenset((topics.raw, topics.enriched, topics.classified, topics.alerts, topics.dead_letter))
        self._partitions = topics.partitions
        self._dead_letter_reasons: set[str] = set()
        r = self.registry

        # Volume.
        self._mentions = Counter(
            "snowball_mentions_total", "Mentions classified, by brand, sentiment and source platform.",
            ["brand", "sentiment", "source"], registry=r,
        )
        self._negative_mentions = Counter(
            "snowball_negative_mentions_total", "Negative mentions, by brand.", ["brand"], registry=r
        )
        self._unmatched = Counter(
            "snowball_unmatched_mentions_total", "Raw mentions that matched no configured brand.", registry=r
        )
        # What the detector sees, per brand.
        self._negative_share = Gauge(
            "snowball_negative_share_ratio", "Share of negative mentions in the detector's current window (0-1).",
            ["brand"], registry=r,
        )
        self._score = Gauge(
            "snowball_score", "Snowball score: negative mentions in the current window over the expected number.",
            ["brand"], registry=r,
        )
        self._open_alerts = Gauge(
            "snowball_open_alerts", "Alert episodes currently open, by brand and severity (detector state).",
            ["brand", "severity"], registry=r,
        )
        self._unanswered = Gauge(
            "snowball_unanswered_complaints", "Complaints still unanswered by the brand past the reply deadline.",
            ["brand"], registry=r,
        )
        self._brand_silent = Gauge(
            "snowball_brand_silent",
            "1 while a warning or critical wave of the brand has had no public word from the brand for the "
            "configured time (the brand_silence alert is open), else 0.",
            ["brand"], registry=r,
        )
        self._wave_level = Gauge(
            "snowball_wave_level",
            "Severity of the brand's open snowball episode: 0 none or resolved, 1 watch, 2 warning, 3 critical.",
            ["brand"], registry=r,
        )
        self._alerts = Counter(
            "snowball_alerts_total", "Alert updates emitted, by brand, kind and severity.",
            ["brand", "kind", "severity"], registry=r,
        )
        self._first_reply = Histogram(
            "snowball_complaint_first_reply_seconds",
            "Event time from a complaint to the brand's first public reply to it, by brand.",
            ["brand"], buckets=REPLY_WAIT_BUCKETS, registry=r,
        )
        self._complaint_outcomes = Gauge(
            "snowball_complaint_outcomes",
            "Complaints by how they ended: answered within the deadline or after it, and answered complaints whose "
            "author came back negative within a day (cumulative, kept in the detector's state).",
            ["brand", "outcome"], registry=r,
        )
        # Pipeline health.
        self._dead_letters = Counter(
            "snowball_dead_letters_total", "Records sent to the dead-letter topic, by stage and reason.",
            ["stage", "reason"], registry=r,
        )
        self._latency = Histogram(
            "snowball_processing_latency_seconds", "Wall time to process one batch, by stage.",
            ["stage"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self._last_processed = Gauge(
            "snowball_last_processed_timestamp_seconds", "Wall time the stage last finished a record, epoch seconds.",
            ["stage"], registry=r,
        )
        self._event_lag = Histogram(
            "snowball_event_time_lag_seconds", "Wall time when the stage handled a mention minus its created_at.",
            ["stage"], buckets=EVENT_LAG_BUCKETS, registry=r,
        )
        self._consumer_lag = Gauge(
            "snowball_consumer_lag_records", "Records behind the partition's end offset, by topic and partition.",
            ["topic", "partition"], registry=r,
        )
        self._classified_total = Counter(
            "snowball_classifier_mentions_total", "Mentions the classifier labelled.", registry=r
        )
        self._classifier_batch_seconds = Histogram(
            "snowball_classifier_batch_duration_seconds", "Wall time to classify one batch.",
            buckets=LATENCY_BUCKETS, registry=r,
        )
        self._classifier_batch_size = Histogram(
            "snowball_classifier_batch_size", "Mentions per classifier batch.", buckets=BATCH_SIZE_BUCKETS, registry=r
        )
        self._set_aside = Gauge(
            "snowball_detector_set_aside_mentions",
            "Mentions the detector counted and set aside, by reason, as kept in its changelog-backed state.",
            ["brand", "reason"], registry=r,
        )
        self._pii_masked = Counter(
            "snowball_pii_masked_total", "Personal data items masked in mention text, by kind.", ["kind"],
            registry=r,
        )
        self._info = Info("snowball", "Versions of Snowball and of its classifier model.", registry=r)
        self._initialize_series()

    def _initialize_series(self) -> None:
        """Create every bounded series at zero so rate(), absent() and dashboards see them from the start."""
        for brand in self.brand_ids:
            self._negative_mentions.labels(brand)
            self._negative_share.labels(brand)
            self._score.labels(brand)
            self._unanswered.labels(brand)
            self._wave_level.labels(brand)
            self._brand_silent.labels(brand)
            self._first_reply.labels(brand)
            for outcome in COMPLAINT_OUTCOMES:
                self._complaint_outcomes.labels(brand, outcome)
            for severity in OPEN_SEVERITIES:
                self._open_alerts.labels(brand, str(severity))
            for sentiment in Sentiment:
                self._mentions.labels(brand, str(sentiment), OTHER)
            # A counter born at its first increment loses that increment to increase() and rate().
            for kind in AlertKind:
                for severity in Severity:
                    self._alerts.labels(brand, str(kind), str(severity))
        for stage in STAGES:
            self._latency.labels(stage)
        for stage in EVENT_LAG_STAGES:
            self._event_lag.labels(stage)
        for stage, reasons in DEAD_LETTER_REASONS.items():
            for reason in reasons:
                self._dead_letter_reasons.add(reason)
                self._dead_letters.labels(stage, reason)
        for kind in PII_KINDS:
            self._pii_masked.labels(kind)

    def _brand(self, brand_id: str) -> str | None:
        return brand_id if brand_id in self.brand_ids else None

    @staticmethod
    def _stage(stage: str) -> str:
        return stage if stage in STAGES else OTHER

    # Volume and detector output.

    def record_classified(self, mention: ClassifiedMention) -> None:
        brand = self._brand(mention.brand_id)
        if brand is None:
            return
        sentiment = str(mention.classification.sentiment)
        self._mentions.labels(brand, sentiment, normalize_source(mention.mention.source)).inc()
        if mention.is_negative:
            self._negative_mentions.labels(brand).inc()

    def record_classified_batch(self, mentions: Sequence[ClassifiedMention], lag_stages: Sequence[str]) -> None:
        """``record_classified`` and ``record_event_time_lag`` (for each of ``lag_stages``) of every mention of a
        batch, looking each series up once per batch instead of once per mention (the same counts and lags)."""
        counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
        for mention in mentions:
            brand = self._brand(mention.brand_id)
            if brand is not None:
                counts[brand, str(mention.classification.sentiment), mention.mention.source] += 1
        negatives: collections.Counter[str] = collections.Counter()
        for (brand, sentiment, source), count in counts.items():
            self._mentions.labels(brand, sentiment, normalize_source(source)).inc(count)
            if sentiment == Sentiment.NEGATIVE:
                negatives[brand] += count
        for brand, count in negatives.items():
            self._negative_mentions.labels(brand).inc(count)
        now = self._clock()
        lags = [max(now - mention.mention.created_at / 1000.0, 0.0) for mention in mentions]
        for stage in lag_stages:
            observe = self._event_lag.labels(self._stage(stage)).observe
            for lag in lags:
                observe(lag)

    def record_unmatched(self) -> None:
        self._unmatched.inc()

    def record_alert(self, alert: Alert) -> None:
        brand = self._brand(alert.brand_id)
        if brand is None:
            return
        self._alerts.labels(brand, str(alert.kind), str(alert.severity)).inc()
        # One snowball episode per brand at a time, so its latest update is the brand's wave level.
        if alert.kind is AlertKind.SNOWBALL:
            self._wave_level.labels(brand).set(Severity(alert.severity).rank)

    def record_brand_gauges(self, brand_id: str, gauges: Mapping[str, float]) -> None:
        """Set the brand's detector gauges from the detector's ``gauges(state)``; unknown keys are ignored."""
        brand = self._brand(brand_id)
        if brand is None:
            return
        targets = {
            "score": self._score.labels(brand),
            "negative_share": self._negative_share.labels(brand),
            "unanswered_complaints": self._unanswered.labels(brand),
            "brand_silent": self._brand_silent.labels(brand),
            **{f"open_alerts_{s}": self._open_alerts.labels(brand, str(s)) for s in OPEN_SEVERITIES},
        }
        for key, value in gauges.items():
            target = targets.get(key)
            if target is not None:
                target.set(float(value))

    def record_detector_stats(self, brand_id: str, stats: Mapping[str, int]) -> None:
        """The detector's own counters (``detector.stats(state)``): cumulative, restored with its state."""
        brand = self._brand(brand_id)
        if brand is None:
            return
        for reason in DETECTOR_SET_ASIDE:
            if reason in stats:
                self._set_aside.labels(brand, reason).set(stats[reason])
        for outcome in COMPLAINT_OUTCOMES:
            if outcome in stats:
                self._complaint_outcomes.labels(brand, outcome).set(stats[outcome])

    def record_first_replies(self, brand_id: str, waits_seconds: Iterable[float]) -> None:
        """Each complaint's wait for the brand's first reply (``detector.take_replies``), in event-time seconds."""
        brand = self._brand(brand_id)
        if brand is None:
            return
        histogram = self._first_reply.labels(brand)
        for wait in waits_seconds:
            histogram.observe(max(wait, 0.0))

    def record_pii_masked(self, by_kind: Mapping[str, int]) -> None:
        """Masks enrichment applied to one mention (``enrichment.pii_by_kind``); unknown kinds are ignored."""
        for kind, count in by_kind.items():
            if kind in PII_KINDS and count > 0:
                self._pii_masked.labels(kind).inc(count)

    def reset_brand(self, brand_id: str) -> None:
        """Zero the brand's detector gauges, e.g. when this worker loses the brand's partition, so a
        stale level does not keep an alert firing after another worker took the brand over."""
        brand = self._brand(brand_id)
        if brand is None:
            return
        for gauge in (self._score, self._negative_share, self._unanswered, self._wave_level, self._brand_silent):
            gauge.labels(brand).set(0)
        for severity in OPEN_SEVERITIES:
            self._open_alerts.labels(brand, str(severity)).set(0)

    # Pipeline health.

    def record_dead_letter(self, stage: str, reason: str) -> None:
        """``stage`` is one of STAGES and ``reason`` a fixed code of this package."""
        if reason not in self._dead_letter_reasons:
            if len(self._dead_letter_reasons) >= MAX_DEAD_LETTER_REASONS:
                reason = OTHER
            else:
                self._dead_letter_reasons.add(reason)
        self._dead_letters.labels(self._stage(stage), reason).inc()

    @contextmanager
    def stage_timer(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.observe_stage(stage, time.perf_counter() - start)

    def observe_stage(self, stage: str, seconds: float) -> None:
        """A batch of ``stage`` took ``seconds``; the stage processed something now."""
        stage = self._stage(stage)
        self._latency.labels(stage).observe(seconds)
        self._last_processed.labels(stage).set(self._clock())

    def record_event_time_lag(self, stage: str, created_at_ms: int) -> None:
        """Observe now minus the mention's event time (``created_at``, epoch ms); clock skew counts as 0."""
        lag = self._clock() - created_at_ms / 1000.0
        self._event_lag.labels(self._stage(stage)).observe(max(lag, 0.0))

    def set_consumer_lag(self, topic: str, partition: int, lag: int) -> None:
        """Records between the committed offset and the end of a configured topic's partition."""
        if topic not in self._topics or not 0 <= partition < self._partitions:
            return
        self._consumer_lag.labels(topic, str(partition)).set(max(lag, 0))

    def forget_partition(self, topic: str, partition: int) -> None:
        """This worker no longer reads the partition (a rebalance gave it to another): drop its lag series."""
        try:
            self._consumer_lag.remove(topic, str(partition))
        except KeyError:
            pass

    def record_classifier_batch(self, size: int, seconds: float) -> None:
        self._classified_total.inc(size)
        self._classifier_batch_size.observe(size)
        self._classifier_batch_seconds.observe(seconds)

    def set_info(self, version: str, model: str, model_version: str) -> None:
        self._info.info(
            {"version": version, "model": model, "model_version": model_version,
             "python_version": platform.python_version()}
        )

    def serve(self, port: int, host: str = "127.0.0.1", health: Probes | None = None) -> None:
        """``/metrics`` (and ``/healthz``, ``/readyz`` from ``health``) on a daemon thread; a port that cannot be
        bound is a ``ConfigError`` naming the flag."""
        from streams.errors import ConfigError

        try:
            server = make_server(host, port, _app(make_wsgi_app(self.registry), health), _ThreadingServer,
                                 handler_class=_QuietHandler)
        except OSError as exc:
            why = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
            raise ConfigError(f"cannot serve metrics on {host}:{port}: {why}; choose another port with "
                              f"--metrics-port (or SNOWBALL_METRICS_PORT; 0 disables metrics)") from None
        threading.Thread(target=server.serve_forever, name="snowball-metrics", daemon=True).start()


class Probes(Protocol):
    """What the health endpoints ask (``streams.app.health.WorkerHealth``): (yes or no, why)."""

    def live(self) -> tuple[bool, str]: ...

    def ready(self) -> tuple[bool, str]: ...


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # a scrape every few seconds is not news


def _app(metrics: Callable, health: Probes | None) -> Callable:
    """WSGI: /healthz and /readyz answer 200 or 503 with one line of why; anything else is Prometheus's."""
    checks = {"/healthz": "live", "/readyz": "ready"} if health is not None else {}

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        check = checks.get(environ.get("PATH_INFO", ""))
        if check is None:
            return metrics(environ, start_response)
        ok, why = getattr(health, check)()
        body = (why + "\n").encode()
        start_response("200 OK" if ok else "503 Service Unavailable",
                       [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    return app
