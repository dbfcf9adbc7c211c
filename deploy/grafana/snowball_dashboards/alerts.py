"""Alert drill-down: what fires now, how the brand's episodes evolved, and the signals behind them."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import statetimeline, table

from snowball_dashboards.common import (
    DATASOURCE,
    alert_annotations,
    brand_variable,
    dashboard,
    graph,
    query,
    steps,
    wave_level_mappings,
    wave_level_thresholds,
)

B = 'brand=~"$brand"'


def alert_drilldown() -> db.Dashboard:
    board = dashboard(
        "snowball-alerts", "Snowball / Alerts",
        "Firing Snowball alerts with their severity, the detector's alert updates and the signals behind them.",
    ).with_variable(brand_variable()).link(
        db.DashboardLink("Brand overview").url("/d/snowball-brand-overview").include_vars(True).keep_time(True)
    )
    board = alert_annotations(board, B, B)
    board = board.with_panel(
        table.Panel().id(1).title("Firing alerts")
        .description("Snowball alerts firing in Prometheus now, by severity.")
        .datasource(DATASOURCE).span(24).height(7)
        .with_target(query(f'ALERTS{{alertstate="firing", alertname=~"Snowball.*", {B}}}'
                           ' or ALERTS{alertstate="firing", kind="pipeline"}', instant=True).format("table"))
    )
    board = board.with_panel(
        statetimeline.Panel().id(2).title("Wave level")
        .description("Severity of each brand's snowball episode over time.")
        .datasource(DATASOURCE).span(24).height(6).mappings(wave_level_mappings())
        .thresholds(steps(wave_level_thresholds()))
        .with_target(query(f"max by (brand) (snowball_wave_level{{{B}}})", "{{brand}}"))
    )
    board = board.with_panel(graph(
        3, "Open alert episodes by severity", "Episodes the detector holds open, all kinds.",
        query(f"sum by (severity) (max by (brand, severity) (snowball_open_alerts{{{B}}}))", "{{severity}}"),
        stacked=True,
    ))
    board = board.with_panel(graph(
        4, "Detector alert updates", "Alert updates the detector emitted, by kind and severity.",
        query(f"sum by (kind, severity) (increase(snowball_alerts_total{{{B}}}[$__rate_interval]))",
              "{{kind}} {{severity}}"),
        stacked=True,
    ))
    board = board.with_panel(graph(
        5, "Snowball score", "The detector's score per brand.",
        query(f"max by (brand) (snowball_score{{{B}}})", "{{brand}}"),
    ))
    board = board.with_panel(graph(
        6, "Unanswered complaints", "Complaints past the reply deadline, per brand.",
        query(f"max by (brand) (snowball_unanswered_complaints{{{B}}})", "{{brand}}"),
    ))
    return board
