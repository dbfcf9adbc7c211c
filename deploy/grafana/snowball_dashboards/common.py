"""Building blocks shared by the dashboards: datasource, variables, panels, thresholds, JSON output."""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DataSourceRef,
    Threshold,
    ThresholdsMode,
    ValueMap,
    ValueMappingResult,
    VariableRefresh,
    VariableSort,
)

# The dashboards pick their Prometheus through a variable, so they import into any Grafana;
# the compose stack provisions a Prometheus datasource with this uid as the default.
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
TAGS = ["snowball"]
# snowball_wave_level values (Severity.rank) and how they read. The score has no fixed levels on
# the dashboards: the detector decides severities from several signals, the wave level shows them.
WAVE_LEVEL_TEXT = {
    "0": ("none", "green"), "1": ("watch", "yellow"), "2": ("warning", "orange"), "3": ("critical", "red"),
}


def dashboard(uid: str, title: str, description: str) -> db.Dashboard:
    return (
        db.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(TAGS)
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .with_variable(
            db.DatasourceVariable("datasource").label("Prometheus").type("prometheus")
        )
    )


def brand_variable(multi: bool = True) -> db.QueryVariable:
    """Brands the workers export (configured brands only, so the list is short)."""
    return (
        db.QueryVariable("brand")
        .label("Brand")
        .datasource(DATASOURCE)
        .query({"query": "label_values(snowball_wave_level, brand)", "refId": "brand"})
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
        .multi(multi)
        .include_all(multi)
    )


def query(expr: str, legend: str = "", ref_id: str = "A", instant: bool = False) -> prometheus.Dataquery:
    q = prometheus.Dataquery().expr(expr).legend_format(legend or "__auto").ref_id(ref_id).datasource(DATASOURCE)
    return q.instant() if instant else q.range()


# Panels get fixed ids (``panel_id``), unique in their dashboard: a link to a panel (?viewPanel=N) names its id,
# so it must not follow the panels' order. A new panel takes a new number; a removed one's is not reused.
def graph(panel_id: int, title: str, description: str, *queries: prometheus.Dataquery, unit: str = "short",
          stacked: bool = False, width: int = 12, height: int = 8) -> timeseries.Panel:
    panel = (
        timeseries.Panel().id(panel_id).title(title).description(description).datasource(DATASOURCE)
        .unit(unit).span(width).height(height).fill_opacity(20 if stacked else 10).line_width(1)
        .legend(common_builders.VizLegendOptions().display_mode(common.LegendDisplayMode.LIST)
                .placement(common.LegendPlacement.BOTTOM).show_legend(True))
    )
    if stacked:
        panel = panel.stacking(common_builders.StackingConfig().mode(common.StackingMode.NORMAL))
    for q in queries:
        panel = panel.with_target(q)
    return panel


def single(panel_id: int, title: str, description: str, expr: str, unit: str = "short", width: int = 6,
           height: int = 4, thresholds: list[Threshold] | None = None, mappings: list[ValueMap] | None = None,
           legend: str = "") -> stat.Panel:
    panel = (
        stat.Panel().id(panel_id).title(title).description(description).datasource(DATASOURCE).unit(unit)
        .span(width).height(height).with_target(query(expr, legend, instant=True))
        .color_mode(common.BigValueColorMode.BACKGROUND).graph_mode(common.BigValueGraphMode.NONE)
    )
    if thresholds:
        panel = panel.thresholds(steps(thresholds))
    if mappings:
        panel = panel.mappings(mappings)
    return panel


def steps(thresholds: list[Threshold]) -> db.ThresholdsConfig:
    return db.ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(thresholds)


def wave_level_thresholds() -> list[Threshold]:
    return [Threshold(None, "green"), Threshold(1, "yellow"), Threshold(2, "orange"), Threshold(3, "red")]


def wave_level_mappings() -> list[ValueMap]:
    return [ValueMap({value: ValueMappingResult(text=text, color=color, index=int(value))
                      for value, (text, color) in WAVE_LEVEL_TEXT.items()})]


def alert_annotations(board: db.Dashboard, alerts_matcher: str, updates_matcher: str) -> db.Dashboard:
    """Firing Prometheus alerts (labels of the rules: ``alerts_matcher``) and the detector's alert updates
    (labels of ``snowball_alerts_total``: ``updates_matcher``) as annotations (formats added in ``to_json``)."""
    return board.annotation(
        db.AnnotationQuery().name("Prometheus alerts").datasource(DATASOURCE).enable(True).icon_color("red")
        .expr(f'ALERTS{{alertstate="firing", alertname=~"Snowball.*", {alerts_matcher}}}')
    ).annotation(
        db.AnnotationQuery().name("Detector alerts").datasource(DATASOURCE).enable(True).icon_color("orange")
        .expr(f"sum by (brand, kind, severity) (increase(snowball_alerts_total{{{updates_matcher}}}[2m])) > 0")
    )


# Prometheus annotation fields the SDK's AnnotationQuery does not model.
_ANNOTATION_FORMATS = {
    "Prometheus alerts": {"titleFormat": "{{alertname}} {{severity}}", "textFormat": "{{brand}} {{kind}}",
                          "tagKeys": "brand,kind,severity", "step": "60s", "useValueForTime": False},
    "Detector alerts": {"titleFormat": "{{brand}} {{kind}} {{severity}}", "textFormat": "detector alert update",
                        "tagKeys": "brand,kind,severity", "step": "60s", "useValueForTime": False},
}


def to_json(board: db.Dashboard) -> str:
    """Stable JSON text of a dashboard: sorted keys, so a diff shows only real changes."""
    model: dict[str, Any] = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    for annotation in model.get("annotations", {}).get("list", []):
        annotation.update(_ANNOTATION_FORMATS.get(annotation.get("name"), {}))
    return json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
