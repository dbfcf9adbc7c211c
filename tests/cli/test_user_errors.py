"""A new user's mistakes: one line saying what and how to fix it, a non-zero exit, no traceback, no wait."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from streams.cli.main import cli
from streams.errors import BrokerUnreachable
from streams.kafka.processes import free_port


@pytest.fixture
def unreachable() -> str:
    """A loopback port nothing listens on (port 1 is not safe: a test may serve on it): refused at once."""
    return f"127.0.0.1:{free_port()}"


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.mark.parametrize("command", [["tail", "mentions.raw"], ["worker", "--metrics-port", "0"]])
def test_an_unreachable_broker_is_one_line_with_the_flag_to_fix_it(command, unreachable):
    line = one_error_line(CliRunner().invoke(cli, [*command, "--broker", unreachable]))
    assert line == (f"Error: cannot reach the Kafka broker at {unreachable} (connection refused): is it running? "
                    f"Give its address with --broker HOST:PORT or SNOWBALL_BROKER")


def test_a_bad_broker_address_is_one_line():
    line = one_error_line(CliRunner().invoke(cli, ["tail", "mentions.raw", "--broker", "localhost:kafka"]))
    assert "expected HOST:PORT" in line


def test_negative_partitions_is_one_line_like_the_environment_variable(monkeypatch, unreachable):
    line = one_error_line(CliRunner().invoke(cli, ["worker", "--partitions", "-3", "--broker", unreachable]))
    assert line == "Error: --partitions: Input should be greater than or equal to 1 (got -3)"
    monkeypatch.setenv("SNOWBALL_TOPICS__PARTITIONS", "-3")
    line = one_error_line(CliRunner().invoke(cli, ["worker", "--broker", unreachable]))
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


def test_a_server_that_is_not_kafka_is_one_line_too():
    """It takes the connection and never answers: the worker asks it what it is, and says so in one line."""
    from streams.kafka.embedded import is_embedded

    with socket.socket() as not_kafka:
        not_kafka.bind(("127.0.0.1", 0))
        not_kafka.listen()
        address = f"127.0.0.1:{not_kafka.getsockname()[1]}"
        with pytest.raises(BrokerUnreachable,
                           match=rf"no answer from the Kafka broker at {address} within 1 s .*--broker HOST:PORT"):
            is_embedded(address, timeout=1)
