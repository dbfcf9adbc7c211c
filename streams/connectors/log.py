"""Where a connector writes: mentions, dead letters and its cursor, with the broker's acknowledgement awaited.

``KafkaMentionLog`` is the real one (confluent-kafka; the cursor in a compacted topic, so a connector
in a container needs no disk); ``MemoryMentionLog`` keeps everything in lists for tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Protocol

from streams.connectors.cursor import Cursor
from streams.connectors.cursor_codec import CursorCodec
from streams.kafka.clients import DeliveryFailed
from streams.serialization.avro import Codec

CURSOR_TOPIC = "snowball.connector-cursors"
CURSOR_SCHEMA = "snowball.ConnectorCursor"

Record = tuple[str, bytes | None, bytes]  # topic, key, value


class MentionLog(Protocol):
    async def send(self, records: Sequence[Record]) -> None:
        """Produce and return once the broker acknowledged every record; ``DeliveryFailed`` otherwise."""

    async def save_cursor(self, cursor: Cursor, *, wait: bool) -> None: ...

    async def load_cursor(self, connector: str) -> Cursor | None: ...

    async def keys_since(self, topics: Sequence[str], since_ms: int, wanted: set[str]) -> set[str]:
        """Which of ``wanted`` are keys of records written to ``topics`` at or after ``since_ms``."""

    async def close(self) -> None: ...


class KafkaMentionLog:
    """One idempotent producer (order kept per partition, no duplicate on its internal retries) and a thread
    that serves its delivery callbacks, so every ``send`` awaits exactly its own records."""

    def __init__(self, bootstrap: str, cursor_codec: Codec | None = None, cursor_topic: str = CURSOR_TOPIC,
                 delivery_timeout: float = 30.0) -> None:
        from streams.kafka.clients import make_producer

        self.bootstrap = bootstrap
        self.cursor_codec = CursorCodec(cursor_codec) if cursor_codec is not None else None
        self.cursor_topic = cursor_topic
        self.delivery_timeout = delivery_timeout
        self._producer = make_producer(bootstrap, **{"enable.idempotence": True,
                                                     "message.timeout.ms": int(delivery_timeout * 1000)})
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._serve_callbacks, name="delivery-callbacks", daemon=True)
        self._poller.start()

    def _serve_callbacks(self) -> None:
        while not self._stop.is_set():
            self._producer.poll(0.05)

    async def send(self, records: Sequence[Record]) -> None:
        if not records:
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        state = {"remaining": len(records), "error": None}

        def on_delivery(err: object, _msg: object) -> None:  # runs on the callback thread
            if err is not None and state["error"] is None:
                state["error"] = str(err)
            state["remaining"] -= 1
            if state["remaining"] == 0:
                loop.call_soon_threadsafe(_settle, done, state["error"])

        for topic, key, value in records:
            while True:
                try:
                    self._producer.produce(topic, key=key, value=value, on_delivery=on_delivery)
                    break
                except BufferError:  # local queue full: deliveries drain it
                    await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(done, self.delivery_timeout + 5)
        except TimeoutError:
            raise DeliveryFailed(f"no acknowledgement from {self.bootstrap} in {self.delivery_timeout:g}s") from None

    async def save_cursor(self, cursor: Cursor, *, wait: bool) -> None:
        record = (self.cursor_topic, cursor.connector.encode(), self.cursor_codec.encode(cursor))
        if wait:
            await self.send([record])
        else:  # acknowledged by the next send (same partition, idempotent producer: in order) or close()
            self._producer.produce(record[0], key=record[1], value=record[2])

    async def load_cursor(self, connector: str) -> Cursor | None:
        return await asyncio.to_thread(self._load_cursor, connector)

    def _load_cursor(self, connector: str) -> Cursor | None:
        from streams.kafka.admin import TopicSpec, ensure_topics

        ensure_topics(self.bootstrap, [TopicSpec(self.cursor_topic, 1, compacted=True)])
        key = connector.encode()
        last = None
        for message in self._read_to_end([self.cursor_topic], None):
            if message.key() == key:
                last = message.value()
        return None if last is None else self.cursor_codec.decode(last)

    async def keys_since(self, topics: Sequence[str], since_ms: int, wanted: set[str]) -> set[str]:
        return await asyncio.to_thread(self._keys_since, topics, since_ms, wanted)

    def _keys_since(self, topics: Sequence[str], since_ms: int, wanted: set[str]) -> set[str]:
        found = set()
        for message in self._read_to_end(topics, since_ms):
            key = message.key()
            if key is not None and key.decode("utf-8", "replace") in wanted:
                found.add(key.decode())
        return found

    def _read_to_end(self, topics: Iterable[str], since_ms: int | None):
        """Every message of ``topics`` (from ``since_ms`` when given) up to the end offsets read now."""
        from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": f"snowball-cursor-{uuid.uuid4().hex[:8]}",
                             "enable.auto.commit": False, "log_level": 0})
        try:
            metadata = consumer.list_topics(timeout=10)
            partitions = [TopicPartition(t, p, OFFSET_BEGINNING) for t in topics
                          if t in metadata.topics for p in sorted(metadata.topics[t].partitions)]
            if since_ms is not None and partitions:
                by_time = consumer.offsets_for_times([TopicPartition(tp.topic, tp.partition, since_ms)
                                                      for tp in partitions], timeout=10)
                # A negative offset: nothing written at or after since_ms on that partition. (The embedded broker
                # answers 0 instead: a longer scan, the same keys found.)
                partitions = [tp for tp in by_time if tp.offset >= 0]
            ends = {}
            for tp in partitions:
                low, high = consumer.get_watermark_offsets(tp, timeout=10)
                if high > max(low, tp.offset if tp.offset >= 0 else low):
                    ends[(tp.topic, tp.partition)] = high
            if not ends:
                return
            consumer.assign([tp for tp in partitions if (tp.topic, tp.partition) in ends])
            deadline = time.monotonic() + 30
            while ends and time.monotonic() < deadline:
                message = consumer.poll(0.2)
                if message is None or message.error():
                    continue
                yield message
                where = (message.topic(), message.partition())
                if where in ends and message.offset() + 1 >= ends[where]:
                    del ends[where]
        finally:
            consumer.close()

    async def close(self) -> None:
        if self._producer is None:
            return
        await asyncio.to_thread(self._producer.flush, self.delivery_timeout)
        self._stop.set()
        await asyncio.to_thread(self._poller.join, 1)
        self._producer = None  # the last reference: librdkafka closes its connections now, not at exit


def _settle(future: asyncio.Future, error: str | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(DeliveryFailed(error))


class MemoryMentionLog:
    """Everything in lists, with the wall clock of each write: tests and benchmarks.

    ``fail_next_send`` makes the next ``send`` raise after writing (a crash between the broker's
    acknowledgement and the cursor), ``drop_next_send`` before writing (a broker that is down).
    """

    def __init__(self, clock=time.time, cursor_codec: Codec | None = None) -> None:
        self.records: list[tuple[int, Record]] = []
        # Each connector's last cursor as the broker would keep it: its encoding when given a codec (the cost a
        # benchmark should count), else its record.
        self.saved_cursors: dict[str, bytes | dict] = {}
        self.cursor_codec = CursorCodec(cursor_codec) if cursor_codec is not None else None
        self.clock = clock
        self.fail_next_send: Exception | None = None
        self.drop_next_send: Exception | None = None

    @property
    def cursors(self) -> dict[str, Cursor]:
        """The saved cursors, decoded."""
        return {name: self._decode(saved) for name, saved in self.saved_cursors.items()}

    def _decode(self, saved: bytes | dict) -> Cursor:
        return self.cursor_codec.decode(saved) if isinstance(saved, bytes) else Cursor.from_record(saved)

    def values(self, topic: str) -> list[bytes]:
        return [value for _t, (name, _k, value) in self.records if name == topic]

    async def send(self, records: Sequence[Record]) -> None:
        if self.drop_next_send is not None:
            error, self.drop_next_send = self.drop_next_send, None
            raise error
        now = int(self.clock() * 1000)
        self.records += [(now, record) for record in records]
        if self.fail_next_send is not None:
            error, self.fail_next_send = self.fail_next_send, None
            raise error

    async def save_cursor(self, cursor: Cursor, *, wait: bool) -> None:
        self.saved_cursors[cursor.connector] = (self.cursor_codec.encode(cursor) if self.cursor_codec is not None
                                                else cursor.to_record())

    async def load_cursor(self, connector: str) -> Cursor | None:
        saved = self.saved_cursors.get(connector)
        return None if saved is None else self._decode(saved)

    async def keys_since(self, topics: Sequence[str], since_ms: int, wanted: set[str]) -> set[str]:
        return {key.decode() for at, (topic, key, _v) in self.records
                if at >= since_ms and topic in topics and key is not None and key.decode() in wanted}

    async def close(self) -> None:
        pass
