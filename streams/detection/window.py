"""Signals of the current window, computed from the brand state's buckets at an evaluation tick."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from streams.detection import cascades, seasonal
from streams.detection.config import DetectorConfig
from streams.detection.stats import doubling_time, glr_scan, poisson_sf

# Light bucket slots: [total, negatives, voices, first-time voices, engagement, reach, high-reach, relays].
TOTAL, NEG, VOICES, NEW, AMP, REACH, HIGH, RELAYS = range(8)


@dataclass(slots=True)
class WindowSignals:
    glr: float = 0.0
    glr_short: float = 0.0
    window_min: float = 0.0
    observed: float = 0.0
    expected: float = 0.0
    ratio: float = 0.0
    p_value: float = 1.0
    dispersion: float = 1.0
    ratio_hour: float = 0.0
    expected_hour: float = 0.0
    voices_hour: float = 0.0
    negatives_hour: float = 0.0
    mentions_hour: float = 0.0
    negative_share: float = 0.0
    distinct_authors: int = 0
    first_time_share: float = 0.0
    top_author_share: float = 0.0
    doubling_min: float = -1.0
    acceleration: float = 0.0
    engagement: float = 0.0
    relays: float = 0.0
    reach: float = 0.0
    high_reach: float = 0.0
    cascade_root: str | None = None
    cascade_relays: float = 0.0
    cascade_forecast: float = 0.0
    cascade_branching: float = 0.0
    cascade_supercritical: bool = False
    day_glr: float = 0.0  # the day-scale (sustained surge) test, see day_scan
    day_hours: float = 0.0
    day_observed: float = 0.0
    day_expected: float = 0.0
    day_ratio: float = 0.0
    day_ratio_hour: float = 0.0  # the last hour against the same hour of the reference days
    topic: str | None = None
    topic_share: float = 0.0
    topic_glr: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    terms: list[tuple[str, float]] = field(default_factory=list)
    sample_ids: list[str] = field(default_factory=list)

    def as_signals(self) -> dict[str, float]:
        """The alert's ``signals`` map: every value a person or a rule may want, as plain floats."""
        return {
            "glr": round(self.glr, 2),
            "window_minutes": self.window_min,
            "voices_window": round(self.observed, 2),
            "expected_voices": round(self.expected, 2),
            "volume_ratio": round(self.ratio, 2),
            "p_value": self.p_value,
            "dispersion": round(self.dispersion, 2),
            "negatives_hour": self.negatives_hour,
            "mentions_hour": self.mentions_hour,
            "negative_share": round(self.negative_share, 3),
            "ratio_hour": round(self.ratio_hour, 2),
            "doubling_time_min": round(self.doubling_min, 1),
            "acceleration": round(self.acceleration, 3),
            "distinct_authors": float(self.distinct_authors),
            "first_time_author_share": round(self.first_time_share, 3),
            "top_author_share": round(self.top_author_share, 3),
            "engagement": self.engagement,
            "relays": self.relays,
            "reach": self.reach,
            "high_reach_authors": self.high_reach,
            "cascade_relays": self.cascade_relays,
            "cascade_forecast": round(self.cascade_forecast, 1),
            "cascade_branching": round(self.cascade_branching, 3),
            "cascade_supercritical": float(self.cascade_supercritical),
            "topic_share": round(self.topic_share, 3),
            "day_glr": round(self.day_glr, 2),
            "day_window_hours": round(self.day_hours, 1),
            "day_voices": round(self.day_observed, 1),
            "day_expected_voices": round(self.day_expected, 1),
            "day_ratio": round(self.day_ratio, 2),
            "day_ratio_hour": round(self.day_ratio_hour, 2),
        }


