"""Labelled mentions from CSV, TSV or JSON-lines files, for training and evaluation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from streams.io.csv_map import table_rows
from streams.io.label_log import is_label_log, resolve
from streams.models import Sentiment

_LABEL_NAMES = {
    "negative": Sentiment.NEGATIVE, "neg": Sentiment.NEGATIVE, "negatif": Sentiment.NEGATIVE,
    "négatif": Sentiment.NEGATIVE, "-1": Sentiment.NEGATIVE,
    "neutral": Sentiment.NEUTRAL, "neu": Sentiment.NEUTRAL, "neutre": Sentiment.NEUTRAL,
    "objective": Sentiment.NEUTRAL,
    "positive": Sentiment.POSITIVE, "pos": Sentiment.POSITIVE, "positif": Sentiment.POSITIVE,
    "+1": Sentiment.POSITIVE,
}
# Numeric labels: 0/1 is negative/positive; 0/1/2 is negative/neutral/positive (the usual benchmark encodings).
_BINARY = {"0": Sentiment.NEGATIVE, "1": Sentiment.POSITIVE}
_TERNARY = {"0": Sentiment.NEGATIVE, "1": Sentiment.NEUTRAL, "2": Sentiment.POSITIVE}


@dataclass(frozen=True, slots=True)
class LabelledTexts:
    texts: list[str]
    labels: list[Sentiment]
    skipped: int  # rows without text or with a label that names no sentiment


UNREADABLE = "__unreadable__"  # the key of a row the CSV reader could not read, with the reason
LINE = "__line__"  # the line a row ends on (a CSV row may span several)


def read_rows(path: Path, mapping: dict[str, str] | None = None) -> Iterator[dict[str, object]]:
    """Rows of a .jsonl/.json-lines, .tsv or .csv file, with ``mapping`` (field -> column) renaming columns.

    A mapped column missing from a CSV or TSV header raises ``ValueError`` before any row (a wrong command line);
    a row the CSV reader cannot read is ``{UNREADABLE: reason}``, so the rows that follow are still read.
    """
    mapping = mapping or {}
    suffix = path.suffix.lower()
    # utf-8-sig: a byte-order mark (Excel, Windows editors) would otherwise become part of the first column's name
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        if suffix in (".jsonl", ".json", ".ndjson"):
            rows: Iterator[dict[str, object]] = (
                {**obj, LINE: number} for number, line in enumerate(handle, start=1)
                if line.strip() and isinstance(obj := _json_or_none(line), dict)
            )
        else:
            rows = _csv_rows(path, handle, "\t" if suffix == ".tsv" else ",", mapping)
        for row in rows:
            yield {**row, **{field: row.get(column) for field, column in mapping.items()}}


def _csv_rows(path: Path, handle: IO[str], delimiter: str, mapping: dict[str, str]) -> Iterator[dict[str, object]]:
    for _, last, row in table_rows(path, handle, delimiter, mapping.values()):
        yield {UNREADABLE: row, LINE: last} if isinstance(row, str) else {**row, LINE: last}


def read_labelled(path: Path, mapping: dict[str, str] | None = None) -> LabelledTexts:
    """Texts and sentiment labels from the ``text`` and ``label`` fields (rename columns with ``mapping``)."""
    rows = list(read_rows(path, mapping))
    if rows and not any("label" in row for row in rows):
        fields = sorted({str(k) for row in rows[:100] for k in row if k not in (UNREADABLE, LINE)})
        raise ValueError(f"{path}: no label field or column (found: {', '.join(fields)}; the first line is the "
                         f"header); name it with --map label=COLUMN")
    if rows and is_label_log(rows[0]):  # written by ``snowball label``: undos and relabels resolved first
        raw = [(text, label) for text, label in resolve(rows).values()]
    else:
        raw = [(row.get("text"), str(row.get("label", "")).strip()) for row in rows]
    names = {label for _, label in raw}
    numeric = _BINARY if names <= set(_BINARY) else _TERNARY if names <= set(_TERNARY) else {}
    texts, labels, skipped = [], [], 0
    for text, name in raw:
        label = numeric.get(name) or _LABEL_NAMES.get(name.lower())
        if not isinstance(text, str) or not text.strip() or label is None:
            skipped += 1
            continue
        texts.append(text)
        labels.append(label)
    return LabelledTexts(texts, labels, skipped)


def _json_or_none(line: str) -> object:
    try:
        return json.loads(line)
    except ValueError:
        return None
