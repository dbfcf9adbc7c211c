"""Pipeline health: throughput, consumer and event-time lag, latency, dead letters, workers."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.models.dashboard import Threshold, VariableRefresh

from snowball_dashboards.common import DATASOURCE, alert_annotations, dashboard, graph, query, single

J = 'job=~"$job"'


def pipeline_health() -> db.Dashboard:
    board = dashboard(
        "snowball-pipeline", "Snowball / Pipeline health",
        "Throughput, lag, latency and dead letters of the Snowball workers.",
    ).with_variable(
        db.QueryVariable("job").label("Job").datasource(DATASOURCE)
        .query({"query": "label_values(snowball_info, job)", "refId": "job"})
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED).multi(False).include_all(False)
    )
    # Pipeline alerts carry kind="pipeline"; the detector's updates (all brands) show what the workers decided.
    board = alert_annotations(board, 'kind="pipeline"', J)
    board = board.with_panel(single(
        1, "Workers up", "Worker processes Prometheus scrapes successfully.", f"sum(up{{{J}}})",
        thresholds=[Threshold(None, "red"), Threshold(1, "green")],
    )).with_panel(single(
        2, "Consumer lag", "Records waiting on all partitions.", f"sum(snowball_consumer_lag_records{{{J}}})",
        thresholds=[Threshold(None, "green"), Threshold(1000, "orange"), Threshold(5000, "red")],
    )).with_panel(single(
        3, "Dead letters (1h)", "Records sent to the dead-letter topic in the last hour.",
        f"sum(increase(snowball_dead_letters_total{{{J}}}[1h]))",
        thresholds=[Threshold(None, "green"), Threshold(1, "orange")],
    )).with_panel(single(
        4, "Classifier", "Mentions classified per second, all workers.",
        f"sum(rate(snowball_classifier_mentions_total{{{J}}}[5m]))", unit="reqps",
    ))
    board = board.with_panel(graph(
        5, "Throughput by stage", "Records each stage finished per second.",
        query(f"sum by (stage) (rate(snowball_processing_latency_seconds_count{{{J}}}[$__rate_interval]))",
              "{{stage}}"),
        unit="reqps",
    )).with_panel(graph(
        6, "Classifier throughput", "Mentions per second, and per busy second of the classifier (its capacity).",
        query(f"sum(rate(snowball_classifier_mentions_total{{{J}}}[$__rate_interval]))", "mentions/s"),
        query(f"sum(rate(snowball_classifier_mentions_total{{{J}}}[$__rate_interval]))"
              f" / sum(rate(snowball_classifier_batch_duration_seconds_sum{{{J}}}[$__rate_interval]))",
              "capacity (mentions per busy second)", ref_id="B"),
        unit="reqps",
    ))
    board = board.with_panel(graph(
        7, "Consumer lag by topic", "Records between the committed offset and the end of each topic.",
        query(f"sum by (topic) (snowball_consumer_lag_records{{{J}}})", "{{topic}}"),
    )).with_panel(graph(
        8, "Event-time lag (p95)",
        "Wall time minus created_at when a stage handles a mention: delivery plus processing.",
        query("histogram_quantile(0.95, sum by (le, stage) "
              f"(rate(snowball_event_time_lag_seconds_bucket{{{J}}}[$__rate_interval])))", "{{stage}}"),
        unit="s",
    ))
    board = board.with_panel(graph(
        9, "Processing latency (p50, p99)", "Wall time to process one record, by stage.",
        query("histogram_quantile(0.5, sum by (le, stage) "
              f"(rate(snowball_processing_latency_seconds_bucket{{{J}}}[$__rate_interval])))", "p50 {{stage}}"),
        query("histogram_quantile(0.99, sum by (le, stage) "
              f"(rate(snowball_processing_latency_seconds_bucket{{{J}}}[$__rate_interval])))", "p99 {{stage}}",
              ref_id="B"),
        unit="s",
    )).with_panel(graph(
        10, "Dead letters and unmatched mentions",
        "Per minute: dead letters by stage and reason; mentions of no brand.",
        query(f"sum by (stage, reason) (rate(snowball_dead_letters_total{{{J}}}[$__rate_interval])) * 60",
              "{{stage}}: {{reason}}"),
        query(f"sum(rate(snowball_unmatched_mentions_total{{{J}}}[$__rate_interval])) * 60", "unmatched",
              ref_id="B"),
    ))
    board = board.with_panel(graph(
        11, "Consumer lag by partition", "Records waiting per topic partition.",
        query(f"sum by (topic, partition) (snowball_consumer_lag_records{{{J}}})", "{{topic}}/{{partition}}"),
        width=24,
    ))
    return board