def _grid(cfg: DetectorConfig, first: int, cur: int) -> tuple[list[str], list[tuple[int, int]]]:
    """The horizon's bucket keys, oldest first, and their (hour of day, day of week) slots: one per evaluation,
    shared by the brand's series and every topic's."""
    bms = cfg.bucket_ms
    starts = range(max(first, cur - (cfg.horizon_buckets - 1) * bms), cur + bms, bms)
    hour, day = seasonal.HOUR_MS, seasonal.DAY_MS
    return [str(s) for s in starts], [((s // hour) % 24, (s // day + 3) % 7) for s in starts]


def _series(buckets: dict[str, Any], base: dict[str, Any], cfg: DetectorConfig, keys: list[str],
            slots: list[tuple[int, int]], fraction: float, slot: int | None) -> tuple[list[float], list[float]]:
    """Observed and expected voices per bucket over the horizon (``_grid``), oldest first; the current bucket
    prorated."""
    get = buckets.get
    if slot is None:
        observed = [get(k, 0.0) for k in keys]
    else:
        observed = [c[slot] if (c := get(k)) is not None else 0.0 for k in keys]
    # seasonal.expected, inlined: this runs for every bucket of the horizon at every evaluation.
    level, hod, dow, floor = base["level"], base["hod"], base["dow"], cfg.min_expected_per_bucket
    expected = [max(level * hod[h] * dow[d], floor) for h, d in slots]
    expected[-1] *= fraction
    return observed, expected


def compute(state: dict[str, Any], cfg: DetectorConfig) -> WindowSignals:
    bms = cfg.bucket_ms
    now = state["wm"]
    cur = state["cur"]
    fraction = max((now - cur) / bms, 0.05)
    sig = WindowSignals(dispersion=state["base"]["phi"])
    keys, slots = _grid(cfg, state["first"], cur)
    observed, expected = _series(state["b"], state["base"], cfg, keys, slots, fraction, VOICES)
    sig.glr, k, sig.observed, sig.expected = glr_scan(observed, expected, cfg.min_window_buckets, sig.dispersion)
    sig.window_min = round((k - 1 + fraction) * bms / 60_000, 1)
    sig.ratio = sig.observed / sig.expected if sig.expected > 0 else 0.0
    sig.p_value = float(f"{poisson_sf(sig.observed / sig.dispersion, sig.expected / sig.dispersion):.3g}")
    d = cfg.detail_buckets
    sig.glr_short = glr_scan(observed[-d:], expected[-d:], 1, sig.dispersion)[0]
    o_hour, e_hour = sum(observed[-d:]), sum(expected[-d:])
    sig.voices_hour = round(o_hour, 2)
    sig.ratio_hour = o_hour / e_hour if e_hour > 0 else 0.0
    sig.expected_hour = e_hour

    get = state["b"].get
    hour_keys = keys[-d:] if len(keys) >= d else [str(s) for s in range(cur - (d - 1) * bms, cur + bms, bms)]
    cells = [c for k in hour_keys if (c := get(k)) is not None]
    sig.mentions_hour = float(sum(c[TOTAL] for c in cells))
    sig.negatives_hour = float(sum(c[NEG] for c in cells))
    sig.negative_share = sig.negatives_hour / sig.mentions_hour if sig.mentions_hour else 0.0
    sig.first_time_share = sum(c[NEW] for c in cells) / o_hour if o_hour else 0.0
    sig.engagement = float(sum(c[AMP] for c in cells))
    sig.reach = float(sum(c[REACH] for c in cells))
    sig.high_reach = float(sum(c[HIGH] for c in cells))
    sig.relays = float(sum(c[RELAYS] for c in cells))

    # Growth: voices per bucket in the last 30 minutes against the 30 before, and the 30 before that.
    r2 = sum(observed[-3:]) / (2 + fraction)
    r1 = sum(observed[-6:-3]) / 3
    r0 = sum(observed[-9:-6]) / 3
    sig.doubling_min = doubling_time(r2 * 3, r1 * 3, 3 * bms)
    sig.acceleration = math.log((r2 + 0.5) / (r1 + 0.5)) - math.log((r1 + 0.5) / (r0 + 0.5))

    live = (cur - state["folded"]) // bms + 1  # buckets not learned yet: the end of observed
    day_scan(state, cfg, sig, observed[-live:] if live > 0 else [], fraction)
    _breadth(state, cfg, sig)
    _topics(state, cfg, sig, keys, slots, fraction)
    if sig.glr >= cfg.critical_glr:  # only critical needs to know whether a cascade is supercritical
        _cascade(state, cfg, sig, now)
    return sig


def day_scan(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, observed: list[float],
             fraction: float) -> None:
    """Sustained surge: the last 12..24 hours (hourly steps) against the same hours of the previous days.

    ``observed`` ends with the buckets not learned yet (the current one partial, ``fraction`` of it elapsed).
    The reference is each previous day's count of the same buckets, scaled by the learned weekday factors
    (today's over that day's). Under "no change" today's share of today + reference is 1/(1 + days): the
    statistic is that binomial log-likelihood ratio, so the reference's own noise is in the test.

    Only the newest buckets (not learned yet) change between two evaluations in the same bucket: the sums over
    the learned part of each candidate window (``_day_sums``) are computed once per bucket and kept in the
    state, keyed by the bucket they were computed for; an evaluation adds the few live buckets to them.
    """
    dv = state.get("dv")
    live = len(observed)
    if not _enough_day_history(dv, live, cfg):
        return
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    days = cfg.day_reference_days
    nd = len(dv)
    n = nd + live
    kmax = min(cfg.day_hours * 3_600_000 // bms, n - days * per_day)
    step = 3_600_000 // bms
    if live < step:  # only while a brand is younger than an hour, which is never 2.5 days of history
        _day_scan_full(state, cfg, sig, observed, fraction)
        return
    cur = state["cur"]
    sums = state.get("dsum")
    if sums is None or sums[0] != cur or sums[1] != live:
        sums = state["dsum"] = _day_sums(state, cfg, dv, cur, live, kmax)
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    # The live buckets (newest first), exactly as a full scan would add them.
    o = r = 0.0
    for k in range(1, min(live, kmax) + 1):
        t = cur - (k - 1) * bms
        w = fraction if k == 1 else 1.0
        o += observed[live - k]
        today = dow[(t // day_ms + 3) % 7]
        for j in range(1, days + 1):
            r += w * dv[nd - (k - live) - j * per_day] * today / dow[((t - j * day_ms) // day_ms + 3) % 7]
        if k == step:
            sig.day_ratio_hour = o * days / r if r > 0 else (99.0 if o > 0 else 0.0)
    _keep_best_day_window(sig, ((k, o + so, r + sr) for k, so, sr in zip(sums[2], sums[3], sums[4], strict=True)),
                          days, fraction, bms)


def _keep_best_day_window(sig: WindowSignals, windows: Iterable[tuple[int, float, float]], days: int,
                          fraction: float, bms: int) -> None:
    """Of the candidate windows (k buckets, today's voices, reference voices), keep the one whose binomial
    log-likelihood ratio of today's share against 1/(1 + days) is highest; the first wins a tie."""
    best = 0.0
    log = math.log
    p0 = 1.0 / (1 + days)
    for k, o, r in windows:
        total = o + r
        if o <= 0 or o <= p0 * total:
            continue
        llr = o * log(o / (total * p0)) + (r * log(r / (total * (1 - p0))) if r > 0 else 0.0)
        if llr > best:
            best = llr
            sig.day_hours, sig.day_observed, sig.day_expected = (k - 1 + fraction) * bms / 3_600_000, o, r / days
    if best > 0:
        sig.day_glr = best
        sig.day_ratio = sig.day_observed / sig.day_expected if sig.day_expected > 0 else 99.0


def _day_sums(state: dict[str, Any], cfg: DetectorConfig, dv: list[float], cur: int, live: int,
              kmax: int) -> list[Any]:
    """[cur, live, windows k, learned voices, learned reference] of the candidate windows of ``day_scan``.

    For each candidate window length k (hourly steps from ``day_min_window_hours``), the voices of its learned
    buckets (k > live, all in ``dv``) and their weekday-adjusted reference. Valid while the bucket and the
    number of live buckets are those it was computed for: ``dv`` and the weekday factors only change when
    the watermark enters a new bucket.
    """
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    days = cfg.day_reference_days
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    start_min = cfg.day_min_window_hours * 3_600_000 // bms
    step = 3_600_000 // bms
    nd = len(dv)
    ks, os_, rs = [], [], []
    o = r = 0.0
    for k in range(live + 1, kmax + 1):
        t = cur - (k - 1) * bms
        i = nd - (k - live)
        o += dv[i]
        today = dow[(t // day_ms + 3) % 7]
        for j in range(1, days + 1):
            r += dv[i - j * per_day] * today / dow[((t - j * day_ms) // day_ms + 3) % 7]
        if k >= start_min and not k % step:
            ks.append(k)
            os_.append(o)
            rs.append(r)
    return [cur, live, ks, os_, rs]


def _enough_day_history(dv: list[float] | None, live: int, cfg: DetectorConfig) -> bool:
    """The reference days plus the shortest window: learned buckets (``dv``) and live ones together."""
    bms = cfg.bucket_ms
    needed = cfg.day_reference_days * (86_400_000 // bms) + cfg.day_min_window_hours * 3_600_000 // bms
    return bool(dv) and len(dv) + live >= needed


def _day_scan_full(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, observed: list[float],
                   fraction: float) -> None:
    """The day-scale scan over every bucket (the reference of ``day_scan``'s incremental sums)."""
    dv = state.get("dv")
    if not _enough_day_history(dv, len(observed), cfg):
        return
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    days = cfg.day_reference_days
    series = dv + observed  # voices per bucket, oldest first, ending at the current bucket
    n = len(series)
    longest = cfg.day_hours * 3_600_000 // bms
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    cur = state["cur"]
    start_min = cfg.day_min_window_hours * 3_600_000 // bms
    step = 3_600_000 // bms
    o = r = 0.0
    windows = []
    for k in range(1, min(longest, n - days * per_day) + 1):
        t = cur - (k - 1) * bms
        w = fraction if k == 1 else 1.0
        o += series[n - k]
        today = dow[(t // day_ms + 3) % 7]
        for j in range(1, days + 1):
            r += w * series[n - k - j * per_day] * today / dow[((t - j * day_ms) // day_ms + 3) % 7]
        if k == step:
            sig.day_ratio_hour = o * days / r if r > 0 else (99.0 if o > 0 else 0.0)
        if k >= start_min and not k % step:
            windows.append((k, o, r))
    _keep_best_day_window(sig, windows, days, fraction, bms)


def _breadth(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals) -> None:
    window = state["w"]
    authors, topics = window["a"], window["tp"]
    sig.distinct_authors = len(authors)
    negatives = sum(authors.values())
    sig.top_author_share = max(authors.values()) / negatives if negatives else 0.0
    if topics:
        topic = min(topics, key=lambda k: (-topics[k], k))
        share = topics[topic] / sig.voices_hour if sig.voices_hour else 0.0
        if share >= 0.5:
            sig.topic, sig.topic_share = topic, min(share, 1.0)


def for_alert(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals) -> None:
    """The costlier signals only an alert shows: emerging terms, the cascade forecast, example mentions."""
    ids = [(score, mid) for detail in state["d"].values() for score, mid in detail["ids"]]
    sig.sample_ids = [mid for _, mid in sorted(ids, key=lambda x: (-x[0], x[1]))[:5]]
    if sig.cascade_root is None:
        _cascade(state, cfg, sig, state["wm"])
    sig.terms = emerging_terms(state, cfg, state["wm"])


def _topics(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, keys: list[str],
            slots: list[tuple[int, int]], fraction: float) -> None:
    for topic, sub in state["tp"].items():
        observed, expected = _series(sub["b"], sub["base"], cfg, keys, slots, fraction, None)
        glr, _, o, e = glr_scan(observed, expected, cfg.min_window_buckets, sub["base"]["phi"])
        sig.topic_glr[topic] = (glr, o, e)


def _cascade(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, now: int) -> None:
    horizon = cfg.horizon_buckets * cfg.bucket_ms
    live = [(c["r"], root) for root, c in state["casc"].items() if now - c["last"] <= horizon]
    if not live:
        return
    relays, root = max(live)
    if relays == 0:
        return
    final, branching, supercritical = cascades.forecast(state["casc"][root], now, cfg)
    sig.cascade_root, sig.cascade_relays = root, float(relays)
    sig.cascade_forecast, sig.cascade_branching, sig.cascade_supercritical = final, branching, supercritical


def emerging_terms(state: dict[str, Any], cfg: DetectorConfig, now: int) -> list[tuple[str, float]]:
    """Terms of the last hour's negative mentions that beat their usual rate, best first, with a z-like score."""
    window = state["w"]["t"]
    hours_memory = cfg.vocab_half_life_ms / 3_600_000 / math.log(2)
    hours_window = cfg.detail_buckets * cfg.bucket_ms / 3_600_000
    scored = []
    for term, n in window.items():
        if n < 3:
            continue
        value, t = state["vocab"].get(term, (0.0, now))
        decayed = value * 0.5 ** ((now - t) / cfg.vocab_half_life_ms)
        usual = decayed / hours_memory * hours_window
        score = (n - usual) / math.sqrt(usual + 1.0)
        if score > 1.0:
            scored.append((term, round(score, 2)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[: cfg.top_terms]
