"""Alertmanager configuration: amtool checks, routing by severity and brand, and inhibition on a real Alertmanager."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from ops_support import ALERTMANAGER_DIR, free_port, require_tool, stop_process, wait_for

CONFIG = ALERTMANAGER_DIR / "alertmanager.yml"


def local_config(tmp_path: Path) -> Path:
    """The config with the container paths of templates and secrets pointed at the repository."""
    text = CONFIG.read_text().replace("/etc/alertmanager/templates/", f"{ALERTMANAGER_DIR / 'templates'}/")
    text = text.replace("/etc/alertmanager/secrets/", f"{tmp_path}/")
    for name in ("slack-acme-webhook-url", "slack-globex-webhook-url"):
        (tmp_path / name).write_text("http://127.0.0.1:9/slack\n")
    path = tmp_path / "alertmanager.yml"
    path.write_text(text)
    return path


def amtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_tool("amtool"), *args], capture_output=True, text=True, timeout=60, check=False)


def test_config_is_valid_with_templates(tmp_path: Path) -> None:
    result = amtool("check-config", str(local_config(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 templates" in result.stdout


def test_committed_config_is_valid() -> None:
    result = amtool("check-config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        # A critical wave pages the on-call and still reaches the brand's channel.
        ({"alertname": "SnowballWave", "severity": "critical", "kind": "snowball", "brand": "acme"},
         "oncall-pager,slack-acme"),
        ({"alertname": "SnowballWave", "severity": "warning", "kind": "snowball", "brand": "acme"}, "slack-acme"),
        ({"alertname": "SnowballWave", "severity": "warning", "kind": "snowball", "brand": "globex"}, "slack-globex"),
        ({"alertname": "SnowballUnansweredComplaints", "severity": "warning", "kind": "unanswered_complaint",
          "brand": "globex"}, "slack-globex"),
        # The brand's own conduct goes to its community managers, never to the on-call pager.
        ({"alertname": "SnowballPersonalDataAskedInPublic", "severity": "warning", "kind": "personal_data_request",
          "brand": "acme"}, "slack-acme"),
        ({"alertname": "SnowballBrandSilent", "severity": "warning", "kind": "brand_silence", "brand": "globex"},
         "slack-globex"),
        # A brand without a route of its own falls back to the default webhook.
        ({"alertname": "SnowballWave", "severity": "warning", "kind": "snowball", "brand": "initech"},
         "default-webhook"),
        ({"alertname": "SnowballPipelineLagging", "severity": "warning", "kind": "pipeline"}, "platform-email"),
        ({"alertname": "SnowballWorkerDown", "severity": "critical", "kind": "pipeline"},
         "oncall-pager,platform-email"),
    ],
)
def test_routes(labels: dict[str, str], receivers: str) -> None:
    result = amtool("config", "routes", "test", f"--config.file={CONFIG}", f"--verify.receivers={receivers}",
                    *(f"{k}={v}" for k, v in labels.items()))
    assert result.returncode == 0, result.stdout + result.stderr


def _alerts(base: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/v2/alerts", timeout=5) as response:
        return json.load(response)


def _post(base: str, alerts: list[dict]) -> None:
    request = urllib.request.Request(f"{base}/api/v2/alerts", data=json.dumps(alerts).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_critical_inhibits_the_warning_of_the_same_episode(tmp_path: Path) -> None:
    binary = require_tool("prometheus-alertmanager", "alertmanager")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [binary, f"--config.file={local_config(tmp_path)}", f"--storage.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=open(tmp_path / "alertmanager.log", "w"),  # noqa: SIM115
    )
    try:
        wait_for(lambda: urllib.request.urlopen(f"{base}/-/ready", timeout=2).status == 200, 30, what="alertmanager")
        wave = {"alertname": "SnowballWave", "kind": "snowball"}
        _post(base, [
            {"labels": {**wave, "brand": "acme", "severity": "warning"}},
            {"labels": {**wave, "brand": "acme", "severity": "critical"}},
            {"labels": {**wave, "brand": "globex", "severity": "warning"}},  # another episode: not silenced
        ])

        def statuses() -> dict[tuple[str, str], dict] | None:
            found = {(a["labels"]["brand"], a["labels"]["severity"]): a["status"] for a in _alerts(base)}
            return found if len(found) == 3 and found[("acme", "warning")]["inhibitedBy"] else None

        found = wait_for(statuses, 30, what="the inhibition of acme's warning")
        assert found[("acme", "warning")]["state"] == "suppressed"
        assert found[("acme", "critical")]["state"] == "active"
        assert found[("globex", "warning")]["state"] == "active"
    finally:
        stop_process(proc)

