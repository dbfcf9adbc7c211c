"""PipelineMetrics: names and units, bounded labels, detector gauges, lag, classifier and info metrics."""

from __future__ import annotations

from prometheus_client import generate_latest

from streams.metrics import DEAD_LETTER_REASONS, MAX_DEAD_LETTER_REASONS, PipelineMetrics, normalize_source
from streams.models import (
    Alert,
    AlertKind,
    Classification,
    ClassifiedMention,
    Enrichment,
    RawMention,
    Sentiment,
    Severity,
)
from streams.settings import TopicSettings

NOW = 1_772_431_200.0  # 2026-03-02T06:00:00Z


def make_metrics(**kwargs) -> PipelineMetrics:
    return PipelineMetrics(["acme", "globex"], clock=lambda: NOW, **kwargs)


def classified(brand: str, sentiment: Sentiment = Sentiment.NEGATIVE, source: str = "twitter") -> ClassifiedMention:
    raw = RawMention(id="m1", source=source, text="x", created_at=int(NOW * 1000) - 30_000)
    return ClassifiedMention(raw, Enrichment(brand_id=brand), Classification("en", sentiment, 0.9))


def alert(brand: str, severity: Severity, kind: AlertKind = AlertKind.SNOWBALL) -> Alert:
    return Alert(f"{brand}:{kind}:1", kind, brand, severity, opened_at=0, event_time=0)


