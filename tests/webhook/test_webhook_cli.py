"""`snowball webhook` as a user runs it, against the embedded broker: 202 means the mentions are on the topic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from streams.app import build_codecs, topic_specs
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, poll_messages
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.processes import die_with_parent, free_port, stop_process
from streams.settings import Settings

pytestmark = pytest.mark.integration
TOKEN = "cli-token-0123456789abcdef"


def test_webhook_command_produces_good_records_and_dead_letters_bad_ones(tmp_path):
    settings = Settings()
    codecs = build_codecs(settings)
    tokens = tmp_path / "tokens"
    tokens.write_text(TOKEN + "\n")
    port = free_port()
    with EmbeddedBroker() as broker:
        ensure_topics(broker.bootstrap, topic_specs(settings))
        env = {**os.environ, "SNOWBALL_BROKER": broker.bootstrap}
        process = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "webhook", "--port", str(port),
                                    "--tokens-file", str(tokens)], env=env, stderr=subprocess.PIPE,
                                   preexec_fn=die_with_parent)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and process.poll() is None, "webhook did not start"
                time.sleep(0.1)
            good = [{"id": f"h{n}", "text": "Acme down", "created_at": "2026-03-02T07:41:12Z"} for n in range(3)]
            body = "\n".join(json.dumps(r) for r in good) + '\n{"id": "bad", "text": "x"}\n'
            response = httpx.post(f"{url}/mentions", content=body, headers={"Authorization": f"Bearer {TOKEN}"})
            assert response.status_code == 400, response.text
            assert response.json()["accepted"] == 3
            assert response.json()["rejected"][0]["reason"] == "missing_field"
            # The answer came after the acknowledgement: the records are readable now.
            consumer = make_consumer(broker.bootstrap, [settings.topics.raw, settings.topics.dead_letter])
            messages = list(poll_messages(consumer, timeout=10, idle_timeout=2))
            consumer.close()
            raw = sorted(codecs.raw.decode(m.value())["id"] for m in messages if m.topic() == settings.topics.raw)
            letters = [codecs.dead_letter.decode(m.value()) for m in messages
                       if m.topic() == settings.topics.dead_letter]
            assert raw == ["h0", "h1", "h2"]
            assert [x["reason"] for x in letters] == ["missing_field"]
        finally:
            stop_process(process, timeout=5)
        assert TOKEN not in process.stderr.read().decode()
