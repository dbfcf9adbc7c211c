"""snowball simulate: write a scenario's mentions to a JSON-lines file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from streams.cli.options import writable_file


@click.command(name="simulate")
@click.option("--scenario", default="demo", show_default=True, help="Scenario name (see --list).")
@click.option("--seed", default=7, show_default=True, help="Random seed: the same seed gives the same mentions.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), callback=writable_file,
              help="Output file; default standard output.")
@click.option("--size", type=click.IntRange(min=1), help="Mentions to write: fewer cuts the scenario short, more "
              "repeats it back to back in event time (ids suffixed ~2, ~3...). Default: the scenario's own.")
@click.option("--list", "list_only", is_flag=True, help="List the scenarios with their mention counts and exit.")
def command(scenario: str, seed: int, out: Path | None, size: int | None, list_only: bool) -> None:
    """Write the mentions of a synthetic scenario as JSON lines (the raw-mention import format)."""
    from streams.io.jsonl import write_jsonl
    from streams.scenarios import SCENARIOS, build_scenario, sized

    if list_only:
        for spec in SCENARIOS.values():
            click.echo(f"{spec.name:16} {len(build_scenario(spec.name, seed=seed)):6} mentions  {spec.description}")
        return
    try:
        mentions = build_scenario(scenario, seed=seed)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--scenario") from None
    handle = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        chosen = sized(mentions, size) if size is not None else mentions
        count = write_jsonl((m.to_record() for m in chosen), handle)
    finally:
        if out:
            handle.close()
    click.echo(f"wrote {count} mentions of scenario {scenario!r}", err=True)
