"""Brand overview: per brand, the volume by sentiment, the negative share and the snowball score."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.models.dashboard import DynamicConfigValue, Threshold

from snowball_dashboards.common import (
    alert_annotations,
    brand_variable,
    dashboard,
    graph,
    query,
    single,
    wave_level_mappings,
    wave_level_thresholds,
)

B = 'brand="$brand"'


def brand_overview() -> db.Dashboard:
    board = dashboard(
        "snowball-brand-overview", "Snowball / Brand overview",
        "Per brand: mention volume by sentiment, negative share, snowball score and alerts.",
    ).with_variable(brand_variable())
    board = alert_annotations(board, 'brand=~"$brand"', 'brand=~"$brand"')
    board = board.with_row(db.Row("$brand").id(1).repeat("brand"))
    board = board.with_panel(single(
        2, "Wave level", "Severity of the brand's open snowball episode, as the detector decided.",
        f"max(snowball_wave_level{{{B}}})", mappings=wave_level_mappings(), thresholds=wave_level_thresholds(),
    )).with_panel(single(
        3, "Snowball score", "Negative mentions in the detector's window over the expected number.",
        f"max(snowball_score{{{B}}})",
    )).with_panel(single(
        4, "Negative share", "Share of negative mentions in the detector's window.",
        f"max(snowball_negative_share_ratio{{{B}}})", unit="percentunit",
        thresholds=[Threshold(None, "green"), Threshold(0.4, "orange"), Threshold(0.6, "red")],
    )).with_panel(single(
        5, "Unanswered complaints", "Complaints past the reply deadline without a reply from the brand.",
        f"max(snowball_unanswered_complaints{{{B}}})", thresholds=[Threshold(None, "green"), Threshold(1, "orange")],
    ))
    board = board.with_panel(graph(
        6, "Mentions by sentiment", "Classified mentions per minute (processing time).",
        query(f"sum by (sentiment) (rate(snowball_mentions_total{{{B}}}[$__rate_interval])) * 60", "{{sentiment}}"),
        unit="short", stacked=True,
    ).override_by_name("negative", [_color("red")]).override_by_name("neutral", [_color("blue")])
      .override_by_name("positive", [_color("green")]))
    board = board.with_panel(graph(
        7, "Snowball score and wave level", "The detector's score (left) and the severity it decided (right, 0-3).",
        query(f"max(snowball_score{{{B}}})", "score"),
        query(f"max(snowball_wave_level{{{B}}})", "wave level", ref_id="B"),
    ).override_by_name("wave level", [
        DynamicConfigValue(id_val="custom.axisPlacement", value="right"),
        DynamicConfigValue(id_val="custom.drawStyle", value="bars"),
        DynamicConfigValue(id_val="max", value=3),
        _color("orange"),
    ]))
    board = board.with_panel(graph(
        8, "Negative share", "Share of negative mentions in the detector's window.",
        query(f"max(snowball_negative_share_ratio{{{B}}})", "negative share"), unit="percentunit",
    ).min(0).max(1))
    board = board.with_panel(graph(
        9, "Mentions by source", "Classified mentions per minute by source platform.",
        query(f"sum by (source) (rate(snowball_mentions_total{{{B}}}[$__rate_interval])) * 60", "{{source}}"),
        stacked=True,
    ))
    return board


def _color(name: str) -> DynamicConfigValue:
    """Fixed series colour, so negative is always red whatever the series order."""
    return DynamicConfigValue(id_val="color", value={"mode": "fixed", "fixedColor": name})
