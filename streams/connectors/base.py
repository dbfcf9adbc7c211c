"""What a source yields and the errors it raises: the contract between sources and the runner."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

# Error kinds: the fixed label values of snowball_connector_errors_total.
ERROR_KINDS = ("rate_limited", "server_error", "connection", "timeout", "protocol", "delivery")


@dataclass(frozen=True, slots=True)
class Item:
    """One platform item: its platform id and the decoded payload the source adapter maps.

    ``error`` is set instead of ``payload`` when the platform sent something that is not even a
    payload (not JSON...): the runner dead-letters ``original`` with that reason.
    """

    id: str
    payload: Any = None
    original: bytes | None = None
    error: Exception | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """Items in the platform's order, and the position to resume from once they are all produced."""

    items: list[Item]
    position: str | None = None


def digest_id(original: bytes) -> str:
    """An id for something the platform sent without a usable one: the same bytes give the same id, so a
    replay of a malformed item is not dead-lettered twice."""
    return "sha256:" + hashlib.sha256(original).hexdigest()[:32]


class ConnectorError(Exception):
    """Base of what a source raises."""


class CredentialRejected(ConnectorError):
    """The platform refused the credential (401/403): retrying cannot help, the connector stops."""


class SourceConfigError(ConnectorError):
    """The platform says what was asked for does not exist (404 on a feed, an unknown list)."""


class TransientError(ConnectorError):
    """Worth retrying after a pause: a dropped stream, a 5xx, a timeout, a 429.

    ``kind`` is one of ``ERROR_KINDS``; ``retry_after`` (seconds) is the platform's own wait when it
    gave one (``Retry-After``, rate-limit reset headers).
    """

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.retry_after = retry_after


class Source(Protocol):
    """A platform connection. ``connector_id`` names its cursor; ``source`` is the metric label (fixed)."""

    connector_id: str
    source: str
    adapter: str  # key of streams.sources.ADAPTERS that maps one item's payload

    def batches(self, position: str | None) -> AsyncIterator[Batch]:
        """Batches from ``position`` (None: from now, or what the platform gives first), forever for a stream.

        Raises ``TransientError`` when the connection drops (the runner reconnects from the last
        confirmed position), ``CredentialRejected`` or ``SourceConfigError`` to stop.
        """
        ...
