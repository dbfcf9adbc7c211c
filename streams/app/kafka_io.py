"""librdkafka moves the worker's records: a consumer assigned by hand, a producer that says what it delivered.

The consumer never joins the group (Faust's member does): it is ``assign()``ed exactly the source
partitions Faust assigned, from the offsets the group committed. Its blocking calls run on one
worker thread, so the event loop (Faust's heartbeats, the metrics) keeps running meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from streams.app.stages import Record

TopicPartitionKey = tuple[str, int]
LIBRDKAFKA_LOG = logging.getLogger("librdkafka")


class DeliveryFailed(RuntimeError):
    """The broker did not take a record within librdkafka's delivery timeout: the batch is not committed."""


class KafkaIO:
    def __init__(self, bootstrap: str, group_id: str, consumer_extra: Mapping[str, Any] | None = None,
                 producer_extra: Mapping[str, Any] | None = None) -> None:
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": group_id,  # to read the group's committed offsets; this consumer never joins
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "enable.partition.eof": False,
            # A committed offset out of range (retention removed it): the earliest kept, as Faust's setting says.
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 50,
            "log_level": 3,
            "logger": LIBRDKAFKA_LOG,  # through logging, so the broker watch can hold back a flood
            **(consumer_extra or {}),
        })
        self.producer = Producer({
            "bootstrap.servers": bootstrap,
            "linger.ms": 5,
            "acks": "all",
            # Kafka's Java clients and Faust (murmur2) place a key where this worker would: one brand, one partition.
            "partitioner": "murmur2_random",
            "log_level": 3,
            "logger": LIBRDKAFKA_LOG,  # through logging, so the broker watch can hold back a flood
            **(producer_extra or {}),
        })
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snowball-kafka")
        self._errors: list[str] = []
        self.assignment: set[TopicPartitionKey] = set()

    async def _blocking(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    # -- reading -------------------------------------------------------------------------------
    async def assign(self, partitions: Iterable[TopicPartitionKey], timeout: float = 10.0) -> dict:
        """Read ``partitions`` from the group's committed offsets (the earliest where none); returns them."""
        wanted = [TopicPartition(topic, partition) for topic, partition in sorted(partitions)]
        committed = await self._blocking(self.consumer.committed, wanted, timeout) if wanted else []
        for tp in committed:
            if tp.error is not None:  # not "no commit": reading from the start would replay the partition
                raise KafkaException(tp.error)
        start = [TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING)
                 for tp in committed]
        await self._blocking(self.consumer.assign, start)
        self.assignment = {(tp.topic, tp.partition) for tp in start}
        return {(tp.topic, tp.partition): tp.offset for tp in start}

    async def unassign(self) -> None:
        await self._blocking(self.consumer.unassign)
        self.assignment = set()

    async def consume(self, max_records: int, timeout: float) -> list[Record]:
        messages = await self._blocking(self.consumer.consume, max_records, timeout)
        records = []
        for message in messages:
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF or not error.fatal():
                    continue  # librdkafka retries transient errors itself
                raise KafkaException(error)
            records.append(Record(message.topic(), message.partition(), message.offset(), message.key(),
                                  message.value()))
        return records

    def end_offset(self, topic: str, partition: int) -> int | None:
        """The partition's end as last seen by a fetch (no request); None before any."""
        _, high = self.consumer.get_watermark_offsets(TopicPartition(topic, partition), cached=True)
        return high if high >= 0 else None

    # -- writing -------------------------------------------------------------------------------
    def produce(self, topic: str, partition: int | None, key: bytes | None, value: bytes | None) -> None:
        """Queue one record (the partitioner places it when ``partition`` is None); ``flush`` confirms it."""
        kwargs = {} if partition is None else {"partition": partition}
        while True:
            try:
                self.producer.produce(topic, value=value, key=key, on_delivery=self._on_delivery, **kwargs)
                return
            except BufferError:  # librdkafka's queue is full: serve deliveries, then queue again
                self.producer.poll(0.05)

    def _on_delivery(self, error: KafkaError | None, _message: Message) -> None:
        if error is not None:
            self._errors.append(str(error))

    async def flush(self, timeout: float = 60.0) -> None:
        """Wait until the broker has every record queued so far; raise ``DeliveryFailed`` if any was refused."""
        remaining = await self._blocking(self.producer.flush, timeout)
        errors, self._errors = self._errors, []
        if remaining:
            raise DeliveryFailed(f"{remaining} records still undelivered after {timeout:g} s")
        if errors:
            raise DeliveryFailed(f"{len(errors)} records not delivered, first: {errors[0]}")

    async def close(self) -> None:
        try:
            await self._blocking(self.producer.flush, 10.0)
            await self._blocking(self.consumer.close)
        finally:
            self._thread.shutdown(wait=False)
