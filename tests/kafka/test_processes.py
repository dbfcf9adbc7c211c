"""Stopping child processes: politely first, by force when they ignore it."""

from __future__ import annotations

import subprocess
import sys

from streams.kafka.processes import stop_process


def test_a_process_that_honours_sigterm_stops_with_its_signal():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert stop_process(process, timeout=5) == -15


def test_a_process_that_ignores_sigterm_is_killed():
    script = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
              "print(1, flush=True); time.sleep(60)")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    process.stdout.readline()  # the handler is in place
    assert stop_process(process, timeout=0.5) == -9
