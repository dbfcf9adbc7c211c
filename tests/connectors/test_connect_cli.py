"""`snowball connect mastodon` as a user runs it: embedded broker, local instance, stop and restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from streams.app import build_codecs, topic_specs
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, poll_messages
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.processes import die_with_parent, stop_process
from streams.settings import Settings
from tests.connectors.fake_mastodon import FakeMastodon, status
from tests.webhook.support import serving

pytestmark = pytest.mark.integration
SETTINGS = Settings()
CODECS = build_codecs(SETTINGS)


def connect(broker: str, url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "streams.cli.main", "connect", "mastodon", "--instance", url,
                             "--hashtag", "acme", *args], env={**os.environ, "SNOWBALL_BROKER": broker, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=die_with_parent)


class RawTopic:
    """Every mention id produced so far, read by one consumer kept for the whole test."""

    def __init__(self, broker: str) -> None:
        self.consumer = make_consumer(broker, [SETTINGS.topics.raw])
        self.ids: list[str] = []

    def read(self) -> list[str]:
        for message in poll_messages(self.consumer, timeout=0.5, idle_timeout=0.3):
            self.ids.append(CODECS.raw.decode(message.value())["id"])
        return sorted(self.ids)


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"


def test_connect_streams_stops_and_resumes_without_a_gap_or_a_duplicate():
    fake = FakeMastodon([status(n) for n in (1, 2, 3)])
    fake.streams = [[("update", status(4)), ("update", status(5)), "hold"]]
    expected = sorted(status(n)["id"] for n in range(1, 9))
    with EmbeddedBroker() as broker, serving(fake.app) as url:
        ensure_topics(broker.bootstrap, topic_specs(SETTINGS))
        raw = RawTopic(broker.bootstrap)
        first = connect(broker.bootstrap, url)
        try:
            wait_for(lambda: len(raw.read()) >= 5)
        finally:
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=15) == 0, first.stderr.read()
        # While it is down: three more statuses. The restart catches them up, then streams.
        fake.statuses += [status(6), status(7)]
        fake.streams = [[("update", status(8)), "hold"]]
        second = connect(broker.bootstrap, url)
        try:
            wait_for(lambda: len(raw.read()) >= 8)
            time.sleep(0.5)
            assert raw.read() == expected
        finally:
            fake.closing = True
            stop_process(second, timeout=10)
            raw.consumer.close()
        log = first.stderr.read() if first.stderr else ""
        assert "outage" not in log  # no message text in the logs

        wrong = connect(broker.bootstrap, url, env={"MASTODON_ACCESS_TOKEN": "expired"})
        assert wrong.wait(timeout=30) == 1
        lines = wrong.stderr.read().strip().splitlines()
        assert lines[-1].startswith("Error: mastodon: 127.0.0.1 refused the credential (401 Unauthorized)")
        assert "Traceback" not in "".join(lines) and "expired" not in "".join(lines)
