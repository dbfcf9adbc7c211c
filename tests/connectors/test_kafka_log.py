"""The Kafka-backed cursor and delivery on the embedded broker: a crash between acknowledgement and cursor."""

from __future__ import annotations

import logging

import pytest

from streams.app import topic_specs
from streams.connectors.log import CURSOR_SCHEMA, KafkaMentionLog
from streams.connectors.metrics import ConnectorMetrics
from streams.connectors.runner import ConnectorRunner
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, poll_messages
from streams.kafka.embedded import EmbeddedBroker
from streams.serialization.avro import SchemaStore, make_codec
from tests.connectors.support import CODECS, SETTINGS
from tests.connectors.test_runner import ScriptedSource, items

pytestmark = pytest.mark.integration


class ProcessKilled(Exception):
    """Stands for kill -9: nothing after it runs in the connector's code path."""


class CrashAfterAcknowledgement(KafkaMentionLog):
    """Dies right after the broker acknowledged the first batch, before the cursor is committed."""

    crashed = False

    async def send(self, records) -> None:
        await super().send(records)
        if not self.crashed and any(topic == SETTINGS.topics.raw for topic, _k, _v in records):
            self.crashed = True
            raise ProcessKilled


async def test_a_restart_after_a_crash_finds_the_acknowledged_batch_on_the_topic_and_does_not_produce_it_again(
        caplog):
    caplog.set_level(logging.INFO, logger="streams.connectors.runner")
    cursor_codec = make_codec(SchemaStore(SETTINGS.schema_dir), CURSOR_SCHEMA, "cursors")
    with EmbeddedBroker() as broker:
        ensure_topics(broker.bootstrap, topic_specs(SETTINGS))

        def runner(log_class: type[KafkaMentionLog]) -> ConnectorRunner:
            # Wall clock of now (not NOW): the recovery looks the batch up by the cursor's time.
            return ConnectorRunner(ScriptedSource([items(1, 2)]), log_class(broker.bootstrap, cursor_codec),
                                   CODECS.raw, CODECS.dead_letter, SETTINGS.topics, ConnectorMetrics("mastodon"))

        with pytest.raises(ProcessKilled):
            await runner(CrashAfterAcknowledgement).run()
        restarted = runner(KafkaMentionLog)
        await restarted.run()
        consumer = make_consumer(broker.bootstrap, [SETTINGS.topics.raw])
        ids = sorted(CODECS.raw.decode(m.value())["id"] for m in poll_messages(consumer, timeout=5, idle_timeout=1))
        consumer.close()
        assert ids == ["101", "102"]
        assert "2 of 2 items of an unfinished batch were already produced" in caplog.text
        assert restarted.cursor.position == "1" and set(restarted.cursor.seen) == {"101", "102"}
        reader = KafkaMentionLog(broker.bootstrap, cursor_codec)
        saved = await reader.load_cursor(restarted.source.connector_id)
        await reader.close()  # an open client keeps the embedded broker from stopping at once
        assert saved.position == "1" and not saved.pending_ids
