"""Alerts the detector emits for ops teams and community managers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from streams.models.mention import shallow_record


class AlertKind(StrEnum):
    SNOWBALL = "snowball"
    UNANSWERED_COMPLAINT = "unanswered_complaint"  # one per brand: the complaints past the answer deadline
    REPEAT_CRITIC = "repeat_critic"
    HIGH_REACH_NEGATIVE = "high_reach_negative"
    PERSONAL_DATA_REQUEST = "personal_data_request"  # a brand account asked a customer for personal data in public
    BRAND_SILENCE = "brand_silence"  # a wave is open and the brand has said nothing in public


# The kinds for community managers (their own receiver), as against the snowball pages of the on-call team.
COMMUNITY_KINDS = frozenset(AlertKind) - {AlertKind.SNOWBALL}


class Severity(StrEnum):
    WATCH = "watch"
    WARNING = "warning"
    CRITICAL = "critical"
    RESOLVED = "resolved"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.RESOLVED: 0, Severity.WATCH: 1, Severity.WARNING: 2, Severity.CRITICAL: 3}


@dataclass(slots=True)
class Alert:
    """One update of an alert episode: same ``alert_id`` from open to resolution."""

    alert_id: str
    kind: AlertKind
    brand_id: str
    severity: Severity
    opened_at: int  # event time of the episode's first alert, epoch ms
    event_time: int  # event time of this update, epoch ms
    topic: str | None = None
    score: float = 0.0
    summary: str = ""
    signals: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    top_terms: list[str] = field(default_factory=list)
    mention_ids: list[str] = field(default_factory=list)
    author_id: str | None = None
    # What a snowball is about: its emerging terms grouped by the posts they share, largest share first,
    # each {"terms": [...], "share": part of the hour's sampled negative posts carrying one of them}.
    term_clusters: list[dict[str, Any]] = field(default_factory=list)
    # The complaints an unanswered-complaints alert lists, oldest first, each {"mention_id", "author_id",
    # "complained_at", "hours_waited", "url", "text"}.
    complaints: list[dict[str, Any]] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        record = shallow_record(self)
        record["kind"] = str(self.kind)
        record["severity"] = str(self.severity)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Alert:
        return cls(
            **{**record, "kind": AlertKind(record["kind"]), "severity": Severity(record["severity"])}
        )
