"""The commit protocol of a batch: delivered, then stored, then committed; never committed past a failure."""

from __future__ import annotations

import asyncio

import pytest

from streams.app.checkpoint import Checkpoint, CheckpointFailed
from streams.app.kafka_io import DeliveryFailed
from streams.app.stages import Output


class FakeIO:
    def __init__(self, fail_flushes: int = 0) -> None:
        self.log: list[tuple] = []
        self.fail_flushes = fail_flushes

    def produce(self, topic, partition, key, value):
        self.log.append(("produce", topic, partition, key, value))

    async def flush(self):
        self.log.append(("flush",))
        if self.fail_flushes:
            self.fail_flushes -= 1
            raise DeliveryFailed("broker gone")


class FakeTable:
    def __init__(self, name: str, io: FakeIO) -> None:
        self.name, self.io, self.data = name, io, {}

    def put(self, writes, partition, produce):
        self.data.update(writes)
        for key, value in writes.items():
            produce(f"{self.name}-changelog", partition, key.encode(), repr(value).encode())

    def delete(self, keys, partition, produce):
        for key in keys:
            self.data.pop(key, None)
            produce(f"{self.name}-changelog", partition, key.encode(), None)

    def end_marker(self, partition, produce):
        produce(f"{self.name}-changelog", partition, b"END", None)


def make(fail_flushes: int = 0):
    io = FakeIO(fail_flushes)
    tables = {"detectors": FakeTable("detectors", io), "seen": FakeTable("seen", io)}
    return Checkpoint(io, tables, {"alerts": "snowball.alerts", "classified": "mentions.classified"}), io, tables


def committer(into: list):
    async def commit(offsets):
        into.append(dict(offsets))
        return True

    return commit


def test_outputs_then_state_then_markers_then_offsets():
    checkpoint, io, tables = make()
    checkpoint.send([Output("classified", b"acme", b"c1"), Output("alerts", b"acme", b"a1")])
    checkpoint.write(3, {"detectors": {"acme": 1}, "seen": {}})
    checkpoint.write(3, {"detectors": {"acme": 2}})  # the last value of a key wins: one record per key
    checkpoint.delete("seen", 0, ["old-id"])
    checkpoint.done("mentions.enriched", 3, 10)
    checkpoint.done("mentions.enriched", 3, 8)  # never backwards
    commits: list = []
    assert asyncio.run(checkpoint.commit(committer(commits))) is True
    steps = [(entry[0], entry[1] if len(entry) > 1 else None, entry[3] if len(entry) > 3 else None)
             for entry in io.log]
    # The outputs are delivered before any state that counts them as done is queued.
    assert steps[:3] == [("produce", "mentions.classified", b"acme"), ("produce", "snowball.alerts", b"acme"),
                         ("flush", None, None)]
    assert steps[3:6] == [("produce", "detectors-changelog", b"acme"), ("produce", "seen-changelog", b"old-id"),
                          ("flush", None, None)]
    # Then each changelog partition written ends with a marker, alone after the flush, and is flushed.
    assert sorted(steps[6:8]) == [("produce", "detectors-changelog", b"END"), ("produce", "seen-changelog", b"END")]
    assert steps[8:] == [("flush", None, None)]
    assert tables["detectors"].data == {"acme": 2}
    assert [{(tp.topic, tp.partition): o for tp, o in c.items()} for c in commits] == [{("mentions.enriched", 3): 10}]
    assert checkpoint.empty


def test_a_failed_delivery_commits_nothing_then_or_ever_after():
    """Records librdkafka could not deliver are gone: no later commit may pass them, a stop's included."""
    checkpoint, io, tables = make(fail_flushes=1)
    checkpoint.send([Output("alerts", b"acme", b"a1")])
    checkpoint.write(0, {"detectors": {"acme": 1}})
    checkpoint.done("mentions.raw", 0, 5)
    commits: list = []
    with pytest.raises(DeliveryFailed):
        asyncio.run(checkpoint.commit(committer(commits)))
    assert tables["detectors"].data == {}  # the state that counted them was never stored nor sent
    checkpoint.done("mentions.raw", 0, 9)
    with pytest.raises(CheckpointFailed):
        asyncio.run(checkpoint.commit(committer(commits)))
    assert commits == []


def test_an_interrupted_commit_leaves_its_offsets_to_the_next_one_without_sending_twice():
    checkpoint, io, _ = make()
    checkpoint.send([Output("alerts", b"acme", b"a1")])
    checkpoint.done("mentions.raw", 0, 5)

    async def cancelled_flush():
        raise asyncio.CancelledError

    io.flush = cancelled_flush
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(checkpoint.commit(committer([])))
    del io.flush
    commits: list = []
    asyncio.run(checkpoint.commit(committer(commits)))
    assert [entry[0] for entry in io.log].count("produce") == 1  # a1 queued once; this flush confirms it
    assert [{(tp.topic, tp.partition): o for tp, o in c.items()} for c in commits] == [{("mentions.raw", 0): 5}]


def test_a_batch_with_no_state_change_needs_no_marker():
    checkpoint, io, _ = make()
    checkpoint.done("mentions.raw", 1, 3)
    asyncio.run(checkpoint.commit(committer([])))
    assert io.log == [("flush",)]
