"""snowball demo: the main job on an embedded broker, with a scripted scenario; exits by itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from streams.cli.options import build_settings, settings_options


@click.command(name="demo")
@settings_options
@click.option("--scenario", default="demo", show_default=True, help="Scenario to play (snowball simulate --list).")
@click.option("--seed", default=7, show_default=True, help="Random seed of the scenario.")
@click.option("--duration", default=120.0, show_default=True, help="Give up after this many seconds.")
@click.option("--log-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the worker and broker logs go (default: a new temporary directory).")
@click.option("--all-alerts", is_flag=True,
              help="Print every alert as it comes, community-manager alerts too (default: snowball alerts).")
def command(scenario: str, seed: int, duration: float, log_dir: Path | None, all_alerts: bool,
            **flags: object) -> None:
    """Start a broker, the worker and a scenario of French and English mentions; print the alerts.

    Exits 0 when the snowballing brand got an alert and the brand with only sporadic critics did
    not, 1 otherwise.
    """
    from streams.demo import run_demo
    from streams.scenarios import SCENARIOS

    if scenario not in SCENARIOS:
        raise click.BadParameter(f"unknown scenario {scenario!r}", param_hint="--scenario")
    settings = build_settings(**flags)
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    result = run_demo(settings, scenario, seed, duration, echo=click.echo, log_dir=log_dir, all_alerts=all_alerts)
    ok, lines = result.verdict()
    click.echo("")
    click.echo(f"summary after {result.seconds:.0f}s ({result.classified}/{result.expected_classified} "
               f"mentions classified, {len(result.alerts)} alert updates):")
    for line in lines:
        click.echo(f"  {line}")
    if not all_alerts:
        click.echo("  (community-manager alerts are counted above; --all-alerts prints each one)")
    sys.exit(0 if ok else 1)
