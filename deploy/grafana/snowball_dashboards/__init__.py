"""Snowball's Grafana dashboards as code (grafana-foundation-sdk). ``generate.py`` writes them as JSON."""

from snowball_dashboards.alerts import alert_drilldown
from snowball_dashboards.brand_overview import brand_overview
from snowball_dashboards.pipeline import pipeline_health

# File name under deploy/grafana/dashboards/ -> function building the dashboard's JSON model.
DASHBOARDS = {
    "snowball-brand-overview.json": brand_overview,
    "snowball-alerts.json": alert_drilldown,
    "snowball-pipeline.json": pipeline_health,
}

__all__ = ["DASHBOARDS"]
