"""Entry point: ``snowball <command> --help`` for every command."""

from __future__ import annotations

import importlib
import pkgutil

import click

from streams.cli import commands


class _DiscoveredCommands(click.Group):
    """Subcommands are the ``command`` objects of the modules in ``streams.cli.commands``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(commands.__path__))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        try:
            module = importlib.import_module(f"{commands.__name__}.{name.replace('-', '_')}")
        except ModuleNotFoundError:
            return None
        return getattr(module, "command", None)

    def invoke(self, ctx: click.Context) -> object:
        from confluent_kafka import KafkaException
        from pydantic import ValidationError

        from streams.cli.options import describe_errors
        from streams.errors import ConfigError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:  # a brands file, model directory... that cannot be used: say which and why
            raise click.ClickException(str(exc)) from None
        except KafkaException as exc:  # the broker refused or did not answer a request the command needed
            error = exc.args[0] if exc.args else exc
            raise click.ClickException(f"Kafka: {error.str() if hasattr(error, 'str') else error}") from None
        except ValidationError as exc:
            if exc.title != "Settings":
                raise
            # A bad SNOWBALL_* value or flag: say which and why, not a traceback.
            raise click.ClickException(f"invalid setting: {describe_errors(exc, 'SNOWBALL_')}") from None


@click.group(cls=_DiscoveredCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="snowball-streams")
def cli() -> None:
    """Snowball: catch a growing wave of negative sentiment about a brand before it becomes a crisis."""


if __name__ == "__main__":  # ``python -m streams.cli.main``: how the demo starts its worker
    cli()
