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


def _mentions_file(tmp_path, lines):
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "1", "source": "twitter", "text": "Acme is down again", "created_at": "2026-03-02T10:00:00Z",
                   "author": {"id": "a1", "handle": "marie"}})


def test_a_bad_brands_file_is_one_line_naming_it(tmp_path):
    brands = tmp_path / "brands.yaml"
    brands.write_text("brands:\n  - id: acme\n    names: [Acme]\n    handels: ['@acme']\n", encoding="utf-8")
    data = _mentions_file(tmp_path, [GOOD])
    result = CliRunner().invoke(cli, ["backtest", str(data), "--brands", str(brands), "--out",
                                      str(tmp_path / "a.jsonl")])
    assert result.exit_code == 1 and "Traceback" not in result.output and "Usage:" not in result.output
    assert str(brands) in result.output and "unknown key handels" in result.output


def test_an_output_directory_that_does_not_exist_is_refused_before_any_work(tmp_path):
    data = _mentions_file(tmp_path, [GOOD])
    result = CliRunner().invoke(cli, ["backtest", str(data), "--out", str(tmp_path / "no" / "a.jsonl")])
    assert result.exit_code == 2 and "no directory" in result.output and "mentions read" not in result.output


def test_backtest_says_which_records_were_invalid_and_why(tmp_path):
    data = _mentions_file(tmp_path, [GOOD, "not json", '{"id": "2", "text": "no time"}', "[1]"])
    result = CliRunner().invoke(cli, ["backtest", str(data), "--out", str(tmp_path / "a.jsonl")])
    assert result.exit_code == 0, result.output
    assert "1 valid mention read, 3 invalid records (1 missing_field, 1 not_an_object, 1 not_json)" in result.output
    assert f"{data}:2: not_json:" in result.output and f"{data}:4: not_an_object:" in result.output


def test_a_file_of_only_invalid_records_fails_after_writing_empty_outputs(tmp_path):
    data = _mentions_file(tmp_path, ["not json"])
    result = CliRunner().invoke(cli, ["backtest", str(data), "--out", str(tmp_path / "a.jsonl")])
    assert result.exit_code == 1 and f"no valid mention in {data}" in result.output
    assert (tmp_path / "a.jsonl").read_text() == ""


@pytest.mark.parametrize("command", [
    ["simulate", "--out"],
    ["classify", "FILE", "--out"],
    ["backtest", "FILE", "--out", "OUT/a.jsonl", "--report"],
])
def test_every_output_file_is_checked_before_any_work(command, tmp_path):
    data = _mentions_file(tmp_path, [GOOD])
    args = [str(data) if a == "FILE" else a.replace("OUT", str(tmp_path)) for a in command]
    result = CliRunner().invoke(cli, [*args, str(tmp_path / "missing" / "out")])
    assert result.exit_code == 2 and "no directory" in result.output
    assert not any(work in result.output for work in ("mentions read", "wrote", "classified"))


def test_classify_with_a_broken_model_directory_is_one_line(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.json").write_text('{"kind": "sklearn"}', encoding="utf-8")
    data = _mentions_file(tmp_path, [GOOD])
    result = CliRunner().invoke(cli, ["classify", str(data), "--model", str(model)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "model.joblib is missing" in result.output


def test_classify_needs_a_map_for_csv_and_a_text_column(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("body\nAcme is down\n", encoding="utf-8")
    no_map = CliRunner().invoke(cli, ["classify", str(data)])
    assert no_map.exit_code == 2 and "--map text=COLUMN" in no_map.output
    wrong = CliRunner().invoke(cli, ["classify", str(data), "--map", "text=tweet"])
    assert wrong.exit_code == 2 and "no column tweet" in wrong.output


def test_classify_fails_when_no_line_is_readable(tmp_path):
    data = _mentions_file(tmp_path, ["not json", "{oops"])
    result = CliRunner().invoke(cli, ["classify", str(data), "--out", str(tmp_path / "c.jsonl")])
    assert result.exit_code == 1 and "no readable text" in result.output
    assert [json.loads(line)["line"] for line in (tmp_path / "c.jsonl").read_text().splitlines()] == [1, 2]


def test_train_without_a_label_column_says_how_to_name_it(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("text,sentiment\nAcme is down,negative\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", str(data), "--out", str(tmp_path / "model")])
    assert result.exit_code == 2 and "--map label=COLUMN" in result.output


def test_a_pretty_printed_payload_without_format_says_which_format(tmp_path, monkeypatch):
    monkeypatch.setenv("SNOWBALL_BROKER", "127.0.0.1:1")
    data = tmp_path / "search.json"
    data.write_text(json.dumps({"data": [{"id": "1", "text": "Acme", "author_id": "2"}]}, indent=2), encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(data)])
    assert result.exit_code == 2 and "--format twitter-v2, mastodon or reddit" in result.output


def test_an_unreachable_broker_is_one_line(tmp_path, monkeypatch):
    from streams.kafka import clients

    def undelivered(producer, topic, records, flush_timeout=30.0):
        raise clients.DeliveryFailed("1 records still undelivered after 30.0s")

    monkeypatch.setenv("SNOWBALL_BROKER", "127.0.0.1:1")
    monkeypatch.setattr(clients, "check_reachable", lambda bootstrap: None)  # it takes the connection, then no acks
    monkeypatch.setattr(clients, "produce_all", undelivered)
    result = CliRunner().invoke(cli, ["ingest", str(_mentions_file(tmp_path, [GOOD]))])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "broker 127.0.0.1:1: 1 records still undelivered" in result.output


def test_ingest_produces_a_file_in_event_time_order(tmp_path, monkeypatch):
    """Exports often run newest first; produced as they come, the worker would leave most of them out as late."""
    from streams.app import build_codecs
    from streams.kafka import clients
    from streams.settings import Settings

    sent: dict[str, list] = {}

    def capture(producer, topic, records, flush_timeout=30.0):
        sent[topic] = list(records)
        return len(sent[topic])

    monkeypatch.setenv("SNOWBALL_BROKER", "127.0.0.1:1")
    monkeypatch.setattr(clients, "check_reachable", lambda bootstrap: None)
    monkeypatch.setattr(clients, "produce_all", capture)
    monkeypatch.setattr(clients, "make_producer", lambda bootstrap: None)
    newest_first = [json.dumps({"id": f"m{i}", "source": "twitter", "text": "Acme", "author": {"id": "a"},
                                "created_at": f"2026-03-02T10:{59 - i:02d}:00Z"}) for i in range(30)]
    result = CliRunner().invoke(cli, ["ingest", str(_mentions_file(tmp_path, newest_first))])
    assert result.exit_code == 0, result.output
    codec = build_codecs(Settings()).raw
    times = [codec.decode(value)["created_at"] for _, value in sent["mentions.raw"]]
    assert len(times) == 30 and times == sorted(times)


def test_a_csv_header_the_reader_cannot_read_is_a_usage_error(tmp_path):
    data = tmp_path / "h.csv"
    data.write_text('"text" ,label\nfine,positive\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(data), "--map", "text=text"])
    assert result.exit_code == 2 and "unreadable header" in result.output


def test_ingest_reads_a_tsv_file_as_a_table_that_needs_a_map(tmp_path, monkeypatch):
    monkeypatch.setenv("SNOWBALL_BROKER", "127.0.0.1:1")
    data = tmp_path / "m.tsv"
    data.write_text("id\ttext\n1\tAcme\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(data)])
    assert result.exit_code == 2 and "CSV input needs --map" in result.output
