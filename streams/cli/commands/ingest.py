"""snowball ingest: send mentions from a file into mentions.raw (JSON lines, platform payloads, or CSV)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from streams.cli.options import build_settings, parse_map, settings_options

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

    Records that are not valid mentions are reported with their line number and sent to the
    dead-letter topic (stage "ingest") with the reason and their original bytes: nothing is
    silently lost.
    """
    from streams.app import build_codecs
    from streams.io.csv_map import TABLE_SUFFIXES
    from streams.io.readers import read_mentions
    from streams.kafka.clients import DeliveryFailed, make_producer, produce_all
    from streams.models import DeadLetter

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
    bad: list[tuple[bytes | None, bytes]] = []
    try:
        results = list(read_mentions(file, columns if as_csv else None, source_format, now_ms=now_ms))
    except ValueError as exc:  # an empty or headless table, a mapped column it lacks: a wrong file or command line
        raise click.UsageError(str(exc)) from None
    if file_format == "auto" and not as_csv and len(results) > 1:
        _refuse_a_single_document(file)
    mentions = [result.mention for result in results if result.mention is not None]
    # A file is history: produced in event time (exports often run newest first), the worker sees it as it
    # happened, not as late mentions it leaves out.
    mentions.sort(key=lambda mention: mention.event_order)
    good = [(mention.id.encode(), codecs.raw.encode(mention.to_record())) for mention in mentions]
    for result in (r for r in results if r.mention is None):
        click.echo(f"{file}:{result.line}: {result.error}", err=True)
        letter = DeadLetter(stage="ingest", reason=result.error.reason, error=str(result.error), topic=str(file),
                            partition=0, offset=result.line, failed_at=now_ms, key=None, value=result.original)
        bad.append((None, codecs.dead_letter.encode(letter.to_record())))
    producer = make_producer(settings.broker)
    try:
        sent = produce_all(producer, settings.topics.raw, good)
        if bad:
            produce_all(producer, settings.topics.dead_letter, bad)
    except DeliveryFailed as exc:
        raise click.ClickException(f"broker {settings.broker}: {exc} (is it running and reachable?)") from None
    click.echo(f"ingested {sent} mentions into {settings.topics.raw}; {len(bad)} invalid "
               f"{'record' if len(bad) == 1 else 'records'} sent to {settings.topics.dead_letter}", err=True)


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
