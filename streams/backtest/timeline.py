"""Snowball episodes as a person reads them: when each level was reached, how long it lasted, what it was about."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from streams.models import Alert, AlertKind, Severity


def episodes(alerts: list[Alert], brand: str) -> dict[str, list[Alert]]:
    """The brand's snowball alert updates grouped by alert id (one per episode), in emission order."""
    out: dict[str, list[Alert]] = defaultdict(list)
    for a in alerts:
        if a.kind is AlertKind.SNOWBALL and a.brand_id == brand:
            out[a.alert_id].append(a)
    return out


@dataclass(slots=True)
class Span:
    """One level held from ``start`` until ``end`` (None: still open when the history ends)."""

    start: int
    end: int | None
    severity: Severity


@dataclass(slots=True)
class Episode:
    alert_id: str
    topic: str | None
    spans: list[Span] = field(default_factory=list)
    milestones: list[Alert] = field(default_factory=list)  # opening, escalations, resolutions (not the re-sends)
    terms: list[str] = field(default_factory=list)  # the emerging terms at its last escalation

    @property
    def opened(self) -> int:
        return self.spans[0].start

    @property
    def highest(self) -> Severity:
        return max((s.severity for s in self.spans), key=lambda s: s.rank)

    @property
    def resolved(self) -> int | None:
        """When it was last resolved; None while it is still open at the end of the history."""
        return self.spans[-1].end

    def first_at(self, level: Severity) -> int | None:
        """When the episode first reached ``level`` or higher."""
        return next((s.start for s in self.spans if s.severity.rank >= level.rank), None)

    def duration(self, end_of_history: int) -> int:
        """Milliseconds spent open (a reopened episode's gaps left out)."""
        return sum((end_of_history if s.end is None else s.end) - s.start for s in self.spans)


def timeline(updates: list[Alert]) -> Episode:
    """One episode's updates (same alert id, in emission order) as level spans. Levels only rise while an episode
    is open; a resolution closes the open span, and a reopening under the same id starts a new one."""
    episode = Episode(updates[0].alert_id, updates[0].topic)
    open_span: Span | None = None
    for a in updates:
        if a.topic is not None:
            episode.topic = a.topic
        if a.severity is Severity.RESOLVED:
            if open_span is not None:
                open_span.end, open_span = a.event_time, None
                episode.milestones.append(a)
            continue
        if open_span is not None and open_span.severity is a.severity:
            continue  # a same-level update: the level goes on
        if open_span is not None:
            open_span.end = a.event_time
        open_span = Span(a.event_time, None, a.severity)
        episode.spans.append(open_span)
        episode.milestones.append(a)
        if a.top_terms:
            episode.terms = list(a.top_terms)
    return episode


def brand_episodes(alerts: list[Alert], brand: str) -> list[Episode]:
    """The brand's snowball episodes, in the order they opened."""
    found = (timeline(updates) for updates in episodes(alerts, brand).values())
    # An id whose updates are only a resolution (alerts cut from a longer run) held no level here: left out.
    return sorted((e for e in found if e.spans), key=lambda e: e.opened)
