"""snowball backtest: the streaming detector run offline over history, with alerts and a report."""

from __future__ import annotations

from pathlib import Path

import click

from streams.cli.options import detection_settings, parse_map, writable_file


@click.command(name="backtest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "map_spec", help="CSV columns: FIELD=COLUMN,... (FIELD dotted for nested, e.g. author.id).")
@click.option("--brands", "brands_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Brands YAML file; default the sample brands. [env SNOWBALL_BRANDS_FILE]")
@click.option("--sentiment-column", help="Use this column's gold sentiment instead of the classifier's (when every "
              "row has one, no model runs and every gold negative counts as a complaint to answer).")
@click.option("--model", "--model-dir", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Classifier model directory; default the built-in model.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, callback=writable_file,
              help="Alerts, JSON lines.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), callback=writable_file,
              help="Self-contained HTML report.")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Processes for detection, the brands split between them (0: one per CPU); same alerts.")
@click.option("--set", "detection_set", multiple=True, metavar="NAME=VALUE",
              help="A detection setting for this run, e.g. answer_deadline_minutes=90 (repeatable; README, "
                   "Configuration). [env SNOWBALL_DETECTION__NAME]")
def command(file: Path, map_spec: str | None, brands_file: Path | None, sentiment_column: str | None,
            model_dir: Path | None, out: Path, report: Path | None, workers: int,
            detection_set: tuple[str, ...]) -> None:
    """Replay FILE (JSON lines of raw mentions, or CSV with --map) through enrichment, classification and detection."""
    from streams.backtest.report import write_report
    from streams.backtest.runner import run_backtest, write_alerts
    from streams.backtest.summary import as_text, summarise
    from streams.errors import ConfigError
    from streams.settings import Settings

    mapping = parse_map(map_spec)
    settings = Settings()
    config = detection_settings(detection_set, settings.detection).to_config()
    brands = brands_file or settings.brands_file
    try:
        result = run_backtest(file, brands, mapping or None, sentiment_column, model_dir, config=config,
                              workers=workers)
    except ConfigError:
        raise  # a brands file or model that cannot be used: one line, exit 1 (streams.cli.main)
    except ValueError as exc:  # the file or --map given does not fit: a wrong command line
        raise click.UsageError(str(exc)) from None
    count = write_alerts(result.alerts, out)
    if report:
        write_report(result, report, title=f"Snowball backtest of {file.name}")
    stats = result.detector_totals()
    reasons = ", ".join(f"{n} {reason}" for reason, n in result.invalid_reasons.items())
    invalid = f"{result.invalid} invalid record{'' if result.invalid == 1 else 's'}{f' ({reasons})' if reasons else ''}"
    read = result.counts["read"]
    click.echo(
        f"{read} valid mention{'' if read == 1 else 's'} read, {invalid}, "
        f"{result.counts['unmatched']} matching no brand; {result.detected} brand mentions classified (one per "
        f"brand a mention names); detection {result.mentions_per_second:,.0f} mentions/s"
        f"{f' in {result.processes} processes' if result.processes > 1 else ''}; "
        f"{count} alert updates -> {out}; late {stats['late']}, duplicate ids {stats['duplicates']}, "
        f"no author {stats['no_author']}", err=True)
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    if result.invalid > len(result.problems):
        click.echo(f"  ... and {result.invalid - len(result.problems)} more invalid records", err=True)
    click.echo(as_text(summarise(result)), err=True)
    if not read:  # the outputs are written (empty) all the same, so a pipeline that reads them does not break
        raise click.ClickException(f"no valid mention in {file}")
