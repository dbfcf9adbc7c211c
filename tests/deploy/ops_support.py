"""Shared helpers of the deploy tests: repository paths, the ops binaries, exported metric names."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from streams.kafka.processes import free_port, stop_process  # noqa: F401 - re-exported for the tests

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PROMETHEUS_DIR = DEPLOY / "prometheus"
RULES_FILE = PROMETHEUS_DIR / "rules" / "snowball.rules.yml"
ALERTMANAGER_DIR = DEPLOY / "alertmanager"
GRAFANA_DIR = DEPLOY / "grafana"
METRIC_NAME = re.compile(r"\bsnowball_[a-z0-9_]+\b")


def require_tool(*names: str) -> str:
    """Path of the first ops binary found among ``names`` (Debian renames some); skipped when none is
    installed, except in CI where `make ops-tools` must have installed it."""
    path = next((found for found in map(shutil.which, names) if found), None)
    if path is None:
        message = f"{names[0]} not found: run `make ops-tools` (Debian packages prometheus, prometheus-alertmanager)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def exported_metric_names() -> set[str]:
    """Every sample name a fully exercised PipelineMetrics exposes (histogram _bucket/_sum/_count included)."""
    from streams.metrics import PipelineMetrics
    from streams.models import Alert, AlertKind, Severity

    metrics = PipelineMetrics(["acme"], clock=lambda: 0.0)
    metrics.record_unmatched()
    metrics.record_dead_letter("enrich", "decode_error")
    metrics.record_alert(Alert("a", AlertKind.SNOWBALL, "acme", Severity.WARNING, 0, 0))
    metrics.set_consumer_lag("mentions.raw", 0, 1)
    metrics.record_classifier_batch(1, 0.1)
    metrics.set_info("0", "m", "1")
    return {sample.name for family in metrics.registry.collect() for sample in family.samples}


def wait_for(predicate, timeout: float, interval: float = 0.25, what: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value or ``timeout`` seconds pass (then fail)."""
    import time

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception as exc:  # noqa: BLE001 - the service may not be up yet
            last_error = exc
            value = None
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what} (last error: {last_error!r})")
