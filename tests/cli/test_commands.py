"""Every command answers --help; the offline commands work without a broker."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from streams.cli.main import cli


def test_every_command_has_help():
    runner = CliRunner()
    names = cli.list_commands(None)
    assert {"demo", "worker", "ingest", "tail", "simulate"} <= set(names)
    for name in names:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.output


def test_simulate_is_deterministic_and_writes_the_import_format(tmp_path):
    runner = CliRunner()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert runner.invoke(cli, ["simulate", "--out", str(a)]).exit_code == 0
    assert runner.invoke(cli, ["simulate", "--out", str(b)]).exit_code == 0
    assert a.read_text() == b.read_text()
    first = json.loads(a.read_text().splitlines()[0])
    assert {"id", "source", "text", "created_at", "author"} <= set(first)


def test_unknown_scenario_is_a_usage_error():
    result = CliRunner().invoke(cli, ["simulate", "--scenario", "nope"])
    assert result.exit_code == 2 and "unknown scenario" in result.output


@pytest.mark.parametrize("command", [["ingest"], ["tail", "mentions.raw"]])
def test_commands_that_need_a_broker_say_so(command, tmp_path, monkeypatch):
    monkeypatch.delenv("SNOWBALL_BROKER", raising=False)
    data = tmp_path / "m.jsonl"
    data.write_text("{}\n")
    args = command + ([str(data)] if command == ["ingest"] else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "needs a broker" in result.output


def test_csv_without_map_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SNOWBALL_BROKER", "127.0.0.1:1")
    data = tmp_path / "m.csv"
    data.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(cli, ["ingest", str(data)])
    assert result.exit_code == 2 and "--map" in result.output


def test_a_bad_setting_is_one_clear_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("SNOWBALL_DETECTION__WATCH_GLR", "lots")
    data = tmp_path / "m.jsonl"
    data.write_text("{}\n")
    result = CliRunner().invoke(cli, ["backtest", str(data), "--out", str(tmp_path / "a.jsonl")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "invalid setting: SNOWBALL_DETECTION__WATCH_GLR" in result.output and "'lots'" in result.output
