"""A real Prometheus scrapes a worker on the embedded broker and evaluates the committed rules.

During the snowball scenario (`demo`: acme snowballs) the warning rule must fire for acme; during
the sporadic scenario (`quiet`) no wave alert may even be pending. The rules judge what the
detector decided in event time (the scenarios are dated March 2026), so the outcome does not
depend on how fast the mentions are replayed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from ops_support import GRAFANA_DIR, RULES_FILE, free_port, require_tool, stop_process, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(420)]

SCRAPE_SECONDS = 1
WORKER_READY_TIMEOUT = 90
PROCESSING_TIMEOUT = 180
ALERT_TIMEOUT = 60


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


class Prometheus:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def query(self, expr: str) -> list[dict]:
        body = get_json(f"{self.base}/api/v1/query?{urllib.parse.urlencode({'query': expr})}")
        assert body["status"] == "success", body
        return body["data"]["result"]

    def scalar(self, expr: str) -> float | None:
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else None

    def wave_alerts(self) -> list[dict]:
        """SnowballWave alerts in any state (pending or firing)."""
        alerts = get_json(f"{self.base}/api/v1/alerts")["data"]["alerts"]
        return [a for a in alerts if a["labels"].get("alertname") == "SnowballWave"]


@contextmanager
def prometheus(tmp_path: Path, metrics_port: int) -> Iterator[Prometheus]:
    config = tmp_path / "prometheus.yml"
    # The job name is the one the rules select; the rule file is the committed one, unchanged.
    config.write_text(json.dumps({
        "global": {"scrape_interval": f"{SCRAPE_SECONDS}s", "evaluation_interval": f"{SCRAPE_SECONDS}s"},
        "rule_files": [str(RULES_FILE)],
        "scrape_configs": [{"job_name": "snowball", "static_configs": [{"targets": [f"127.0.0.1:{metrics_port}"]}]}],
    }))
    port = free_port()
    log = open(tmp_path / "prometheus.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [require_tool("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        server = Prometheus(port)
        wait_for(lambda: urllib.request.urlopen(f"{server.base}/-/ready", timeout=2).status == 200, 30,
                 what="prometheus ready")
        yield server
    finally:
        stop_process(proc)
        log.close()


def ingest(scenario: str, tmp_path: Path, bootstrap: str) -> int:
    from streams.io.jsonl import write_jsonl
    from streams.scenarios import build_scenario

    mentions = build_scenario(scenario)
    path = tmp_path / f"{scenario}.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        write_jsonl((m.to_record() for m in mentions), handle)
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli.main", "ingest", str(path)],
        env={**os.environ, "SNOWBALL_BROKER": bootstrap}, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return len(mentions)


def wait_until_processed(server: Prometheus) -> float:
    """Wait until the worker has classified mentions and the count stays still for a few seconds."""
    history: list[float] = []

    def settled() -> bool:
        history.append(server.scalar('sum(snowball_mentions_total{job="snowball"})') or 0.0)
        return len(history) > 8 and history[-1] > 0 and history[-1] == history[-8]

    wait_for(settled, PROCESSING_TIMEOUT, interval=1.0, what="the worker to classify the scenario")
    return history[-1]


@contextmanager
def pipeline(tmp_path: Path) -> Iterator[tuple[str, Prometheus]]:
    embedded = pytest.importorskip("streams.kafka.embedded", reason="embedded broker not available")
    worker_process = pytest.importorskip("streams.kafka.worker_process", reason="worker process not available")
    require_tool("prometheus")
    metrics_port = free_port()
    with embedded.EmbeddedBroker(log_path=tmp_path / "broker.log") as broker, worker_process.WorkerProcess(
        broker.bootstrap, log_path=tmp_path / "worker.log",
        env={"SNOWBALL_METRICS_PORT": str(metrics_port), "SNOWBALL_METRICS_HOST": "127.0.0.1",
             "SNOWBALL_DATA_DIR": str(tmp_path / "faust")},
    ) as worker, prometheus(tmp_path, metrics_port) as server:
        def ready() -> bool:
            assert worker.alive(), (tmp_path / "worker.log").read_text()[-3000:]
            return server.scalar('up{job="snowball"}') == 1.0 and worker_ready(metrics_port)

        wait_for(ready, WORKER_READY_TIMEOUT, interval=1.0, what="Prometheus to scrape the worker, and /readyz")
        rules = get_json(f"{server.base}/api/v1/rules")["data"]["groups"]
        assert any(r["name"] == "SnowballWave" for g in rules for r in g["rules"]), "rules not loaded"
        yield broker.bootstrap, server


def worker_ready(port: int) -> bool:
    """The image's HEALTHCHECK, as Docker runs it."""
    probe = subprocess.run([sys.executable, "-m", "streams.app.health", "ready"], capture_output=True, text=True,
                           env={**os.environ, "SNOWBALL_METRICS_PORT": str(port)}, timeout=10, check=False)
    return probe.returncode == 0 and probe.stdout.startswith("ready: reading ")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Prometheus, dict]]:
    """A worker that has processed the demo scenario, until acme's warning fires; Prometheus scraping it."""
    tmp_path = tmp_path_factory.mktemp("demo")
    with pipeline(tmp_path) as (bootstrap, server):
        ingest("demo", tmp_path, bootstrap)

        def acme_warning() -> dict | None:
            return next((a for a in server.wave_alerts() if a["state"] == "firing"
                         and a["labels"] == {"alertname": "SnowballWave", "brand": "acme", "kind": "snowball",
                                             "severity": "warning"}), None)

        alert = wait_for(acme_warning, PROCESSING_TIMEOUT + ALERT_TIMEOUT, interval=1.0,
                         what="SnowballWave warning for acme to fire")
        yield server, alert


