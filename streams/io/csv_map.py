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
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from streams.models import InvalidMention

TABLE_SUFFIXES = (".csv", ".tsv")  # files read as tables, which need a column map


def read_mapped_csv(path: Path | str,
                    mapping: dict[str, str]) -> Iterator[tuple[int, dict[str, Any] | InvalidMention]]:
    check_mapping(mapping)
    bad_lines: set[int] = set()
    delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else ","
    with open(path, "rb") as handle:
        for first, last, row in table_rows(path, _strict_lines(handle, bad_lines), delimiter, mapping.values()):
            if isinstance(row, str):
                yield last, InvalidMention("unreadable_row", row)
                continue
            if bad_lines and any(n in bad_lines for n in range(first, last + 1)):
                # Latin-1 and other encodings are refused, as ingest refuses them, not read as U+FFFD.
                yield last, InvalidMention("invalid_utf8", f"line {first}: not UTF-8")
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
            yield last, obj


def table_rows(path: Path | str, lines: Iterable[str], delimiter: str,
               columns: Iterable[str]) -> Iterator[tuple[int, int, dict[str | None, Any] | str]]:
    """(first line, last line, row) of CSV or TSV text, once its header is checked to have ``columns``.

    A header that cannot be read, an empty file or a missing column raise ``ValueError`` before any row (a wrong
    file or command line); a row the reader cannot read comes as the reason why, so the rows after it are read.
    """
    counted = CountedLines(lines)
    reader = csv.DictReader(counted, delimiter=delimiter, strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ValueError(f"{path}: unreadable header: {exc}") from None
    if not header:
        raise ValueError(f"{path}: empty file, no header row")
    missing = sorted({column for column in columns if column not in header})
    if missing:
        hint = "; it looks like JSON lines, which need no --map" if header[0].lstrip().startswith(("{", "[")) else ""
        raise ValueError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(header)}){hint}")
    while True:
        first = counted.count + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a quote left open, a stray quote, a field over the size limit, a NUL byte...
            yield first, counted.count, row_error(exc, first, counted.count)
            continue
        yield first, counted.count, row


class CountedLines:
    """The lines of an iterable, counting how many the CSV reader took (its own ``line_num`` lags on errors)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.count = 0

    def __iter__(self) -> CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


def row_error(exc: csv.Error, first: int, last: int) -> str:
    """What a CSV reader error means for the user, with the lines it concerns.

    In strict mode a quote left open ends in an error: at the end of the file, at the next quote (a delimiter
    expected after it) or at the field size limit; the lines it took in are named, as they are lost with it.
    """
    lines = f"line {first}" if last <= first else f"lines {first}-{last}"
    if "unexpected end of data" in str(exc):
        return f"a quote opened on line {first} is not closed: {lines}, to the end of the file, were read into it"
    if last > first:
        return f"{lines}: unreadable CSV row ({exc}): a quote opened on line {first} may not be closed"
    return f"{lines}: unreadable CSV row: {exc}"


def check_mapping(mapping: dict[str, str]) -> None:
    """A field cannot be both a value and the parent of others (``text`` and ``text.x``)."""
    fields = set(mapping)
    for name in fields:
        parts = name.split(".")
        for i in range(1, len(parts)):
            if ".".join(parts[:i]) in fields:
                raise ValueError(f"--map gives both {'.'.join(parts[:i])} and {name}: a field is a value or has "
                                 f"fields, not both")


def _strict_lines(handle: IO[bytes], bad_lines: set[int]) -> Iterator[str]:
    """Text lines of a byte stream: strict UTF-8 (a byte-order mark dropped); a line that is not UTF-8 is read
    with replacement characters, so the CSV reader keeps its place, and its number goes into ``bad_lines``."""
    for number, raw in enumerate(_byte_lines(handle), start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.add(number)
            yield raw.decode("utf-8", errors="replace")


def _byte_lines(handle: IO[bytes]) -> Iterator[bytes]:
    """Lines ending at \n (or \r\n); in a file whose lines end at a lone \r (old Mac exports), at \r.

    Which one is decided once, by the endings the file's start has most of: in a file of \n lines, a \r is
    text, as editors and ``wc -l`` count it. The \r split goes through a Latin-1 view, which maps each byte to
    one character, so every line is its bytes back (no UTF-8 sequence holds a \r or \n byte).
    """
    head = handle.read(1 << 16)
    handle.seek(0)
    crlf = head.count(b"\r\n")
    if head.count(b"\r") - crlf <= head.count(b"\n"):
        yield from handle
        return
    for text in io.TextIOWrapper(handle, encoding="latin-1", newline="\r"):
        yield text.encode("latin-1")
