"""snowball ingest: send mentions from a file into mentions.raw (JSON lines, platform payloads, or CSV)."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from streams.cli.options import build_settings, parse_map, settings_options

if TYPE_CHECKING:
    from streams.io.readers import ReadResult

FORMATS = ["auto", "jsonl", "csv", "twitter-v2", "mastodon", "reddit"]


@click.command(name="ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@settings_options
@click.option("--map", "mapping", help="CSV input: FIELD=COLUMN,... (FIELD a raw-mention field, dotted for "
              "nested ones, e.g. id=tweet_id,text=text,created_at=tweet_created,author.handle=name).")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="jsonl: the import format; csv: with --map; twitter-v2, mastodon, reddit: API payloads "
                   "(one per line, or one document); auto: csv with --map or a .csv/.tsv name, else jsonl.")
def command(file: Path, mapping: str | None, file_format: str, **flags: object) -> None:
    """Validate each mention of FILE and produce it to the raw topic, keyed by mention id, in event-time order
    (by created_at, whatever the file's order: the worker judges history as it happened).

    Records that are not valid mentions are sent to the dead-letter topic (stage "ingest") with the
    reason, the file and line, and their original bytes: nothing is silently lost. The first ten are
    reported with their line number, and all of them counted by reason. Exits 1 when the file has
    no valid mention.
    """
    from streams.app import build_codecs
    from streams.io.csv_map import TABLE_SUFFIXES
    from streams.io.readers import read_mentions
    from streams.io.sorted_spill import SpillingSorter
    from streams.kafka import clients

    settings = build_settings(**flags)
    if not settings.broker:
        raise click.UsageError("ingest needs a broker: --broker HOST:PORT or SNOWBALL_BROKER")
    columns = parse_map(mapping)
    tabular = file.suffix.lower() in TABLE_SUFFIXES
    as_csv = file_format == "csv" or (file_format == "auto" and (bool(columns) or tabular))
    if as_csv and not columns:
        raise click.UsageError("CSV input needs --map FIELD=COLUMN,... (at least id, text and created_at)")
    source_format = file_format if file_format not in ("auto", "jsonl", "csv") else None
    codecs = build_codecs(settings)
    now_ms = int(time.time() * 1000)
    results = read_mentions(file, columns if as_csv else None, source_format, now_ms=now_ms)
    try:
        first = next(results, None)  # the file's own mistakes are said before the broker's
    except ValueError as exc:  # an empty or headless table, a mapped column it lacks: a wrong file or command line
        raise click.UsageError(str(exc)) from None
    if first is not None and first.error is not None and first.error.reason == "not_json" \
            and file_format == "auto" and not as_csv:
        _refuse_a_single_document(file)
    clients.check_reachable(settings.broker)
    # A file is history: produced in event time (exports often run newest first), the worker sees it as it
    # happened, not as late mentions it leaves out. The file is read once; what does not fit in memory waits
    # on disk in sorted runs, and invalid records go to the dead-letter topic as they are read.
    good = SpillingSorter()
    bad = InvalidRecords(file, settings.topics.dead_letter, now_ms, codecs.dead_letter.encode)

    def letters() -> Iterator[tuple[bytes | None, bytes]]:
        for result in itertools.chain([first] if first is not None else [], results):
            if result.mention is not None:
                good.add(result.mention.event_order, result.mention.id.encode(),
                         codecs.raw.encode(result.mention.to_record()))
            else:
                yield bad.letter(result)

    producer = clients.make_producer(settings.broker)
    try:
        clients.produce_all(producer, settings.topics.dead_letter, letters())
        sent = clients.produce_all(producer, settings.topics.raw, ((k, v) for _, k, v in good))
    except clients.DeliveryFailed as exc:
        raise click.ClickException(f"broker {settings.broker}: {exc} (is it running and reachable?)") from None
    bad.report()
    if not sent:
        found = (f"{bad.count} invalid {'record' if bad.count == 1 else 'records'} ({bad.reasons()}), sent to "
                 f"{settings.topics.dead_letter}") if bad.count else "it has no record"
        raise click.ClickException(f"no valid mention in {file}: {found}")
    click.echo(f"ingested {sent} mentions into {settings.topics.raw}; {bad.count} invalid "
               f"{'record' if bad.count == 1 else 'records'} sent to {settings.topics.dead_letter}"
               + (f" ({bad.reasons()})" if bad.count else ""), err=True)


class InvalidRecords:
    """The file's invalid records: each a dead letter naming the file, the first few also on the terminal,
    all of them counted by reason."""

    SHOWN = 10

    def __init__(self, file: Path, topic: str, now_ms: int, encode: Callable[[dict], bytes]) -> None:
        self.file, self.topic, self.now_ms, self.encode = file, topic, now_ms, encode
        self.source = str(file.resolve())  # the file wherever the command was typed, not the path as typed
        self.by_reason: Counter[str] = Counter()

    @property
    def count(self) -> int:
        return sum(self.by_reason.values())

    def letter(self, result: ReadResult) -> tuple[bytes | None, bytes]:
        from streams.models import DeadLetter

        if self.count < self.SHOWN:
            click.echo(f"{self.file}:{result.line}: {result.error}", err=True)
        self.by_reason[result.error.reason] += 1
        letter = DeadLetter(stage="ingest", reason=result.error.reason, error=str(result.error), topic=self.source,
                            partition=0, offset=result.line, failed_at=self.now_ms, key=None, value=result.original)
        return None, self.encode(letter.to_record())

    def reasons(self) -> str:
        return ", ".join(f"{reason} {count}" for reason, count in self.by_reason.most_common())

    def report(self) -> None:
        if self.count > self.SHOWN:
            click.echo(f"... and {self.count - self.SHOWN} more invalid records, all in {self.topic}", err=True)


def _refuse_a_single_document(file: Path) -> None:
    """A file of several lines that is one JSON document is pretty-printed (an API payload), not JSON lines."""
    import json

    try:
        json.loads(file.read_bytes())
    except ValueError:
        return  # JSON lines (or not JSON): each bad line goes to the dead-letter topic with its reason
    raise click.UsageError(f"{file} is one JSON document over several lines, not JSON lines: for an API payload "
                           f"give its platform (--format twitter-v2, mastodon or reddit); for mentions in the "
                           f"import format, one per line")
