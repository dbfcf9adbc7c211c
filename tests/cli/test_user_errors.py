"""A new user's mistakes: one line saying what and how to fix it, a non-zero exit, no traceback, no wait."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from streams.cli.main import cli

UNREACHABLE = "127.0.0.1:1"  # nothing listens on port 1: refused at once


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.mark.parametrize("command", [["tail", "mentions.raw"], ["worker", "--metrics-port", "0"]])
def test_an_unreachable_broker_is_one_line_with_the_flag_to_fix_it(command):
    line = one_error_line(CliRunner().invoke(cli, [*command, "--broker", UNREACHABLE]))
    assert line == (f"Error: cannot reach the Kafka broker at {UNREACHABLE} (connection refused): is it running? "
                    f"Give its address with --broker HOST:PORT or SNOWBALL_BROKER")


def test_a_bad_broker_address_is_one_line():
    line = one_error_line(CliRunner().invoke(cli, ["tail", "mentions.raw", "--broker", "localhost:kafka"]))
    assert "expected HOST:PORT" in line


def test_negative_partitions_is_one_line_like_the_environment_variable(monkeypatch):
    line = one_error_line(CliRunner().invoke(cli, ["worker", "--partitions", "-3", "--broker", UNREACHABLE]))
    assert line == "Error: --partitions: Input should be greater than or equal to 1 (got -3)"
    monkeypatch.setenv("SNOWBALL_TOPICS__PARTITIONS", "-3")
    line = one_error_line(CliRunner().invoke(cli, ["worker", "--broker", UNREACHABLE]))
    assert "SNOWBALL_TOPICS__PARTITIONS: Input should be greater than or equal to 1" in line


def test_a_metrics_port_in_use_is_one_line_naming_the_flag_before_any_broker_starts(monkeypatch):
    monkeypatch.delenv("SNOWBALL_BROKER", raising=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "streams.cli.main", "worker", "--metrics-port", str(port)],
                                env={**os.environ, "SNOWBALL_LOG_LEVEL": "INFO"}, capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: cannot serve metrics on 127.0.0.1:{port}: already in use; "
                                          f"choose another port with --metrics-port (or SNOWBALL_METRICS_PORT; "
                                          f"0 disables metrics)"]


def test_tail_offers_no_brands_flag():
    assert "--brands" not in CliRunner().invoke(cli, ["tail", "--help"]).output
