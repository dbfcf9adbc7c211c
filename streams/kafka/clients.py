"""Plain confluent-kafka producers and consumers for the CLI, the demo and tests."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)

from streams.errors import BrokerUnreachable

BROKER_HINT = "is it running? Give its address with --broker HOST:PORT or SNOWBALL_BROKER"


class DeliveryFailed(RuntimeError):
    pass


def bootstrap_servers(bootstrap: str) -> list[tuple[str, int]]:
    """(host, port) of each server of a bootstrap list ("host:port,...", an optional "scheme://" each)."""
    servers = []
    for server in bootstrap.split(","):
        server = server.strip()
        if server:
            parts = urlsplit(server if "://" in server else f"//{server}")
            servers.append((parts.hostname or server, parts.port or 9092))
    return servers


def check_reachable(bootstrap: str, timeout: float = 3.0) -> None:
    """Raise ``BrokerUnreachable`` at once unless a bootstrap server accepts a TCP connection.

    librdkafka retries a refused connection until its own timeout (10 to 30 s here) and then fails in
    terms of metadata; this says which address answered nothing, and why, before any client is made.
    """
    errors = []
    try:
        servers = bootstrap_servers(bootstrap)
    except ValueError as exc:  # a port that is not a number
        raise BrokerUnreachable(f"broker address {bootstrap!r}: {exc}; expected HOST:PORT[,HOST:PORT...]") from None
    for host, port in servers:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return
        except OSError as exc:
            errors.append(exc.strerror or type(exc).__name__)
    why = "; ".join(dict.fromkeys(errors)).lower() or "no address given"
    raise BrokerUnreachable(f"cannot reach the Kafka broker at {bootstrap} ({why}): {BROKER_HINT}")


def no_answer(bootstrap: str, timeout: float, exc: KafkaException) -> BrokerUnreachable:
    """A server took the connection but gave no metadata: not Kafka, or it advertises an address we cannot reach."""
    error = exc.args[0] if exc.args else exc
    why = error.str() if hasattr(error, "str") else str(error)
    return BrokerUnreachable(f"no answer from the Kafka broker at {bootstrap} within {timeout:g} s ({why}): "
                             f"{BROKER_HINT}")


def make_producer(bootstrap: str, **extra: object) -> Producer:
    conf = {"bootstrap.servers": bootstrap, "linger.ms": 5, "compression.type": "none", "log_level": 0}
    conf.update(extra)
    return Producer(conf)


def produce_all(producer: Producer, topic: str, records: Iterable[tuple[bytes | None, bytes]],
                flush_timeout: float = 30.0) -> int:
    """Produce (key, value) pairs and wait for every delivery; raises if any failed."""
    errors: list[str] = []

    def on_delivery(err: KafkaError | None, _msg: Message) -> None:
        if err is not None:
            errors.append(str(err))

    count = 0
    for key, value in records:
        while True:
            try:
                producer.produce(topic, key=key, value=value, on_delivery=on_delivery)
                break
            except BufferError:  # local queue full: let deliveries drain, then retry this record
                producer.poll(0.05)
        producer.poll(0)
        count += 1
    remaining = producer.flush(flush_timeout)
    if remaining:
        raise DeliveryFailed(f"{remaining} records still undelivered after {flush_timeout}s")
    if errors:
        raise DeliveryFailed(f"{len(errors)} deliveries failed, first: {errors[0]}")
    return count


def make_consumer(bootstrap: str, topics: list[str], from_beginning: bool = True, timeout: float = 10.0,
                  **extra: object) -> Consumer:
    """A reader assigned every partition of ``topics``: no consumer group, so no join to wait for.

    Readers (tail, the demo, tests) want everything, not a share of it; a group join also takes
    tens of seconds on the embedded broker.
    """
    conf = {
        "bootstrap.servers": bootstrap,
        "group.id": f"snowball-reader-{uuid.uuid4().hex[:8]}",  # required by librdkafka, never joined
        "enable.auto.commit": False,
        "log_level": 0,
    }
    conf.update(extra)
    consumer = Consumer(conf)
    try:
        metadata = consumer.list_topics(timeout=timeout)
    except KafkaException as exc:
        consumer.close()
        raise no_answer(bootstrap, timeout, exc) from None
    start = OFFSET_BEGINNING if from_beginning else OFFSET_END
    partitions = []
    for topic in topics:
        meta = metadata.topics.get(topic)
        if meta is None or meta.error is not None:
            raise ValueError(f"topic {topic!r} does not exist on {bootstrap}")
        partitions += [TopicPartition(topic, p, start) for p in sorted(meta.partitions)]
    consumer.assign(partitions)
    return consumer


def poll_messages(consumer: Consumer, timeout: float, idle_timeout: float | None = None) -> Iterator[Message]:
    """Messages until ``timeout`` seconds pass, or ``idle_timeout`` seconds pass without one."""
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    while time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            if idle_timeout is not None and time.monotonic() - last > idle_timeout:
                return
            continue
        if msg.error():
            if msg.error().code() in (KafkaError._PARTITION_EOF, KafkaError.UNKNOWN_TOPIC_OR_PART):
                continue
            raise RuntimeError(f"consumer error: {msg.error()}")
        last = time.monotonic()
        yield msg
