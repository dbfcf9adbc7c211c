"""`snowball demo`, run as a user runs `make demo`: it prints the alert and exits 0 by itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def test_demo_prints_the_snowball_alert_and_exits_zero(tmp_path):
    run = subprocess.run([sys.executable, "-m", "streams.cli.main", "demo", "--log-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "WARNING  snowball" in run.stdout
    assert "acme     snowballing" in run.stdout and "globex   sporadic critics  -> no snowball alert" in run.stdout
    assert (tmp_path / "worker.log").exists()
