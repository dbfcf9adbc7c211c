"""Cursors on the cursor topic: the incremental encoding decodes to exactly the cursor, with either wire format."""

from __future__ import annotations

import json
import random

import pytest

from streams.connectors.cursor import Cursor
from streams.connectors.cursor_codec import CursorCodec
from streams.connectors.log import CURSOR_SCHEMA, CURSOR_TOPIC
from streams.connectors.seen_ids import SeenIds
from streams.serialization.avro import SchemaStore, make_codec
from tests.connectors.support import SETTINGS

STORE = SchemaStore(SETTINGS.schema_dir)


def codecs():
    yield make_codec(STORE, CURSOR_SCHEMA, CURSOR_TOPIC)
    yield make_codec(STORE, CURSOR_SCHEMA, CURSOR_TOPIC, registry_url="mock://snowball-cursor-test")


@pytest.mark.parametrize("codec", list(codecs()), ids=["single-object", "confluent"])
def test_every_cursor_a_connector_writes_decodes_to_exactly_that_cursor(codec):
    cursor_codec = CursorCodec(codec)
    rng = random.Random(3)
    cursor = Cursor("mastodon:tag:acme@test", seen=SeenIds(capacity=120))
    for step in range(1500):
        ids = [f"{step}.{k}" for k in range(rng.choice((0, 1, 1, 2, 60)))]
        cursor.begin(ids, rng.choice((None, str(step), "é" * (step % 5))), 1_800_000_000_000 + step)
        assert codec.decode(cursor_codec.encode(cursor)) == cursor.to_record()
        if rng.random() < 0.1:
            cursor.recovered(rng.sample(ids, len(ids) // 2), cursor.pending_position, step)
        else:
            cursor.commit(1_800_000_000_000 + step)
        encoded = cursor_codec.encode(cursor)
        assert codec.decode(encoded) == cursor.to_record()
        assert cursor_codec.decode(encoded).to_record() == cursor.to_record()


def test_a_cursor_written_whole_before_loads_the_same():
    codec = make_codec(STORE, CURSOR_SCHEMA, CURSOR_TOPIC)
    cursor = Cursor("rss:https://presse.example/feed.xml", '{"etag": "x"}', SeenIds(map(str, range(300))),
                    ("300",), '{"etag": "y"}', 5)
    assert CursorCodec(codec).decode(codec.encode(cursor.to_record())).to_record() == cursor.to_record()


class JsonCodec:
    """A codec whose output is not a header and an Avro body: the cursor codec must use it whole."""

    schema = STORE.schema(CURSOR_SCHEMA)

    def encode(self, record):
        return json.dumps(record).encode()

    def decode(self, data):
        return json.loads(data)


def test_a_codec_of_another_shape_is_used_whole():
    cursor = Cursor("x", "1", SeenIds(["a", "b"]), ("c",), "2", 3)
    assert json.loads(CursorCodec(JsonCodec()).encode(cursor)) == cursor.to_record()
