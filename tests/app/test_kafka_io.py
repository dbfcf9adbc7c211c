"""librdkafka's queue full is backpressure: the worker waits for deliveries, says nothing and loses nothing."""

from __future__ import annotations

import asyncio
import logging

from streams.app.kafka_io import KafkaIO


class FullThenFree:
    def __init__(self, full_times: int) -> None:
        self.full_times = full_times
        self.polls = 0
        self.produced: list[tuple] = []

    def produce(self, topic, value=None, key=None, on_delivery=None, **kwargs):
        if self.full_times:
            self.full_times -= 1
            raise BufferError("Local: Queue full")
        self.produced.append((topic, key, value, kwargs.get("partition")))

    def poll(self, timeout):
        self.polls += 1
        return 0

    def flush(self, timeout):
        return 0


def test_a_full_queue_waits_for_deliveries_then_queues_the_record(caplog):
    io = KafkaIO("127.0.0.1:1", "snowball")
    io.producer = FullThenFree(full_times=3)
    with caplog.at_level(logging.WARNING):
        io.produce("mentions.enriched", 2, b"acme", b"v")
        asyncio.run(io.flush())
    assert io.producer.produced == [("mentions.enriched", b"acme", b"v", 2)] and io.producer.polls == 3
    assert not [r for r in caplog.records if r.name != "librdkafka"]
    io._thread.shutdown(wait=False)
