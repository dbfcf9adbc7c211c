"""Scoring detector runs against labels: the scenario suite and the airline surge of 2015-02-22."""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.backtest.labels import with_gold
from streams.backtest.runner import BacktestResult, detect
from streams.backtest.timeline import episodes
from streams.models import Alert, AlertKind, ClassifiedMention, Sentiment, Severity
from streams.scenarios import LabelledScenario, ScenarioSpec
from streams.timeunits import MINUTE_MS

RATE_WINDOW_MS = 30 * MINUTE_MS  # "negative rate": negatives of the last 30 minutes


@dataclass(slots=True)
class Caught:
    first_watch: int | None
    first_warning: int | None
    quarter_time: int  # when the wave's negative rate first reached a quarter of its peak
    peak_time: int
    onset: int = 0  # when the wave starts (its label's start)
    first_critical: int | None = None

    def after_onset(self, level: Severity) -> float | None:
        """Minutes from the onset to the first alert at ``level`` or above (None: never)."""
        first = {Severity.WATCH: self.first_watch, Severity.WARNING: self.first_warning,
                 Severity.CRITICAL: self.first_critical}[level]
        return None if first is None else (first - self.onset) / MINUTE_MS

    def target_met(self, onset_targets: tuple[int, int] | None) -> bool:
        """The suite's target for this wave: warning and critical within ``onset_targets`` minutes of the onset
        for an abrupt wave, else watch no later than the quarter-peak."""
        if onset_targets is not None:
            warning, critical = self.after_onset(Severity.WARNING), self.after_onset(Severity.CRITICAL)
            return (warning is not None and warning <= onset_targets[0]
                    and critical is not None and critical <= onset_targets[1])
        return self.first_watch is not None and self.first_watch <= self.quarter_time


@dataclass(slots=True)
class ScenarioResult:
    spec: ScenarioSpec
    warnings: dict[str, int] = field(default_factory=dict)  # brand -> episodes that reached warning or above
    watches: dict[str, int] = field(default_factory=dict)  # brand -> episodes (any level)
    caught: dict[str, Caught] = field(default_factory=dict)
    run: BacktestResult | None = None


def first_at(alerts: list[Alert], brand: str, level: Severity, since: int = 0, until: int | None = None) -> int | None:
    times = [a.event_time for a in alerts if a.kind is AlertKind.SNOWBALL and a.brand_id == brand
             and a.severity is not Severity.RESOLVED and a.severity.rank >= level.rank and a.event_time >= since
             and (until is None or a.event_time < until)]
    return min(times) if times else None


def rate_profile(times: list[int]) -> tuple[int, int]:
    """(time of peak 30-minute negative rate, first time the rate reached a quarter of that peak)."""
    times = sorted(times)
    rates, lo = [], 0
    for i, t in enumerate(times):
        while times[lo] <= t - RATE_WINDOW_MS:
            lo += 1
        rates.append(i - lo + 1)
    peak = max(rates)
    peak_time = times[rates.index(peak)]
    quarter_time = next(t for t, r in zip(times, rates, strict=True) if r * 4 >= peak)
    return peak_time, quarter_time


def classify_gold(scenario: LabelledScenario) -> list[ClassifiedMention]:
    from streams.enrichment import BrandCatalog, Enricher
    from streams.pipeline import BrandStep
    from streams.settings import DEFAULT_BRANDS_FILE

    enricher = Enricher(BrandCatalog.from_yaml(DEFAULT_BRANDS_FILE))
    enriched = [e for m in scenario.mentions for e in enricher.enrich(m)]
    # The app's context stage runs in arrival order; keep the scenario's arrival order (jitter included).
    enriched, _ = BrandStep.contextualize(enriched, {})
    return [ClassifiedMention(e.mention, e.enrichment, with_gold(Sentiment(scenario.tones[e.mention.id])))
            for e in enriched]


def evaluate_scenario(scenario: LabelledScenario, classified: list[ClassifiedMention] | None = None) -> ScenarioResult:
    """Run the detector over a labelled scenario (gold tones unless ``classified`` is given) and score it."""
    mentions = classified if classified is not None else classify_gold(scenario)
    run = detect(mentions)
    result = ScenarioResult(scenario.spec, run=run)
    for brand in scenario.spec.snowball_brands + scenario.spec.quiet_brands:
        eps = episodes(run.alerts, brand)
        result.watches[brand] = len(eps)
        result.warnings[brand] = sum(any(a.severity.rank >= Severity.WARNING.rank for a in e) for e in eps.values())
    for brand, (start, end) in scenario.waves.items():
        negatives = [m.created_at for m in scenario.mentions
                     if scenario.tones[m.id] == "negative" and m.id.startswith(brand) and start <= m.created_at <= end]
        peak_time, quarter_time = rate_profile(negatives)
        result.caught[brand] = Caught(first_at(run.alerts, brand, Severity.WATCH, start),
                                      first_at(run.alerts, brand, Severity.WARNING, start), quarter_time, peak_time,
                                      start, first_at(run.alerts, brand, Severity.CRITICAL, start))
    return result