def test_warning_fires_during_a_snowball(demo_run: tuple[Prometheus, dict]) -> None:
    server, alert = demo_run
    assert alert["annotations"]["summary"] == "acme: negative mentions are snowballing"
    assert server.scalar('max(snowball_wave_level{brand="acme"})') >= 2


# Grafana's variables as the dashboards would have them on this worker.
VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$brand": "acme", "$job": "snowball"}
THRESHOLD = re.compile(r"(==|!=|>=|<=|>|<)\s*(?=-?[0-9.])")  # a comparison with a number: a filter
MATCHER = re.compile(r'(\w+)\s*(=~|!=|=)\s*"([^"]*)"')


def dashboard_expressions() -> list[tuple[str, str]]:
    """(where, PromQL) of every panel query, annotation and variable query of the committed dashboards."""
    found = []
    for path in sorted((GRAFANA_DIR / "dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        every = [*board["panels"], *(p for row in board["panels"] for p in row.get("panels", []))]
        found += [(f"{path.name}: {p['title']}", t["expr"]) for p in every for t in p.get("targets", [])]
        found += [(f"{path.name}: annotation {a['name']}", a["expr"]) for a in board["annotations"]["list"]
                  if "expr" in a]
        for variable in board["templating"]["list"]:
            query = variable.get("query")
            if isinstance(query, dict) and query.get("query", "").startswith("label_values("):
                metric = query["query"].removeprefix("label_values(").split(",")[0].strip()
                found.append((f"{path.name}: variable {variable['name']}", metric))
    return [(where, _substitute(expr)) for where, expr in found]


def rule_expressions() -> list[tuple[str, str]]:
    rules = yaml.safe_load(RULES_FILE.read_text())
    return [(f"rule {r.get('alert') or r.get('record')}", r["expr"]) for g in rules["groups"] for r in g["rules"]]


def _substitute(expr: str) -> str:
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def _unfiltered(expr: str) -> str:
    """The expression with its thresholds as 0/1 values (``> bool``) and ``absent(x)`` as x: a series whenever
    the metrics and labels it selects exist, whatever their values now."""
    expr = THRESHOLD.sub(lambda m: f"{m.group(1)} bool ", expr)
    return re.sub(r"^absent\((.*)\)$", r"\1", expr.strip(), flags=re.DOTALL)


def _selects_a_rule(expr: str, rules: list[dict]) -> bool:
    """An ALERTS selector matches the name and labels of a loaded alerting rule (labels a rule does not set, such
    as brand, come from its series)."""
    matchers = [(label, op, value) for label, op, value in MATCHER.findall(expr) if label != "alertstate"]

    def matches(rule: dict) -> bool:
        labels = {"alertname": rule["name"], **rule.get("labels", {})}
        for label, op, value in matchers:
            if label not in labels:
                continue
            hit = re.fullmatch(value, labels[label]) is not None if op == "=~" else labels[label] == value
            if hit == (op == "!="):
                return False
        return True

    return any(matches(rule) for rule in rules)


def test_every_dashboard_and_rule_expression_has_a_series_after_the_demo(demo_run: tuple[Prometheus, dict]) -> None:
    """A blank panel, an empty annotation or a rule that can never fire is a test failure."""
    server, _ = demo_run
    rules = [r for g in get_json(f"{server.base}/api/v1/rules")["data"]["groups"] for r in g["rules"]
             if r["type"] == "alerting"]
    empty = []
    for where, expr in dashboard_expressions() + rule_expressions():
        if server.query(_unfiltered(expr)):
            continue
        # A healthy worker fires no pipeline alert: its ALERTS selectors must at least select a rule that can.
        if expr.lstrip().startswith("ALERTS") and " or " not in expr and _selects_a_rule(expr, rules):
            continue
        empty.append(f"{where}: {expr}")
    assert not empty, "no series for:\n" + "\n".join(empty)


def test_warning_does_not_fire_during_sporadic_criticism(tmp_path: Path) -> None:
    with pipeline(tmp_path) as (bootstrap, server):
        sent = ingest("quiet", tmp_path, bootstrap)
        classified = wait_until_processed(server)
        assert classified >= 0.5 * sent, f"only {classified} of {sent} mentions classified"
        # Several more evaluations of the rules over the final state: still nothing pending or firing.
        deadline = time.monotonic() + 5 * SCRAPE_SECONDS
        while time.monotonic() < deadline:
            assert server.wave_alerts() == []
            time.sleep(SCRAPE_SECONDS)
        assert server.scalar('max(snowball_wave_level{job="snowball"})') < 2
