"""snowball ingest reads a file once as a stream, fails when nothing in it was valid, and counts the reasons."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from streams.app import build_codecs
from streams.cli.main import cli
from streams.settings import Settings

GOOD = {"id": "1", "source": "twitter", "text": "Acme is down again", "created_at": "2026-03-02T10:00:00Z",
        "author": {"id": "a1", "handle": "marie"}}


@pytest.fixture
def sent(monkeypatch):
    """What ingest produces, by topic, decoded; the broker faked."""
    from streams.kafka import clients

    produced: dict[str, list] = {}
    codecs = build_codecs(Settings())

    def capture(producer, topic, records, flush_timeout=30.0):
        codec = codecs.dead_letter if topic == "snowball.deadletter" else codecs.raw
        produced[topic] = [codec.decode(value) for _, value in records]
        return len(produced[topic])

    monkeypatch.setenv("SNOWBALL_BROKER", "kafka:9092")
    monkeypatch.setattr(clients, "check_reachable", lambda bootstrap: None)
    monkeypatch.setattr(clients, "make_producer", lambda bootstrap: None)
    monkeypatch.setattr(clients, "produce_all", capture)
    return produced


def test_a_file_without_a_valid_mention_fails_with_the_reasons_counted(tmp_path, monkeypatch, sent):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"x": 1}\nnot json\n{"id": "a", "text": "Acme", "created_at": "nope"}\n{"y": 2}\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", "bad.jsonl"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines()[-1] == ("Error: no valid mention in bad.jsonl: 4 invalid records "
                                              "(missing_field 2, not_json 1, bad_timestamp 1), sent to "
                                              "snowball.deadletter")
    letters = sent["snowball.deadletter"]
    assert [(x["topic"], x["offset"], x["reason"]) for x in letters] == [
        (str(data), 1, "missing_field"), (str(data), 2, "not_json"), (str(data), 3, "bad_timestamp"),
        (str(data), 4, "missing_field")]  # the file itself, wherever the command was typed
    assert sent["mentions.raw"] == []


def test_an_empty_file_fails(tmp_path, sent):
    data = tmp_path / "empty.jsonl"
    data.write_text("\n")
    result = CliRunner().invoke(cli, ["ingest", str(data)])
    assert result.exit_code == 1 and result.output == f"Error: no valid mention in {data}: it has no record\n"


def test_many_invalid_records_show_the_first_ten_and_the_counts(tmp_path, sent):
    data = tmp_path / "m.jsonl"
    data.write_text("\n".join([json.dumps(GOOD)] + ["not json"] * 500 + ['{"x": 1}'] * 100) + "\n")
    result = CliRunner().invoke(cli, ["ingest", str(data)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 12 and all(": not_json: " in line for line in lines[:10])
    assert lines[10] == "... and 590 more invalid records, all in snowball.deadletter"
    assert lines[11] == ("ingested 1 mentions into mentions.raw; 600 invalid records sent to snowball.deadletter "
                         "(not_json 500, missing_field 100)")
    assert len(sent["snowball.deadletter"]) == 600


def test_the_file_is_read_as_it_is_sent_not_whole_first(tmp_path, monkeypatch):
    """Dead letters leave while the file is still being read; valid mentions wait in a bounded sorter."""
    from streams.io import readers
    from streams.kafka import clients

    read = []
    real = readers.read_mentions

    def counted(*args, **kwargs):
        for result in real(*args, **kwargs):
            read.append(result.line)
            yield result

    seen_at_first_letter = []

    def capture(producer, topic, records, flush_timeout=30.0):
        count = 0
        for _ in records:
            if not seen_at_first_letter:
                seen_at_first_letter.append(len(read))
            count += 1
        return count

    monkeypatch.setenv("SNOWBALL_BROKER", "kafka:9092")
    monkeypatch.setattr(readers, "read_mentions", counted)
    monkeypatch.setattr(clients, "check_reachable", lambda bootstrap: None)
    monkeypatch.setattr(clients, "make_producer", lambda bootstrap: None)
    monkeypatch.setattr(clients, "produce_all", capture)
    data = tmp_path / "m.jsonl"
    data.write_text("\n".join([json.dumps(GOOD), "not json"] + [json.dumps({**GOOD, "id": str(i)})
                                                                 for i in range(2, 200)]) + "\n")
    result = CliRunner().invoke(cli, ["ingest", str(data)])
    assert result.exit_code == 0, result.output
    assert seen_at_first_letter == [2] and len(read) == 200
