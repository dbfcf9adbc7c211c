"""snowball ingest: send mentions from a file (JSON lines, or CSV with --map) into mentions.raw."""

from __future__ import annotations

import time
from pathlib import Path

import click

from streams.cli.options import build_settings, parse_map, settings_options


@click.command(name="ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@settings_options
@click.option("--map", "mapping", help="CSV input: FIELD=COLUMN,... (FIELD a raw-mention field, dotted for "
              "nested ones, e.g. id=tweet_id,text=text,created_at=tweet_created,author.handle=name).")
@click.option("--format", "file_format", type=click.Choice(["auto", "jsonl", "csv"]), default="auto",
              show_default=True, help="Input format; auto means CSV when --map is given or the name ends in .csv.")
def command(file: Path, mapping: str | None, file_format: str, **flags: object) -> None:
    """Validate each mention of FILE and produce it to the raw topic, keyed by mention id.

    Lines that are not valid mentions are reported with their line number and sent to the
    dead-letter topic (stage "ingest") with the reason, so nothing is silently lost.
    """
    from streams.app import build_codecs
    from streams.io.readers import read_mentions
    from streams.kafka.clients import make_producer, produce_all
    from streams.models import DeadLetter

    settings = build_settings(**flags)
    if not settings.broker:
        raise click.UsageError("ingest needs a broker: --broker HOST:PORT or SNOWBALL_BROKER")
    columns = parse_map(mapping)
    as_csv = file_format == "csv" or (file_format == "auto" and (bool(columns) or file.suffix.lower() == ".csv"))
    if as_csv and not columns:
        raise click.UsageError("CSV input needs --map FIELD=COLUMN,... (at least id, text and created_at)")
    codecs = build_codecs(settings)
    good: list[tuple[bytes, bytes]] = []
    bad: list[tuple[bytes | None, bytes]] = []
    for line_no, mention, error in read_mentions(file, columns if as_csv else None):
        if error is None:
            good.append((mention.id.encode(), codecs.raw.encode(mention.to_record())))
            continue
        click.echo(f"{file}:{line_no}: {error}", err=True)
        letter = DeadLetter(stage="ingest", reason=error.reason, error=str(error), topic=str(file), partition=0,
                            offset=line_no, failed_at=int(time.time() * 1000), key=None, value=None)
        bad.append((None, codecs.dead_letter.encode(letter.to_record())))
    producer = make_producer(settings.broker)
    sent = produce_all(producer, settings.topics.raw, good)
    if bad:
        produce_all(producer, settings.topics.dead_letter, bad)
    click.echo(f"ingested {sent} mentions into {settings.topics.raw}; {len(bad)} invalid "
               f"{'line' if len(bad) == 1 else 'lines'} sent to {settings.topics.dead_letter}", err=True)
