"""Avro codecs for topic values.

Without a Schema Registry, values use Avro single-object encoding (spec: two marker bytes
``C3 01``, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's parsing
canonical form, then the binary body), so a consumer holding only the ``.avsc`` files can tell
which schema wrote a record. With a registry, values use the Confluent wire format (``00``, a
4-byte big-endian schema id, the body) and schemas are registered under ``<topic>-value``.

Inside the pipeline timestamps stay epoch milliseconds: the codecs read with a copy of the
schema without logical types, which changes nothing on the wire.
"""

from __future__ import annotations

import copy
import io
import json
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import fastavro
from fastavro.schema import fingerprint, load_schema, to_parsing_canonical_form

SINGLE_OBJECT_MARKER = b"\xc3\x01"
CONFLUENT_MAGIC = b"\x00"


class DecodeError(ValueError):
    """The bytes are not a record of the expected schema; ``reason`` is a short fixed code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class Codec(Protocol):
    def encode(self, record: dict[str, Any]) -> bytes: ...

    def decode(self, data: bytes) -> dict[str, Any]: ...


def _without_logical_types(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _without_logical_types(v) for k, v in schema.items() if k != "logicalType"}
    if isinstance(schema, list):
        return [_without_logical_types(s) for s in schema]
    return schema


class SchemaStore:
    """The ``.avsc`` files of a directory, by full name and by fingerprint."""

    def __init__(self, schema_dir: Path) -> None:
        self.schema_dir = Path(schema_dir)
        self._by_name: dict[str, dict[str, Any]] = {}
        self._by_fingerprint: dict[bytes, dict[str, Any]] = {}
        for path in sorted(self.schema_dir.glob("*.avsc")):
            name = path.name.removesuffix(".avsc")
            full = load_schema(str(path), _write_hint=False)
            self._by_name[name] = full
            self._by_fingerprint[self.fingerprint_of(full)] = full
        if not self._by_name:
            raise FileNotFoundError(f"no .avsc schema files in {self.schema_dir}")

    @staticmethod
    def fingerprint_of(schema: dict[str, Any]) -> bytes:
        return bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))

    def schema(self, name: str) -> dict[str, Any]:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no schema {name!r} in {self.schema_dir}") from None

    def by_fingerprint(self, fp: bytes) -> dict[str, Any] | None:
        return self._by_fingerprint.get(fp)

    def names(self) -> list[str]:
        return sorted(self._by_name)


@lru_cache(maxsize=64)
def _parsed(schema_json: str) -> Any:
    # The default write hint marks the result as parsed, so fastavro does not parse it again per record.
    return fastavro.parse_schema(_without_logical_types(json.loads(schema_json)))


def parsed_for_pipeline(schema: dict[str, Any]) -> Any:
    """The schema parsed for fast reads and writes, timestamps as epoch ms."""
    return _parsed(json.dumps(schema, sort_keys=True))


def _read_body(data: bytes, offset: int, writer: Any, reader: Any) -> dict[str, Any]:
    buffer = io.BytesIO(data)  # shares the bytes until written to: no copy of the body
    buffer.seek(offset)
    try:
        return fastavro.schemaless_reader(buffer, writer, reader)
    except Exception as exc:  # fastavro raises many types on corrupt bodies
        raise DecodeError("corrupt_body", f"{type(exc).__name__}: {exc}") from None


def _write(header: bytes, record: dict[str, Any], schema: Any) -> bytes:
    """The header, then the record's body: one buffer, no concatenation after."""
    buffer = io.BytesIO()
    buffer.write(header)
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


class SingleObjectCodec:
    """Avro single-object encoding against one schema of a ``SchemaStore``.

    Decoding accepts any writer schema of the store (schema evolution: records written
    with an older schema are resolved to the current one).
    """

    def __init__(self, store: SchemaStore, schema_name: str) -> None:
        self.store = store
        self.schema = store.schema(schema_name)
        self._parsed = parsed_for_pipeline(self.schema)
        self._fingerprint = store.fingerprint_of(self.schema)
        self._header = SINGLE_OBJECT_MARKER + self._fingerprint

    def encode(self, record: dict[str, Any]) -> bytes:
        return _write(self._header, record, self._parsed)

    def decode(self, data: bytes) -> dict[str, Any]:
        if data is None or len(data) < 10 or not data.startswith(SINGLE_OBJECT_MARKER):
            raise DecodeError("not_avro", "value is not Avro single-object encoded (missing C3 01 header)")
        fp = data[2:10]
        if fp == self._fingerprint:
            return _read_body(data, 10, self._parsed, None)
        writer = self.store.by_fingerprint(fp)
        if writer is None:
            raise DecodeError("unknown_schema", f"no schema file has fingerprint {fp.hex()}")
        return _read_body(data, 10, parsed_for_pipeline(writer), self._parsed)


class ConfluentCodec:
    """Confluent wire format; the registry client (confluent-kafka) caches ids both ways."""

    def __init__(self, registry: Any, subject: str, schema: dict[str, Any]) -> None:
        from confluent_kafka.schema_registry import Schema

        self.registry = registry
        self.subject = subject
        self.schema = schema
        self._parsed = parsed_for_pipeline(schema)
        self._schema_id = registry.register_schema(subject, Schema(json.dumps(schema), "AVRO"))
        self._header = CONFLUENT_MAGIC + struct.pack(">I", self._schema_id)
        self._writers: dict[int, Any] = {self._schema_id: self._parsed}

    def encode(self, record: dict[str, Any]) -> bytes:
        return _write(self._header, record, self._parsed)

    def decode(self, data: bytes) -> dict[str, Any]:
        if data is None or len(data) < 5 or data[:1] != CONFLUENT_MAGIC:
            raise DecodeError("not_avro", "value is not in Confluent wire format (missing magic byte 0)")
        (schema_id,) = struct.unpack(">I", data[1:5])
        writer = self._writers.get(schema_id)
        if writer is None:
            try:
                registered = self.registry.get_schema(schema_id)
            except Exception as exc:
                raise DecodeError("unknown_schema", f"schema id {schema_id}: {exc}") from None
            writer = self._writers[schema_id] = parsed_for_pipeline(json.loads(registered.schema_str))
        if schema_id == self._schema_id:
            return _read_body(data, 5, writer, None)
        return _read_body(data, 5, writer, self._parsed)


def make_codec(
    store: SchemaStore, schema_name: str, topic: str, registry_url: str | None = None, registry: Any = None
) -> Codec:
    """The codec a topic uses under the current settings."""
    if registry is None and registry_url:
        from confluent_kafka.schema_registry import SchemaRegistryClient

        registry = SchemaRegistryClient.new_client({"url": registry_url})  # mock:// in tests
    if registry is not None:
        return ConfluentCodec(registry, f"{topic}-value", copy.deepcopy(store.schema(schema_name)))
    return SingleObjectCodec(store, schema_name)
