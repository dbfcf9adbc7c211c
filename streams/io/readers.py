"""Mentions from files: JSON lines in the import format, or CSV exports mapped with ``--map``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from streams.models import InvalidMention, RawMention, parse_raw_mention

MentionOrError = tuple[int, RawMention | None, InvalidMention | None]


def read_mentions(path: Path, csv_columns: dict[str, str] | None = None) -> Iterator[MentionOrError]:
    """(line number, mention, None) for each valid record, (line number, None, error) for each invalid one."""
    if csv_columns:
        from streams.io.csv_map import read_mapped_csv

        for line_no, row in read_mapped_csv(path, csv_columns):
            yield _validated(line_no, row)
        return
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield line_no, None, InvalidMention("not_json", str(exc))
                continue
            yield _validated(line_no, obj)


def _validated(line_no: int, obj: object) -> MentionOrError:
    if isinstance(obj, Exception):
        error = obj if isinstance(obj, InvalidMention) else InvalidMention("unreadable_row", str(obj))
        return line_no, None, error
    try:
        return line_no, parse_raw_mention(obj), None
    except InvalidMention as exc:
        return line_no, None, exc
