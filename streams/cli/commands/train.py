"""snowball train: fit a sentiment model on labelled mentions and save it to a model directory."""

from __future__ import annotations

from pathlib import Path

import click

from streams.cli.options import parse_map


@click.command(name="train")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Model directory to write (model.json + model.joblib).")
@click.option("--map", "mapping", help="FIELD=COLUMN,... naming the text and label columns, e.g. "
              "text=tweet,label=airline_sentiment (default columns: text, label).")
@click.option("--name", default="snowball-trained", show_default=True, help="Model name written in each label.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the solver.")
def command(data: Path, out_dir: Path, mapping: str | None, name: str, seed: int) -> None:
    """Train a model on DATA (CSV, TSV or JSON lines with a text and a sentiment label per row).

    Labels may be negative/neutral/positive (or neg/neu/pos, French names), 0/1 (negative/positive) or 0/1/2
    (negative/neutral/positive). Load the result with --model OUT in the worker, classify and backtest.
    """
    from datetime import date

    from streams.classification.learned import build_pipeline
    from streams.classification.loading import save_sklearn_model
    from streams.io.labelled import read_labelled

    try:
        labelled = read_labelled(data, parse_map(mapping))
    except ValueError as exc:  # a missing column or label field: the command line names the wrong thing
        raise click.UsageError(str(exc)) from None
    classes = sorted({str(label) for label in labelled.labels})
    if len(classes) < 2:
        raise click.ClickException(f"{data}: need at least two sentiment classes, found {classes or 'none'} "
                                   f"({labelled.skipped} rows skipped: no text or unknown label)")
    pipeline = build_pipeline(seed=seed, rows=len(labelled.texts))
    pipeline.fit(labelled.texts, [str(label) for label in labelled.labels])
    save_sklearn_model(pipeline, out_dir, name=name, version=date.today().isoformat(),
                       provenance={"trained_on": data.name, "rows": len(labelled.texts), "skipped": labelled.skipped})
    click.echo(f"trained {name} on {len(labelled.texts)} mentions ({', '.join(classes)}; "
               f"{labelled.skipped} rows skipped) -> {out_dir}", err=True)
