"""/healthz and /readyz: alive while the worker loop turns, ready once it reads its partitions."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from streams.app.health import WorkerHealth, probe
from streams.errors import ConfigError
from streams.kafka.processes import free_port
from streams.metrics import PipelineMetrics


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_ready_only_while_reading_and_dead_when_the_loop_stalls():
    clock = Clock()
    health = WorkerHealth(stall_seconds=60, clock=clock)
    assert health.live() == (True, "starting") and health.ready() == (False, "not ready: starting")
    health.turned()
    health.not_reading("recovering tables")
    assert health.ready() == (False, "not ready: recovering tables")
    health.reading(0)  # more workers than partitions: an empty assignment is a complete one
    assert health.ready() == (True, "ready: reading 0 partitions")
    clock.now = 61
    assert health.live() == (False, "the worker loop has not turned for 61 s")
    assert not health.ready()[0]
    health.turned()
    assert health.ready()[0]


def test_the_metrics_server_answers_the_probes_and_still_serves_metrics():
    health = WorkerHealth()
    port = free_port()
    PipelineMetrics(["acme"]).serve(port, "127.0.0.1", health)
    assert get(port, "/healthz") == (200, "starting\n")
    assert get(port, "/readyz") == (503, "not ready: starting\n")
    assert probe("ready", port) == 1 and probe("live", port) == 0
    health.turned()
    health.reading(8)
    assert get(port, "/readyz") == (200, "ready: reading 8 partitions\n")
    assert probe("ready", port) == 0
    status, text = get(port, "/metrics")
    assert status == 200 and 'snowball_score{brand="acme"}' in text


def test_no_worker_on_the_port_is_not_ready(capsys):
    assert probe("ready", free_port()) == 1
    assert "no worker answers" in capsys.readouterr().err


def test_a_metrics_port_in_use_names_the_flag():
    port = free_port()
    PipelineMetrics(["acme"]).serve(port, "127.0.0.1")
    with pytest.raises(ConfigError, match=rf"cannot serve metrics on 127.0.0.1:{port}: already in use; choose "
                                          r"another port with --metrics-port"):
        PipelineMetrics(["acme"]).serve(port, "127.0.0.1")