def value(metrics: PipelineMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def samples(metrics: PipelineMetrics) -> list[tuple[str, dict[str, str], float]]:
    """Every sample but the series' creation times."""
    return [(s.name, s.labels, s.value) for family in metrics.registry.collect() for s in family.samples
            if not s.name.endswith("_created")]


def series_count(metrics: PipelineMetrics) -> int:
    return sum(len(family.samples) for family in metrics.registry.collect())


def test_names_follow_prometheus_conventions() -> None:
    metrics = make_metrics()
    metrics.set_info("0.1.0", "baseline", "1")
    for family in metrics.registry.collect():
        for sample in family.samples:
            assert sample.name.startswith("snowball_"), sample.name
            if family.type == "counter":
                assert sample.name.endswith(("_total", "_created")), sample.name
    text = generate_latest(metrics.registry).decode()
    assert "snowball_processing_latency_seconds_bucket" in text
    assert "snowball_event_time_lag_seconds_bucket" in text
    assert 'snowball_info{model="baseline",model_version="1"' in text


def test_mentions_counted_by_brand_sentiment_and_source() -> None:
    metrics = make_metrics()
    metrics.record_classified(classified("acme", Sentiment.NEGATIVE, "twitter"))
    metrics.record_classified(classified("acme", Sentiment.POSITIVE, "X"))
    metrics.record_classified(classified("acme", Sentiment.NEGATIVE, "some-new-site"))
    assert value(metrics, "snowball_mentions_total", brand="acme", sentiment="negative", source="twitter") == 1
    assert value(metrics, "snowball_mentions_total", brand="acme", sentiment="positive", source="twitter") == 1
    assert value(metrics, "snowball_mentions_total", brand="acme", sentiment="negative", source="other") == 1
    assert value(metrics, "snowball_negative_mentions_total", brand="acme") == 2


def test_a_batch_counts_and_times_what_its_mentions_one_by_one_do() -> None:
    mentions = [classified("acme", Sentiment.NEGATIVE, "twitter"), classified("acme", Sentiment.POSITIVE, "X"),
                classified("globex", Sentiment.NEGATIVE, "some-new-site"), classified("unknown-brand"),
                classified("acme", Sentiment.NEGATIVE, "Twitter")]
    one_by_one, batch = make_metrics(), make_metrics()
    for mention in mentions:
        one_by_one.record_classified(mention)
        for stage in ("classify", "detect"):
            one_by_one.record_event_time_lag(stage, mention.mention.created_at)
    batch.record_classified_batch(mentions, ("classify", "detect"))
    assert samples(batch) == samples(one_by_one)
    assert value(batch, "snowball_mentions_total", brand="acme", sentiment="negative", source="twitter") == 2
    assert value(batch, "snowball_event_time_lag_seconds_count", stage="detect") == len(mentions)


def test_flood_of_unknown_brands_and_sources_creates_no_series() -> None:
    metrics = make_metrics()
    metrics.record_classified(classified("acme", source="reddit"))
    before = series_count(metrics)
    for i in range(500):
        metrics.record_classified(classified(f"brand-{i}", source=f"site-{i}"))
        metrics.record_alert(alert(f"brand-{i}", Severity.CRITICAL))
        metrics.record_brand_gauges(f"brand-{i}", {"score": 9.0})
        metrics.set_consumer_lag(f"topic-{i}", 0, 5)
        metrics.set_consumer_lag("mentions.raw", 1000 + i, 5)
        metrics.record_classified(classified("acme", source=f"site-{i}"))
        metrics.record_dead_letter(f"stage-{i}", "decode_error")
    # Only the acme/negative/other series and the other-stage dead letters are new, whatever the flood.
    assert series_count(metrics) - before <= 4
    assert value(metrics, "snowball_mentions_total", brand="acme", sentiment="negative", source="other") == 500


def test_dead_letter_reasons_are_capped() -> None:
    metrics = make_metrics()
    for i in range(MAX_DEAD_LETTER_REASONS + 50):
        metrics.record_dead_letter("classify", f"reason_{i}")
    reasons = {
        s.labels["reason"] for f in metrics.registry.collect() if f.name == "snowball_dead_letters"
        for s in f.samples if s.name == "snowball_dead_letters_total"
    }
    assert len(reasons) == MAX_DEAD_LETTER_REASONS + 1
    # The worker's own reasons are created at zero and count towards the cap: the rest of the flood is other.
    known = {reason for reasons in DEAD_LETTER_REASONS.values() for reason in reasons}
    assert value(metrics, "snowball_dead_letters_total", stage="classify", reason="other") == 50 + len(known)


def test_the_series_the_dashboards_query_exist_before_anything_happens() -> None:
    """No "ingest" stage a worker never times; a dead-letter series per (stage, reason) a worker can give."""
    metrics = make_metrics()
    samples = {(s.name, tuple(sorted(s.labels.items()))) for f in metrics.registry.collect() for s in f.samples}
    stages = {dict(labels)["stage"] for name, labels in samples if name == "snowball_processing_latency_seconds_count"}
    assert stages == {"enrich", "classify", "detect"}
    lag_stages = {dict(labels)["stage"] for name, labels in samples if name == "snowball_event_time_lag_seconds_count"}
    assert lag_stages == {"classify", "detect"}
    letters = {tuple(sorted(dict(labels).items())) for name, labels in samples
               if name == "snowball_dead_letters_total"}
    assert (("reason", "not_avro"), ("stage", "enrich")) in letters
    assert (("reason", "processing_error"), ("stage", "detect")) in letters
    alerts = {dict(labels)["kind"] for name, labels in samples if name == "snowball_alerts_total"}
    assert alerts == {str(kind) for kind in AlertKind}


def test_every_reason_a_worker_dead_letters_with_is_created_at_zero() -> None:
    """The reason codes raised in the code a worker runs are those DEAD_LETTER_REASONS creates."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "streams"
    raised = set()
    for path in ("serialization/avro.py", "models/parse.py", "app/stages.py"):
        text = (package / path).read_text()
        raised |= set(re.findall(r'(?:DecodeError|InvalidMention)\(\s*"([a-z_]+)"', text))
        raised |= set(re.findall(r'dead_letter\([^,()]+,\s*"([a-z_]+)"', text))
    known = {reason for reasons in DEAD_LETTER_REASONS.values() for reason in reasons}
    assert {"not_avro", "missing_field", "key_not_brand", "invalid_record", "processing_error"} <= raised
    assert raised <= known, raised - known


def test_brand_gauges_map_known_keys_and_ignore_others() -> None:
    metrics = make_metrics()
    metrics.record_brand_gauges("acme", {
        "score": 7.5, "negative_share": 0.8, "open_alerts_watch": 0, "open_alerts_warning": 1,
        "open_alerts_critical": 0, "unanswered_complaints": 3, "something_new": 42,
    })
    assert value(metrics, "snowball_score", brand="acme") == 7.5
    assert value(metrics, "snowball_negative_share_ratio", brand="acme") == 0.8
    assert value(metrics, "snowball_open_alerts", brand="acme", severity="warning") == 1
    assert value(metrics, "snowball_open_alerts", brand="acme", severity="critical") == 0
    assert value(metrics, "snowball_unanswered_complaints", brand="acme") == 3
    assert value(metrics, "snowball_score", brand="globex") == 0
    assert "something_new" not in generate_latest(metrics.registry).decode()


def test_wave_level_follows_the_snowball_episode() -> None:
    metrics = make_metrics()
    assert value(metrics, "snowball_wave_level", brand="acme") == 0
    metrics.record_alert(alert("acme", Severity.WARNING))
    assert value(metrics, "snowball_wave_level", brand="acme") == 2
    metrics.record_alert(alert("acme", Severity.CRITICAL))
    assert value(metrics, "snowball_wave_level", brand="acme") == 3
    metrics.record_alert(alert("acme", Severity.WATCH, AlertKind.REPEAT_CRITIC))  # another kind: no effect
    assert value(metrics, "snowball_wave_level", brand="acme") == 3
    metrics.record_alert(alert("acme", Severity.RESOLVED))
    assert value(metrics, "snowball_wave_level", brand="acme") == 0
    assert value(metrics, "snowball_alerts_total", brand="acme", kind="snowball", severity="critical") == 1


def test_event_time_lag_uses_the_injected_clock() -> None:
    metrics = make_metrics()
    metrics.record_event_time_lag("classify", int(NOW * 1000) - 42_000)
    metrics.record_event_time_lag("classify", int(NOW * 1000) + 5_000)  # clock skew: counted as 0
    assert value(metrics, "snowball_event_time_lag_seconds_sum", stage="classify") == 42.0
    assert value(metrics, "snowball_event_time_lag_seconds_count", stage="classify") == 2


def test_stage_timer_observes_latency_and_last_processed_time() -> None:
    metrics = make_metrics()
    assert value(metrics, "snowball_processing_latency_seconds_count", stage="detect") == 0
    with metrics.stage_timer("detect"):
        pass
    assert value(metrics, "snowball_processing_latency_seconds_count", stage="detect") == 1
    assert value(metrics, "snowball_last_processed_timestamp_seconds", stage="detect") == NOW


def test_consumer_lag_only_for_configured_topics_and_partitions() -> None:
    metrics = make_metrics(topics=TopicSettings(partitions=2))
    metrics.set_consumer_lag("mentions.raw", 1, 17)
    metrics.set_consumer_lag("mentions.raw", 2, 99)  # past the configured partitions
    metrics.set_consumer_lag("__consumer_offsets", 0, 99)
    assert value(metrics, "snowball_consumer_lag_records", topic="mentions.raw", partition="1") == 17
    assert value(metrics, "snowball_consumer_lag_records", topic="mentions.raw", partition="2") is None
    assert value(metrics, "snowball_consumer_lag_records", topic="__consumer_offsets", partition="0") is None


def test_classifier_batch_throughput() -> None:
    metrics = make_metrics()
    metrics.record_classifier_batch(128, 0.25)
    metrics.record_classifier_batch(64, 0.125)
    assert value(metrics, "snowball_classifier_mentions_total") == 192
    assert value(metrics, "snowball_classifier_batch_duration_seconds_sum") == 0.375
    assert value(metrics, "snowball_classifier_batch_size_count") == 2


def test_normalize_source() -> None:
    assert normalize_source("Mastodon ") == "mastodon"
    assert normalize_source("x") == "twitter"
    assert normalize_source(None) == "other"
    assert normalize_source("<script>") == "other"


def test_reset_brand_zeroes_its_gauges_only() -> None:
    metrics = make_metrics()
    for brand in ("acme", "globex"):
        metrics.record_alert(alert(brand, Severity.CRITICAL))
        metrics.record_brand_gauges(brand, {"score": 20.0, "open_alerts_critical": 1, "unanswered_complaints": 2})
    metrics.reset_brand("acme")
    metrics.reset_brand("not-a-brand")
    assert value(metrics, "snowball_wave_level", brand="acme") == 0
    assert value(metrics, "snowball_score", brand="acme") == 0
    assert value(metrics, "snowball_open_alerts", brand="acme", severity="critical") == 0
    assert value(metrics, "snowball_unanswered_complaints", brand="acme") == 0
    assert value(metrics, "snowball_wave_level", brand="globex") == 3
    assert value(metrics, "snowball_alerts_total", brand="acme", kind="snowball", severity="critical") == 1


def test_detector_set_aside_counts_are_per_configured_brand_and_fixed_reason():
    from streams.metrics import PipelineMetrics

    metrics = PipelineMetrics(["acme"])
    metrics.record_detector_stats("acme", {"late": 3, "duplicates": 2, "mentions": 99, "whatever": 1})
    metrics.record_detector_stats("unknown-brand", {"late": 7})
    value = metrics.registry.get_sample_value
    assert value("snowball_detector_set_aside_mentions", {"brand": "acme", "reason": "late"}) == 3
    assert value("snowball_detector_set_aside_mentions", {"brand": "acme", "reason": "duplicates"}) == 2
    assert value("snowball_detector_set_aside_mentions", {"brand": "unknown-brand", "reason": "late"}) is None
    assert value("snowball_detector_set_aside_mentions", {"brand": "acme", "reason": "mentions"}) is None


def test_pii_masks_are_counted_by_fixed_kind_only():
    from streams.metrics import PipelineMetrics

    metrics = PipelineMetrics(["acme"])
    metrics.record_pii_masked({"email": 2, "phone": 1, "ssn-from-input": 5})
    value = metrics.registry.get_sample_value
    assert value("snowball_pii_masked_total", {"kind": "email"}) == 2
    assert value("snowball_pii_masked_total", {"kind": "card"}) == 0
    assert value("snowball_pii_masked_total", {"kind": "ssn-from-input"}) is None


def test_complaint_first_replies_and_outcomes_per_known_brand() -> None:
    metrics = make_metrics()
    metrics.record_first_replies("acme", [600.0, 5400.0, 9000.0])
    metrics.record_first_replies("unknown-brand", [60.0])  # not a configured brand: no series
    metrics.record_detector_stats("acme", {"answered_in_time": 2, "answered_late": 1, "came_back_negative": 1})
    assert value(metrics, "snowball_complaint_first_reply_seconds_count", brand="acme") == 3
    assert value(metrics, "snowball_complaint_first_reply_seconds_bucket", brand="acme", le="7200.0") == 2
    assert value(metrics, "snowball_complaint_first_reply_seconds_count", brand="unknown-brand") is None
    assert value(metrics, "snowball_complaint_outcomes", brand="acme", outcome="answered_late") == 1
    assert value(metrics, "snowball_complaint_outcomes", brand="acme", outcome="came_back_negative") == 1
