"""Labelled mentions from CSV, TSV or JSON-lines files, for training and evaluation."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def read_rows(path: Path, mapping: dict[str, str] | None = None) -> Iterator[dict[str, object]]:
    """Rows of a .jsonl/.json-lines, .tsv or .csv file, with ``mapping`` (field -> column) renaming columns."""
    mapping = mapping or {}
    suffix = path.suffix.lower()
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        if suffix in (".jsonl", ".json", ".ndjson"):
            rows: Iterator[dict[str, object]] = (
                obj for line in handle if line.strip() and isinstance(obj := _json_or_none(line), dict)
            )
        else:
            rows = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
        for row in rows:
            yield {**row, **{field: row.get(column) for field, column in mapping.items()}}


def read_labelled(path: Path, mapping: dict[str, str] | None = None) -> LabelledTexts:
    """Texts and sentiment labels from the ``text`` and ``label`` fields (rename columns with ``mapping``)."""
    raw = [(row.get("text"), str(row.get("label", "")).strip()) for row in read_rows(path, mapping)]
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
