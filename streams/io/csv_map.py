"""CSV exports read as raw mentions through a column mapping (``--map FIELD=COLUMN,...``).

    read_mapped_csv(path: Path | str, mapping: dict[str, str]) -> Iterator[tuple[int, dict[str, Any] | ValueError]]

``mapping`` maps a raw-mention field (the names of ``schemas/snowball.RawMention.avsc``, dotted for nested
fields such as ``author.handle`` or ``engagement.reposts``) to a CSV column; ``streams.cli.options.parse_map``
builds it from the flag. Each data row gives ``(line number, object)`` where the object has the import format
that ``streams.models.parse_raw_mention`` validates (empty cells are left out), or ``(line number, ValueError)``
for a row the CSV reader could not read. A mapped column missing from the header raises ``ValueError`` at once,
before any row: that is a wrong command line, not bad data. A mapping key that is not a raw-mention field is
kept as is (a top-level key), so callers can carry extra columns such as a gold label along.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_mapped_csv(path: Path | str, mapping: dict[str, str]) -> Iterator[tuple[int, dict[str, Any] | ValueError]]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = sorted(column for column in mapping.values() if column not in header)
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(header)})")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, ValueError(f"unreadable CSV row: {exc}")
                continue
            obj: dict[str, Any] = {}
            for field, column in mapping.items():
                value = row.get(column)
                if value is None or value == "":
                    continue
                target = obj
                *parents, leaf = field.split(".")
                for parent in parents:
                    target = target.setdefault(parent, {})
                target[leaf] = value
            yield reader.line_num, obj
