"""JSON lines in and out, as the CLI reads and writes them."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, decoded object or the ValueError that decoding raised) for each non-blank line."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except ValueError as exc:
                yield number, exc


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=_default) + "\n")
        count += 1
    return count


def _default(value: Any) -> Any:
    if isinstance(value, bytes):
        # Dead letters carry original bytes: readable when they are text, lossless when not.
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(value).decode("ascii")
    return str(value)
