"""Flags shared by several commands, folded into the one typed ``Settings`` object."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from streams.settings import DetectionSettings, Settings

if TYPE_CHECKING:
    from pydantic import ValidationError


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--broker, --schema-registry, --brands: flags win over SNOWBALL_* environment variables."""
    func = click.option("--brands", "brands_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="Brands YAML file. [env SNOWBALL_BRANDS_FILE]")(func)
    return broker_options(func)


def broker_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--broker, --schema-registry, for commands that only read or write topics."""
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
    from streams.io.csv_map import check_mapping

    try:
        check_mapping(mapping)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from None
    return mapping


def writable_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Click callback for an output file: its directory must exist and be writable, checked before any work."""
    if value is None:
        return None
    directory = value.parent
    if not directory.is_dir():
        raise click.BadParameter(f"no directory {directory} to write {value.name} in", ctx=ctx, param=param)
    if not os.access(directory, os.W_OK) or (value.exists() and not os.access(value, os.W_OK)):
        raise click.BadParameter(f"cannot write {value}", ctx=ctx, param=param)
    return value


def detection_settings(pairs: tuple[str, ...], base: DetectionSettings) -> DetectionSettings:
    """``--set NAME=VALUE ...`` on top of ``base`` (the environment's), validated as ``DetectionSettings``."""
    from pydantic import ValidationError

    values: dict[str, Any] = base.model_dump()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        values[name.strip()] = value.strip()
    try:
        return DetectionSettings.model_validate(values)
    except ValidationError as exc:
        known = ", ".join(DetectionSettings.model_fields)
        raise click.BadParameter(f"{describe_errors(exc)} (settings: {known})", param_hint="--set") from None


def describe_errors(exc: ValidationError, env_prefix: str | None = None) -> str:
    """A pydantic ValidationError in one line: where (as the environment variable when ``env_prefix`` is given)
    and what."""
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        where = (env_prefix + "__".join(loc).upper()) if env_prefix and loc else ".".join(loc) or "settings"
        got = f" (got {error['input']!r})" if loc and isinstance(error.get("input"), str | int | float) else ""
        problems.append(f"{where}: {error['msg']}{got}")
    return "; ".join(problems)
