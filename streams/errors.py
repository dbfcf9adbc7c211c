"""Errors of the user's configuration, which every command reports as one line, never a traceback."""

from __future__ import annotations


class ConfigError(ValueError):
    """A file, directory or setting the user gave cannot be used; the message names it and says why."""


class BrokerUnreachable(ConfigError):
    """No server of the configured bootstrap list accepts a connection."""
