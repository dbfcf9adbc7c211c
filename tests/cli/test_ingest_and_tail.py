"""ingest and tail against the embedded broker, as a user would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from streams.app import topic_specs
from streams.kafka.admin import ensure_topics
from streams.kafka.embedded import EmbeddedBroker
from streams.settings import Settings

pytestmark = pytest.mark.integration


def snowball(*args: str, broker: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SNOWBALL_BROKER": broker}
    return subprocess.run([sys.executable, "-m", "streams.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_ingest_sends_valid_mentions_and_dead_letters_the_rest_and_tail_decodes_both(tmp_path):
    data = tmp_path / "mentions.jsonl"
    assert snowball("simulate", "--out", str(data), broker="unused").returncode == 0
    produced = len(data.read_text().splitlines())
    with open(data, "a", encoding="utf-8") as handle:
        handle.write('{"id": "x1", "text": 3, "created_at": 1}\nnot json\n')
    with EmbeddedBroker() as broker:
        ensure_topics(broker.bootstrap, topic_specs(Settings()))
        ingest = snowball("ingest", str(data), broker=broker.bootstrap)
        assert ingest.returncode == 0, ingest.stderr
        assert f"ingested {produced} mentions" in ingest.stderr
        assert f"{data}:{produced + 1}: wrong_type" in ingest.stderr
        raw = snowball("tail", "mentions.raw", "--idle-timeout", "3", broker=broker.bootstrap)
        records = [json.loads(line) for line in raw.stdout.splitlines()]
        assert len(records) == produced and all("text" in r and "created_at" in r for r in records)
        letters = snowball("tail", "snowball.deadletter", "--idle-timeout", "3", broker=broker.bootstrap)
        letters = [json.loads(line) for line in letters.stdout.splitlines()]
        assert sorted(x["reason"] for x in letters) == ["not_json", "wrong_type"]
        assert {x["value"] for x in letters} == {'{"id": "x1", "text": 3, "created_at": 1}', "not json"}
