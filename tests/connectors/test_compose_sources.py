"""The live-source services of docker-compose.yml: off by default, real commands, credentials as secrets."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from streams.cli.main import cli

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SOURCES = {"webhook", "connect-mastodon", "connect-bluesky", "connect-rss", "connect-twitter", "connect-reddit"}


def argv(service: dict) -> list[str]:
    command = service["command"]
    if service.get("entrypoint"):  # sh -ec "exec snowball ..."
        words = shlex.split(command[0].replace("$$", "$"))
        return words[words.index("snowball") + 1:]
    return command


def test_source_services_are_behind_a_profile_and_run_commands_that_exist():
    services = COMPOSE["services"]
    assert SOURCES <= set(services)
    for name in SOURCES:
        service = services[name]
        assert service["profiles"] == ["sources"], name
        args = argv(service)
        help_result = CliRunner().invoke(cli, [*args[:2], "--help"] if args[0] == "connect" else [args[0], "--help"])
        assert help_result.exit_code == 0, (name, help_result.output)
        for flag in (a for a in args if a.startswith("--")):
            assert flag in help_result.output, (name, flag)


def test_credentials_reach_the_services_as_secret_files_not_flags_or_environment():
    services = COMPOSE["services"]
    for name in ("webhook", "connect-twitter", "connect-reddit"):
        secrets = services[name]["secrets"]
        assert secrets and all(s in COMPOSE["secrets"] for s in secrets)
        assert all(f"/run/secrets/{s}" in " ".join(argv(services[name])) for s in secrets)
    text = yaml.safe_dump({n: services[n] for n in SOURCES})
    assert "TOKEN=" not in text and "SECRET=" not in text and "PASSWORD" not in text
