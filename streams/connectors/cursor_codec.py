"""Cursors to and from the bytes of the cursor topic, encoding only what changed since the last write.

An Avro record is its fields' encodings one after the other (Avro spec, "Binary Encoding"). So a cursor is
written as: the codec's header (single-object marker and fingerprint, or the Confluent schema id), the
fields before ``seen_ids`` and the fields after it, each encoded by fastavro against that slice of the
cursor schema, around the seen ids' encoding that ``SeenIds`` keeps up to date. The fields before
(connector and position) are kept from the last write while they are the same: a write before a batch
has the position the write after the previous batch had. The result decodes with the codec like any
other record.

At construction the spliced encoding of a probe cursor is checked against the codec's own: a codec whose
output is not ``header + body`` (or a schema without ``seen_ids``) is used whole instead, slower but right.
"""

from __future__ import annotations

import io
from typing import Any

import fastavro

from streams.connectors.cursor import Cursor
from streams.connectors.seen_ids import SeenIds
from streams.serialization.avro import Codec, parsed_for_pipeline


def _write(schema: Any, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


class CursorCodec:
    def __init__(self, codec: Codec) -> None:
        self.codec = codec
        self._header: bytes | None = None
        self._last_before: tuple[tuple[Any, ...], bytes] = ((), b"")
        schema = getattr(codec, "schema", None)
        fields = [f["name"] for f in schema.get("fields", ())] if isinstance(schema, dict) else []
        if "seen_ids" not in fields:
            return
        at = fields.index("seen_ids")
        self._before_fields = fields[:at]
        self._before = parsed_for_pipeline({**schema, "fields": schema["fields"][:at]})
        self._after = parsed_for_pipeline({**schema, "fields": schema["fields"][at + 1:]})
        probe = Cursor("probe", "1", SeenIds(["a", "bc"]), ("d",), "2", 3)
        whole = codec.encode(probe.to_record())
        body = _write(parsed_for_pipeline(schema), probe.to_record())
        if whole.endswith(body):
            self._header = whole[:len(whole) - len(body)]
            if self.encode(probe) != whole:
                self._header = None

    def encode(self, cursor: Cursor) -> bytes:
        if self._header is None:
            return self.codec.encode(cursor.to_record())
        record = cursor.to_record(with_seen=False)
        key = tuple(record[name] for name in self._before_fields)
        if key != self._last_before[0]:
            self._last_before = key, _write(self._before, record)
        return b"".join((self._header, self._last_before[1], cursor.seen.avro_array(), _write(self._after, record)))

    def decode(self, data: bytes) -> Cursor:
        return Cursor.from_record(self.codec.decode(data))
