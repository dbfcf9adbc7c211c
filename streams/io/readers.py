"""Mentions from files: JSON lines in the import format, platform payloads, or CSV exports with ``--map``.

Every reader yields one ``ReadResult`` per record: the validated mention, or the error with a
short reason code, plus the record's original bytes so a dead letter can keep them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.models import InvalidMention, RawMention, parse_raw_mention
from streams.models.parse import decode_json


@dataclass(frozen=True, slots=True)
class ReadResult:
    line: int
    mention: RawMention | None
    error: InvalidMention | None
    original: bytes | None = None  # the record as read, for its dead letter (always set on an error)
    label: Any = None  # the value of the record's ``label_column``, when one was asked for (a gold label)


_LABEL_KEY = "__label__"  # where a CSV row carries the label column, beside the mapped fields


def read_mentions(path: Path, csv_columns: dict[str, str] | None = None, source_format: str | None = None,
                  now_ms: int | None = None, label_column: str | None = None) -> Iterator[ReadResult]:
    """Records of ``path``: import-format JSON lines by default, CSV with ``csv_columns``, or the
    payloads of a platform (``source_format`` a key of ``streams.sources.ADAPTERS``). With
    ``label_column`` (JSON lines and CSV), each result also carries that key's or column's value."""
    if csv_columns:
        yield from _read_csv(path, csv_columns, now_ms, label_column)
    elif source_format:
        yield from _read_payloads(path, source_format, now_ms)
    else:
        yield from _read_jsonl(path, now_ms, label_column)


def _read_jsonl(path: Path, now_ms: int | None, label_column: str | None = None) -> Iterator[ReadResult]:
    # Bytes, not text: invalid UTF-8 is a reason of its own, not silently replaced.
    with open(path, "rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            original = line.rstrip(b"\r\n")
            if line_no == 1 and original.startswith(b"\xef\xbb\xbf"):
                original = original[3:]  # a byte-order mark, as editors on Windows write one
            try:
                obj = decode_json(original)
                label = obj.get(label_column) if label_column is not None and isinstance(obj, dict) else None
                yield ReadResult(line_no, parse_raw_mention(obj, now_ms=now_ms), None, original, label)
            except InvalidMention as exc:
                yield ReadResult(line_no, None, exc, original)


def _read_csv(path: Path, columns: dict[str, str], now_ms: int | None,
              label_column: str | None = None) -> Iterator[ReadResult]:
    from streams.io.csv_map import read_mapped_csv

    if label_column is not None:
        columns = {**columns, _LABEL_KEY: label_column}
    for line_no, row in read_mapped_csv(path, columns):
        if isinstance(row, InvalidMention):
            yield ReadResult(line_no, None, row)
        else:
            label = row.pop(_LABEL_KEY, None)
            result = _validated(line_no, row, now_ms)
            yield ReadResult(result.line, result.mention, result.error, result.original, label)


def _payloads(path: Path) -> Iterator[tuple[int, Any]]:
    """JSON lines of payloads, or one JSON document (an API response saved as a file)."""
    raw = path.read_bytes()
    try:
        yield 1, json.loads(raw)
        return
    except ValueError:
        pass
    for line_no, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                yield line_no, json.loads(line)
            except ValueError as exc:
                yield line_no, InvalidMention("not_json", str(exc))


def _read_payloads(path: Path, source_format: str, now_ms: int | None) -> Iterator[ReadResult]:
    from streams.sources import ADAPTERS

    adapter = ADAPTERS[source_format]
    for line_no, payload in _payloads(path):
        if isinstance(payload, InvalidMention):
            yield ReadResult(line_no, None, payload)
            continue
        try:
            records = adapter.records(payload)
        except InvalidMention as exc:
            yield ReadResult(line_no, None, exc, json.dumps(payload).encode())
            continue
        for record in records:
            yield _validated(line_no, record, now_ms)


def _validated(line_no: int, obj: dict[str, Any], now_ms: int | None) -> ReadResult:
    try:
        return ReadResult(line_no, parse_raw_mention(obj, now_ms=now_ms), None)
    except InvalidMention as exc:  # only a dead letter needs the record's bytes
        return ReadResult(line_no, None, exc, json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8"))
