"""Flags shared by several commands, folded into the one typed ``Settings`` object."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from streams.settings import Settings


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--broker, --schema-registry, --brands: flags win over SNOWBALL_* environment variables."""
    func = click.option("--brands", "brands_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="Brands YAML file. [env SNOWBALL_BRANDS_FILE]")(func)
    func = click.option("--schema-registry", "schema_registry_url",
                        help="Confluent Schema Registry URL. [env SNOWBALL_SCHEMA_REGISTRY_URL]")(func)
    func = click.option("--broker", help="Kafka bootstrap servers. [env SNOWBALL_BROKER]")(func)
    return func


def build_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with every flag that was given on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def parse_map(value: str | None) -> dict[str, str]:
    """``--map FIELD=COLUMN,...`` -> {field: column}; FIELD may be dotted (author.handle)."""
    if not value:
        return {}
    mapping = {}
    for pair in value.split(","):
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
        mapping[field.strip()] = column.strip()
    return mapping
