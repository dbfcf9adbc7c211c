"""snowball classify: label each mention of a file, one JSON line out per line in."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import click

from streams.cli.options import parse_map, writable_file

BATCH = 512


@click.command(name="classify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "mapping", help="For a CSV or TSV file: FIELD=COLUMN,... (text=..., optionally id=..., "
              "lang_hint=...). Without it FILE is JSON lines with a 'text' field.")
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Model directory (default: the built-in model).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), callback=writable_file,
              help="Output file; default standard output.")
def command(file: Path, mapping: str | None, model_dir: Path | None, out: Path | None) -> None:
    """Write one JSON line per input line: label, score, negative_score, intents, language, model.

    A line that cannot be read gets {"line": N, "error": "..."} instead, so outputs and inputs line up.
    """
    from streams.classification import load_classifier
    from streams.io.csv_map import TABLE_SUFFIXES
    from streams.io.jsonl import write_jsonl
    from streams.io.texts import read_texts

    columns = parse_map(mapping)
    if not columns and file.suffix.lower() in TABLE_SUFFIXES:
        raise click.UsageError(f"{file}: a CSV or TSV file needs --map text=COLUMN (and optionally id=, lang_hint=)")
    items = read_texts(file, columns)
    try:  # a map without text, a missing column, an unreadable header: say so before writing anything
        first = list(itertools.islice(items, 1))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    classifier = load_classifier(model_dir)
    handle = open(out, "w", encoding="utf-8") if out else sys.stdout
    count = errors = 0
    try:
        batch: list = []
        for item in itertools.chain(first, items):
            batch.append(item)
            if len(batch) >= BATCH:
                count, errors = _flush(classifier, batch, handle, write_jsonl, count, errors)
        count, errors = _flush(classifier, batch, handle, write_jsonl, count, errors)
    finally:
        if out:
            handle.close()
    click.echo(f"classified {count} mentions with {classifier.name} {classifier.version}"
               f"{f'; {errors} unreadable lines' if errors else ''}", err=True)
    if errors and not count:
        raise click.ClickException(f"no readable text in {file}: every line was refused (see the \"error\" fields)")


def _flush(classifier, batch, handle, write_jsonl, count: int, errors: int) -> tuple[int, int]:
    readable = [item for item in batch if item.error is None]
    labels = iter(classifier.classify([i.text for i in readable], [i.lang_hint for i in readable]))
    records = []
    for item in batch:
        if item.error is not None:
            records.append({"line": item.line, "id": item.id, "error": item.error})
            errors += 1
            continue
        c = next(labels)
        records.append({"line": item.line, "id": item.id, "label": str(c.sentiment), "score": c.score,
                        "negative_score": c.negative_score, "intents": c.intents, "language": c.language,
                        "model": c.model, "model_version": c.model_version, **({"reason": c.reason} if c.reason
                                                                               else {})})
        count += 1
    write_jsonl(records, handle)
    batch.clear()
    return count, errors
