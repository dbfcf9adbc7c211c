"""What a backtest found, brand by brand, worst first: the figures the report's summary table and the command's
closing lines show."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from streams.backtest.runner import BacktestResult
from streams.backtest.timeline import Episode, brand_episodes
from streams.models import Alert, AlertKind, Severity
from streams.timeunits import DAY_MS, HOUR_MS, MINUTE_MS

# The community-manager columns: complaints past the deadline, repeat critics (people), high-reach negatives,
# requests for personal data in public, waves the brand stayed silent through.
CARE_KINDS = ("unanswered_complaint", "repeat_critic", "high_reach_negative", "personal_data_request",
              "brand_silence")
CARE_HEADERS = ("unanswered", "repeat critics", "high-reach", "data asked in public", "silent waves")


def when(ms: int) -> str:
    """An event time as the report and the terminal show it: UTC, to the minute."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


@dataclass(slots=True)
class BrandSummary:
    brand: str
    hourly: dict[int, list[int]]  # hour start -> [mentions, negatives]
    alerts: list[Alert]  # every alert update of the brand, in emission order
    episodes: list[Episode] = field(default_factory=list)  # snowball episodes, in opening order
    # community-manager alert kind -> alerts (not their closings); for repeat critics, distinct authors
    care: Counter = field(default_factory=Counter)
    critics: Counter = field(default_factory=Counter)  # repeat critic -> their repeat-critic alerts
    stats: dict[str, int] = field(default_factory=dict)  # the detector's counters for the brand
    replies: list[tuple[int, int]] = field(default_factory=list)  # (complaint, first reply) times of answered ones

    @property
    def end(self) -> int:
        """The end of the brand's history, where an episode still open is cut: its last hour's end, or its last
        alert when later (the brand's own replies, not in ``hourly``, move the detector's clock on too)."""
        return max(max(self.hourly) + HOUR_MS, max((a.event_time for a in self.alerts), default=0))

    @property
    def mentions(self) -> int:
        return sum(c[0] for c in self.hourly.values())

    @property
    def negatives(self) -> int:
        return sum(c[1] for c in self.hourly.values())

    @property
    def highest(self) -> Severity | None:
        return max((e.highest for e in self.episodes), key=lambda s: s.rank, default=None)

    @property
    def first_warning(self) -> int | None:
        """When an episode first reached warning or higher."""
        return min((t for e in self.episodes if (t := e.first_at(Severity.WARNING)) is not None), default=None)

    @property
    def at_warning_ms(self) -> int:
        """Time spent at warning or above, over all episodes."""
        return sum((self.end if s.end is None else s.end) - s.start for e in self.episodes for s in e.spans
                   if s.severity.rank >= Severity.WARNING.rank)


def summarise(result: BacktestResult) -> list[BrandSummary]:
    """One summary per brand of the history, worst first."""
    out = {brand: BrandSummary(brand, hourly, [], stats=result.detector_stats.get(brand, {}),
                               replies=result.replies.get(brand, []))
           for brand, hourly in result.hourly.items() if hourly}
    for a in result.alerts:
        if (summary := out.get(a.brand_id)) is not None:
            summary.alerts.append(a)
    for summary in out.values():
        summary.episodes = brand_episodes(summary.alerts, summary.brand)
        summary.care = Counter(str(a.kind) for a in summary.alerts
                               if a.kind is not AlertKind.SNOWBALL and a.severity is not Severity.RESOLVED)
        summary.critics = Counter(a.author_id for a in summary.alerts
                                  if a.kind is AlertKind.REPEAT_CRITIC and a.author_id is not None)
        # Repeat critics are people: one who comes back after the cooldown alerts again but counts once.
        summary.care["repeat_critic"] = len(summary.critics)
        # Complaints, not the updates of the brand's one unanswered-complaints alert.
        summary.care["unanswered_complaint"] = summary.stats.get("complaints_overdue", 0)
    # Worst first: the highest level, then the longest at warning or above, then the most negatives.
    return sorted(out.values(), key=lambda s: (-(s.highest.rank if s.highest else -1), -s.at_warning_ms,
                                               -s.negatives, s.brand))


def as_text(summaries: list[BrandSummary]) -> str:
    """The summaries as an aligned plain-text table (times UTC), for a terminal."""
    rows = [("brand", "episodes", "highest", "first warning (UTC)", "at warning+", "negatives", *CARE_HEADERS)]
    for s in summaries:
        rows.append((s.brand, str(len(s.episodes)), str(s.highest or "-"),
                     "-" if s.first_warning is None else when(s.first_warning),
                     f"{s.at_warning_ms / HOUR_MS:.1f} h" if s.at_warning_ms else "-", f"{s.negatives:,}",
                     *(f"{s.care[k]:,}" for k in CARE_KINDS)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i in (0, 2, 3) else c.rjust(w) for i, (c, w) in
                               enumerate(zip(r, widths, strict=True))).rstrip() for r in rows)


@dataclass(frozen=True, slots=True)
class DayOutcomes:
    """How one day's complaints ended (by the day they were posted, UTC)."""

    day: int  # start, epoch ms
    complaints: int
    answered: int
    in_time: int  # answered within the deadline
    median_minutes: float | None  # to the brand's first reply, of the answered ones
    p90_minutes: float | None

    @property
    def in_time_share(self) -> float:
        return self.in_time / self.complaints if self.complaints else 0.0


def complaint_outcomes(summary: BrandSummary, deadline_ms: int) -> list[DayOutcomes]:
    """Per day: complaints (as the detector tracks them), those answered, within the deadline, and the median and
    90th percentile of the time to the brand's first reply."""
    complaints: Counter = Counter()
    for hour, cell in summary.hourly.items():
        if len(cell) > 2:
            complaints[hour - hour % DAY_MS] += cell[2]
    waits: dict[int, list[float]] = {}
    for complained, replied in summary.replies:
        waits.setdefault(complained - complained % DAY_MS, []).append((replied - complained) / MINUTE_MS)
    out = []
    for day in sorted(set(complaints) | set(waits)):
        day_waits = sorted(waits.get(day, []))
        p90 = statistics.quantiles(day_waits, n=10, method="inclusive")[-1] if len(day_waits) > 1 else (
            day_waits[0] if day_waits else None)
        out.append(DayOutcomes(day, max(complaints[day], len(day_waits)), len(day_waits),
                               sum(w * MINUTE_MS <= deadline_ms for w in day_waits),
                               statistics.median(day_waits) if day_waits else None, p90))
    return out
