"""Texts to classify from a JSON-lines file or a CSV/TSV file with a column map, one item per input line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from streams.io.labelled import LINE, UNREADABLE, read_rows


@dataclass(frozen=True, slots=True)
class TextItem:
    line: int
    text: str = ""
    id: str | None = None
    lang_hint: str | None = None
    error: str | None = None  # why the line gives no text


def read_texts(path: Path, mapping: dict[str, str] | None = None) -> Iterator[TextItem]:
    if mapping:
        if "text" not in mapping:
            raise ValueError("--map needs text=COLUMN")
        for row in read_rows(path, mapping):
            yield _item(cast(int, row[LINE]), row)
        return
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError as exc:
                yield TextItem(line, error=f"not JSON: {exc}")
                continue
            yield _item(line, obj if isinstance(obj, dict) else {"text": obj} if isinstance(obj, str) else {})


def _item(line: int, row: dict[str, object]) -> TextItem:
    if UNREADABLE in row:
        return TextItem(line, error=str(row[UNREADABLE]))
    text = row.get("text")
    ident = row.get("id")
    hint = row.get("lang_hint") or row.get("lang")
    if not isinstance(text, str):
        return TextItem(line, id=str(ident) if ident is not None else None, error="no 'text' field")
    return TextItem(line, text=text, id=str(ident) if ident is not None else None,
                    lang_hint=hint if isinstance(hint, str) else None)
