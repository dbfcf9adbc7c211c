"""Create every topic the pipeline needs, with the partition counts it expects, before it starts.

Brokers that auto-create topics (Tansu gives 4 partitions) would otherwise race Faust and make
it fail with PartitionsMismatch; on Apache Kafka, pre-creating is simply good practice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int = 1
    compacted: bool = False


def ensure_topics(bootstrap: str, specs: Iterable[TopicSpec], timeout: float = 30.0) -> list[str]:
    """Create the missing topics; returns the names created. Existing topics are left as they are."""
    admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})
    existing = admin.list_topics(timeout=timeout).topics
    missing = [s for s in specs if s.name not in existing]
    if not missing:
        return []
    futures = admin.create_topics(
        [
            NewTopic(s.name, s.partitions, s.replication_factor,
                     config={"cleanup.policy": "compact"} if s.compacted else {})
            for s in missing
        ],
        operation_timeout=timeout,
    )
    created = []
    for name, future in futures.items():
        try:
            future.result()
            created.append(name)
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":  # another worker won the race
                raise
    for spec in specs:
        actual = admin.list_topics(topic=spec.name, timeout=timeout).topics.get(spec.name)
        if actual is not None and actual.partitions and len(actual.partitions) != spec.partitions:
            log.warning("topic %s has %d partitions, the pipeline expects %d",
                        spec.name, len(actual.partitions), spec.partitions)
    return created
