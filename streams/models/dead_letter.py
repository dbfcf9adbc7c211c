"""A record the pipeline could not process, kept with the reason and its original bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streams.models.mention import shallow_record


@dataclass(slots=True)
class DeadLetter:
    stage: str  # enrich, classify, detect, ingest
    reason: str  # fixed enum-like code, safe as a metric label
    error: str  # human-readable detail
    topic: str
    partition: int
    offset: int
    failed_at: int  # wall-clock epoch ms when it was dead-lettered
    key: bytes | None = None
    value: bytes | None = None

    def to_record(self) -> dict[str, Any]:
        return shallow_record(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> DeadLetter:
        return cls(**record)
