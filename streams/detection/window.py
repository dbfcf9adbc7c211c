"""Signals of the current window, computed from the brand state at an evaluation tick.

Each signal comes from the module that owns it: volume (``volume.scan``), the day scale (``day_scale.scan``),
breadth, topics, cascades and terms. ``compute`` gathers what severity decides on; ``for_alert`` adds, for the
evaluations that emit an alert, what only an alert shows.
"""

from __future__ import annotations

import math

from streams.detection import breadth, cascades, day_scale, terms, topics, volume
from streams.detection.clusters import term_clusters
from streams.detection.config import DetectorConfig
from streams.detection.signals import WindowSignals
from streams.detection.state import BrandState, Episode
from streams.detection.stats import poisson_sf
from streams.models import Severity

__all__ = ["WindowSignals", "compute", "for_alert"]


def compute(state: BrandState, cfg: DetectorConfig, episode: Episode | None = None) -> WindowSignals:
    """The signals an evaluation decides on. The ones only an alert shows (p-value, amplification, first-time
    share, acceleration, cascade, terms, examples) are left to ``for_alert``, which runs on the same state.

    ``episode``: the open episode. Then what cannot change its course is left out, for ``complete`` to compute
    exactly as without it before anything reads it (the episode's calm, an alert): the day scale raises a level
    to warning at most (``severity.assess``), so it cannot escalate a warning or critical episode; and once the
    episode has its topic, a topic matters only if it may reach the GLR of a severity above the episode's."""
    bms = cfg.bucket_ms
    cur = state.current
    fraction = max((state.watermark - cur) / bms, 0.05)
    sig = WindowSignals(dispersion=state.baseline.phi)
    keys, slots = volume.grid(bms, cfg.horizon_buckets, state.first, cur)
    v = volume.scan(state, cfg, keys, slots, fraction, state.episode is not None)
    sig.glr, sig.observed, sig.expected, sig.glr_short = v.glr, v.observed, v.expected, v.glr_short
    sig.window_min = round((v.window_buckets - 1 + fraction) * bms / 60_000, 1)
    sig.ratio = sig.observed / sig.expected if sig.expected > 0 else 0.0
    o_hour, e_hour = v.hour_voices, v.hour_expected
    sig.voices_hour, sig.hour_voices = round(o_hour, 2), o_hour
    sig.ratio_hour = o_hour / e_hour if e_hour > 0 else 0.0
    sig.expected_hour = e_hour
    sig.doubling_min, sig.acceleration = v.doubling_min, v.acceleration

    cells = volume.hour_cells(state, cfg)
    sig.mentions_hour = float(sum(c.total for c in cells))
    sig.negatives_hour = float(sum(c.negatives for c in cells))
    sig.negative_share = sig.negatives_hour / sig.mentions_hour if sig.mentions_hour else 0.0

    live = (cur - state.folded) // bms + 1  # buckets not learned yet: the end of observed
    day_args = (v.observed_series[-live:] if live > 0 else [], fraction)
    above = Severity(episode.severity) if episode is not None else None
    if above is not None and above.rank >= Severity.WARNING.rank:
        sig.deferred_day = day_args
    else:
        day_scale.scan(state, cfg, sig, *day_args)
    sig.distinct_authors, sig.top_author_share = breadth.signals(state)
    topic, share = topics.leading(state, sig.voices_hour)
    if topic is not None:
        sig.topic, sig.topic_share = topic, share
    sig.computed_topic = sig.topic
    floor = _next_glr(cfg, above) if episode is not None and episode.topic is not None else None
    sig.topic_glr = topics.scans(state, cfg, keys, slots, fraction, floor)
    if floor is not None:
        sig.deferred_topics = (keys, slots, fraction)
    sig.partial = sig.deferred_day is not None or floor is not None
    if sig.glr >= cfg.critical_glr:  # only critical needs to know whether a cascade is supercritical
        _cascade(state, cfg, sig, state.watermark)
    return sig


def _next_glr(cfg: DetectorConfig, above: Severity | None) -> float | None:
    """The GLR a topic needs to raise the level above ``above`` (None: any severity's, the lowest)."""
    if above is None:
        return None
    if above is Severity.WATCH:
        return min(cfg.warning_glr, cfg.critical_glr)
    return cfg.critical_glr if above is Severity.WARNING else math.inf


def complete_day(state: BrandState, cfg: DetectorConfig, sig: WindowSignals) -> None:
    """The day scale ``compute`` left out, if it did."""
    if sig.deferred_day is not None:
        day_scale.scan(state, cfg, sig, *sig.deferred_day)
        sig.deferred_day = None


def complete(state: BrandState, cfg: DetectorConfig, sig: WindowSignals) -> bool:
    """Fill in what ``compute`` left out (the state unchanged since), so that ``sig`` is what ``compute`` without
    the episode gives, its topic put back to the one compute named (before ``assess`` named another). False:
    nothing was left out, or it was completed already."""
    if not sig.partial:
        return False
    complete_day(state, cfg, sig)
    if sig.deferred_topics is not None:
        sig.topic_glr = topics.scans(state, cfg, *sig.deferred_topics)
        sig.deferred_topics = None
    sig.topic = sig.computed_topic
    sig.partial = False
    return True


def for_alert(state: BrandState, cfg: DetectorConfig, sig: WindowSignals,
              own_terms: frozenset[str] = frozenset()) -> None:
    """The costlier signals only an alert shows: emerging terms (never ``own_terms``, the brand's own names),
    the cascade forecast, example mentions, and the emerging terms' clusters."""
    _explain(state, cfg, sig)
    ids = [(score, mid) for detail in state.details.values() for score, mid in detail.top_ids]
    sig.sample_ids = [mid for _, mid in sorted(ids, key=lambda x: (-x[0], x[1]))[:5]]
    if sig.cascade_root is None:
        _cascade(state, cfg, sig, state.watermark)
    scored = terms.emerging(state, cfg, state.watermark, own_terms, limit=cfg.cluster_candidates)
    sig.terms = scored[: cfg.top_terms]
    posts = [p for detail in state.details.values() for p in detail.posts]
    sig.clusters = term_clusters([t for t, _ in scored], posts)


def _explain(state: BrandState, cfg: DetectorConfig, sig: WindowSignals) -> None:
    """The signals only an alert shows, from the state ``compute`` saw (the same evaluation)."""
    sig.p_value = float(f"{poisson_sf(sig.observed / sig.dispersion, sig.expected / sig.dispersion):.3g}")
    cells = volume.hour_cells(state, cfg)
    o_hour = sig.hour_voices
    # First-time voices are weighed as voices are, but capped per author differently: never show over 100%.
    sig.first_time_share = min(sum(c.first_time for c in cells) / o_hour, 1.0) if o_hour else 0.0
    if sig.topic is not None:
        # The topic may be the episode's or a topic-level alert's, not the one leading the hour.
        topic_voices = state.window.topics.get(sig.topic, 0.0)
        sig.topic_share = min(topic_voices / sig.voices_hour, 1.0) if sig.voices_hour else 0.0
    sig.engagement = float(sum(c.engagement for c in cells))
    sig.reach = float(sum(c.reach for c in cells))
    sig.high_reach = float(sum(c.high_reach for c in cells))
    sig.relays = float(sum(c.relays for c in cells))


def _cascade(state: BrandState, cfg: DetectorConfig, sig: WindowSignals, now: int) -> None:
    largest = cascades.largest(state, now, cfg)
    if largest is not None:
        sig.cascade_root, relays, sig.cascade_forecast, sig.cascade_branching, sig.cascade_supercritical = largest
        sig.cascade_relays = float(relays)

