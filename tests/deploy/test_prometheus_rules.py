"""Prometheus configuration and alerting rules: promtool checks and the rules' unit tests."""

from __future__ import annotations

import subprocess

import yaml
from ops_support import METRIC_NAME, PROMETHEUS_DIR, RULES_FILE, exported_metric_names, require_tool
from prometheus_client import generate_latest

from streams.models import AlertKind


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def test_rules_are_valid() -> None:
    result = run(require_tool("promtool"), "check", "rules", str(RULES_FILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_unit_tests_pass() -> None:
    """deploy/prometheus/tests/*.test.yml: each alert fires (and stays quiet) when it should."""
    tests = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
    assert tests
    result = run(require_tool("promtool"), "test", "rules", *map(str, tests))
    assert result.returncode == 0, result.stdout + result.stderr


def test_scrape_config_is_valid() -> None:
    result = run(require_tool("promtool"), "check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rule_is_unit_tested() -> None:
    rules = yaml.safe_load(RULES_FILE.read_text())
    alert_names = {rule["alert"] for group in rules["groups"] for rule in group["rules"] if "alert" in rule}
    tested = {
        case["alertname"]
        for path in (PROMETHEUS_DIR / "tests").glob("*.test.yml")
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    }
    assert alert_names <= tested, f"untested alerts: {sorted(alert_names - tested)}"


def test_alerts_carry_routing_labels() -> None:
    """Alertmanager routes and inhibits on severity and kind; brand alerts keep the brand label."""
    rules = yaml.safe_load(RULES_FILE.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
            assert rule["labels"]["kind"] in {"pipeline", *map(str, AlertKind)}, rule["alert"]
            if rule["labels"]["kind"] != "pipeline":
                assert "by (brand)" in rule["expr"], rule["alert"]


def test_rules_use_only_exported_metrics() -> None:
    exported = exported_metric_names()
    used = set(METRIC_NAME.findall(RULES_FILE.read_text()))
    assert used and used <= exported, f"unknown metrics in rules: {sorted(used - exported)}"


def test_exposition_passes_promtool_lint() -> None:
    """`promtool check metrics` lints names, units and HELP of what the worker exposes."""
    from streams.metrics import PipelineMetrics

    metrics = PipelineMetrics(["acme", "globex"])
    metrics.set_info("0.1.0", "baseline", "1")
    metrics.set_consumer_lag("mentions.raw", 0, 3)
    metrics.record_classifier_batch(8, 0.01)
    metrics.record_dead_letter("classify", "decode_error")
    result = subprocess.run(
        [require_tool("promtool"), "check", "metrics"], input=generate_latest(metrics.registry).decode(),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
