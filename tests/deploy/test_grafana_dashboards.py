"""Grafana dashboards as code: the committed JSON is up to date, well formed, and its PromQL is valid."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from ops_support import GRAFANA_DIR, METRIC_NAME, REPO, exported_metric_names, require_tool

DASHBOARD_DIR = GRAFANA_DIR / "dashboards"
# Grafana variables, replaced by plausible values so promtool can parse the queries.
VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$brand": "acme", "$job": "snowball"}


def load_generator():
    if importlib.util.find_spec("grafana_foundation_sdk") is None:
        message = "grafana-foundation-sdk missing: pip install -e '.[dev]'"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    spec = importlib.util.spec_from_file_location("snowball_grafana_generate", GRAFANA_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARD_DIR.glob("*.json"))}


def panels(board: dict) -> list[dict]:
    found = []
    for panel in board["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))
    return [p for p in found if p["type"] != "row"]


def expressions(board: dict) -> list[str]:
    exprs = [t["expr"] for p in panels(board) for t in p.get("targets", [])]
    return exprs + [a["expr"] for a in board.get("annotations", {}).get("list", []) if "expr" in a]


def test_committed_json_is_up_to_date() -> None:
    generator = load_generator()
    assert set(generator.render()) == set(dashboards()), "a dashboard file is missing or left over"
    assert generator.stale() == [], "run: .venv/bin/python deploy/grafana/generate.py"


def test_dashboards_have_the_promised_views() -> None:
    boards = dashboards()
    titles = {name: {p["title"] for p in panels(board)} for name, board in boards.items()}
    assert {"Mentions by sentiment", "Negative share", "Snowball score", "Wave level"} <= titles[
        "snowball-brand-overview.json"]
    assert {"Firing alerts", "Wave level", "Open alert episodes by severity", "Detector alert updates"} <= titles[
        "snowball-alerts.json"]
    assert {"Throughput by stage", "Consumer lag by topic", "Event-time lag (p95)", "Processing latency (p50, p99)",
            "Dead letters and unmatched mentions", "Classifier throughput"} <= titles["snowball-pipeline.json"]
    overview = boards["snowball-brand-overview.json"]
    assert any("ALERTS{" in a["expr"] for a in overview["annotations"]["list"]), "alert annotations"


def test_dashboards_are_portable() -> None:
    """Unique uids, and every query goes through the `datasource` variable (imports into any Grafana)."""
    boards = dashboards()
    assert len({b["uid"] for b in boards.values()}) == len(boards)
    for name, board in boards.items():
        assert any(v["name"] == "datasource" and v["type"] == "datasource" for v in board["templating"]["list"])
        for panel in panels(board):
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, (name, panel["title"])
            assert panel["targets"], (name, panel["title"])


def test_queries_use_only_exported_metrics() -> None:
    exported = exported_metric_names()
    for name, board in dashboards().items():
        used = {m for expr in expressions(board) for m in METRIC_NAME.findall(expr)}
        assert used <= exported, f"{name}: unknown metrics {sorted(used - exported)}"


def test_queries_are_valid_promql(tmp_path: Path) -> None:
    """Each query, variables substituted, becomes a recording rule that `promtool check rules` parses."""
    rules = []
    for board in dashboards().values():
        for expr in expressions(board):
            for variable, value in VARIABLES.items():
                expr = expr.replace(variable, value)
            assert not re.search(r"\$\w", expr), f"unsubstituted variable in {expr!r}"
            rules.append({"record": f"dashboard:query_{len(rules)}", "expr": expr})
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run([require_tool("promtool"), "check", "rules", str(path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_provisioning_matches_the_compose_mounts() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mounts = dict(v.split(":")[:2] for v in compose["services"]["grafana"]["volumes"] if v.startswith("./"))
    provider = yaml.safe_load((GRAFANA_DIR / "provisioning/dashboards/snowball.yml").read_text())["providers"][0]
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    datasource = yaml.safe_load((GRAFANA_DIR / "provisioning/datasources/prometheus.yml").read_text())["datasources"][0]
    assert datasource["type"] == "prometheus" and datasource["url"] == "http://prometheus:9090"


def test_every_panel_has_a_fixed_unique_id() -> None:
    """Links to a panel (?viewPanel=N) name its id: set in code, never left to Grafana's order of the day."""
    for name, board in dashboards().items():
        every = [*board["panels"], *(p for row in board["panels"] for p in row.get("panels", []))]
        ids = [panel.get("id") for panel in every]
        assert all(isinstance(i, int) and i > 0 for i in ids), (name, ids)
        assert len(set(ids)) == len(ids), (name, ids)


def test_pipeline_annotations_select_series_that_exist() -> None:
    """The pipeline alerts are the rules' kind="pipeline"; the detector's updates have no such kind."""
    from streams.models import AlertKind

    board = dashboards()["snowball-pipeline.json"]
    rules = yaml.safe_load((REPO / "deploy" / "prometheus" / "rules" / "snowball.rules.yml").read_text())
    rule_kinds = {r["labels"]["kind"] for g in rules["groups"] for r in g["rules"]}
    for annotation in board["annotations"]["list"]:
        if "expr" not in annotation:
            continue
        kinds = re.findall(r'kind="([a-z_]+)"', annotation["expr"])
        allowed = rule_kinds if annotation["expr"].startswith("ALERTS") else {str(k) for k in AlertKind}
        assert set(kinds) <= allowed, (annotation["name"], annotation["expr"])
