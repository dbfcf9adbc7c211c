"""Avro on the wire: Confluent wire format with a Schema Registry, single-object encoding without."""

from streams.serialization.avro import (
    Codec,
    ConfluentCodec,
    DecodeError,
    SchemaStore,
    SingleObjectCodec,
    make_codec,
)
from streams.serialization.contracts import TOPIC_SCHEMAS, topic_schema_names

__all__ = [
    "Codec",
    "ConfluentCodec",
    "DecodeError",
    "SchemaStore",
    "SingleObjectCodec",
    "TOPIC_SCHEMAS",
    "make_codec",
    "topic_schema_names",
]
