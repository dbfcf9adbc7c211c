"""The classifier interface every backend implements: batches in, one Classification each out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from streams.models import Classification


@runtime_checkable
class Classifier(Protocol):
    name: str
    version: str

    def classify(
        self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None
    ) -> list[Classification]:
        """One ``Classification`` per text, in order. Never raises on odd text."""
        ...
