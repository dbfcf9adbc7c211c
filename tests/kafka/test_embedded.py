"""The embedded broker starts, answers, and never outlives its owner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from confluent_kafka.admin import AdminClient

from streams.kafka.admin import TopicSpec, ensure_topics
from streams.kafka.embedded import EmbeddedBroker

pytestmark = pytest.mark.integration


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_starts_on_a_free_loopback_port_and_stops():
    with EmbeddedBroker() as broker:
        assert broker.bootstrap.startswith("127.0.0.1:")
        metadata = AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=5)
        assert metadata.brokers
        pid = broker._process.pid
    assert not _pid_alive(pid)


def test_topics_are_created_with_the_partitions_asked_for_and_only_once():
    with EmbeddedBroker() as broker:
        specs = [TopicSpec("t.four", 4), TopicSpec("t.one", 1, compacted=True)]
        assert sorted(ensure_topics(broker.bootstrap, specs)) == ["t.four", "t.one"]
        assert ensure_topics(broker.bootstrap, specs) == []
        topics = AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=5).topics
        assert len(topics["t.four"].partitions) == 4 and len(topics["t.one"].partitions) == 1


def test_no_orphan_broker_when_the_owner_is_killed():
    script = (
        "import time, sys\n"
        "from streams.kafka.embedded import EmbeddedBroker\n"
        "b = EmbeddedBroker().start()\n"
        "print(b._process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    broker_pid = int(owner.stdout.readline())
    assert _pid_alive(broker_pid)
    owner.send_signal(signal.SIGKILL)
    owner.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _pid_alive(broker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _pid_alive(broker_pid)
