"""Signals of the current window, computed from the brand state's buckets at an evaluation tick."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, repeat
from operator import itemgetter
from typing import Any

from streams.detection import cascades, seasonal
from streams.detection.clusters import TermCluster, term_clusters
from streams.detection.config import DetectorConfig
from streams.detection.stats import decayed, doubling_time, glr_below_sums, glr_scans, poisson_sf

# Light bucket slots: [total, negatives, voices, first-time voices, engagement, reach, high-reach, relays].
TOTAL, NEG, VOICES, NEW, AMP, REACH, HIGH, RELAYS = range(8)


@dataclass(slots=True)
class WindowSignals:
    glr: float = 0.0
    glr_short: float = 0.0  # computed while an episode is open (the only time it is read)
    window_min: float = 0.0
    observed: float = 0.0
    expected: float = 0.0
    ratio: float = 0.0
    p_value: float = 1.0
    dispersion: float = 1.0
    ratio_hour: float = 0.0
    expected_hour: float = 0.0
    voices_hour: float = 0.0
    hour_voices: float = 0.0  # voices_hour unrounded
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
    day_ratio_recent: float = 0.0  # the newest hours (day_recent_hours) against the same hours of the reference days
    day_reference_days: int = 0
    topic: str | None = None
    topic_share: float = 0.0
    # (GLR, observed, expected) of the topics whose GLR may reach a severity (see _topics)
    topic_glr: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    terms: list[tuple[str, float]] = field(default_factory=list)
    clusters: list[TermCluster] = field(default_factory=list)  # the emerging terms grouped by shared posts
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
            "day_ratio_recent": round(self.day_ratio_recent, 2),
            "day_reference_days": float(self.day_reference_days),
            "term_cluster_share": self.clusters[0].share if self.clusters else 0.0,
        }


def _grid(cfg: DetectorConfig, first: int, cur: int) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """The horizon's bucket keys, oldest first, and their (hour of day, day of week) slots: one per evaluation,
    shared by the brand's series and every topic's."""
    return _grid_of(cfg.bucket_ms, cfg.horizon_buckets, first, cur)


@lru_cache(maxsize=64)
def _grid_of(bms: int, horizon: int, first: int, cur: int) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    # A memo of a pure function of its arguments (no state): an evaluation needs the same grid as the one before
    # until the watermark enters the next bucket.
    starts = range(max(first, cur - (horizon - 1) * bms), cur + bms, bms)
    hour, day = seasonal.HOUR_MS, seasonal.DAY_MS
    return tuple(map(str, starts)), tuple(((s // hour) % 24, (s // day + 3) % 7) for s in starts)


@lru_cache(maxsize=64)
def hour_keys(bms: int, buckets: int, cur: int) -> tuple[str, ...]:
    """Keys of the last ``buckets`` buckets ending at ``cur``, newest first (a memo of a pure function)."""
    return tuple(str(cur - i * bms) for i in range(buckets))


def _series(buckets: dict[str, Any], base: dict[str, Any], cfg: DetectorConfig, keys: tuple[str, ...],
            slots: tuple[tuple[int, int], ...], fraction: float, slot: int | None,
            cache: list[Any] | None = None) -> tuple[list[float], list[float]]:
    """Observed and expected voices per bucket over the horizon (``_grid``), oldest first; the current bucket
    prorated.

    ``cache``: [closed buckets' observed voices, every bucket's expected voices] of this series for the current
    bucket (filled when empty). Both hold until the watermark enters the next bucket (which is when the
    baseline learns) or a late mention is counted in a closed bucket: the detector drops the cache then.
    """
    get = buckets.get
    if cache:
        closed, full = cache[0], cache[1]
    else:
        # Look-ups in C (map), the same values: a missing bucket counts 0.0.
        if slot is None:
            closed = list(map(get, keys[:-1], repeat(0.0)))
        else:
            closed = list(map(itemgetter(slot), map(get, keys[:-1], repeat(_NO_CELL))))
        level, hod, dow, floor = base["level"], base["hod"], base["dow"], cfg.min_expected_per_bucket
        full = [max(level * hod[h] * dow[d], floor) for h, d in slots]  # seasonal.expected, inlined
        if cache is not None:
            cache += (closed, full)
    if slot is None:
        last = get(keys[-1], 0.0)
    else:
        last = c[slot] if (c := get(keys[-1])) is not None else 0.0
    observed = closed + [last]
    expected = full[:-1]
    expected.append(full[-1] * fraction)
    return observed, expected


_NO_CELL = (0, 0, 0.0, 0.0, 0, 0, 0, 0)  # a bucket without mentions, as the light counters read


def _series_cache(state: dict[str, Any], name: str) -> list[Any]:
    """This bucket's cache entry of a series (see ``_series``), kept in the state: ["xc"] = [bucket, {name: entry}],
    name "" for the brand and "t" + topic for a topic."""
    xc = state.get("xc")
    cur = state["cur"]
    if xc is None or xc[0] != cur:
        xc = state["xc"] = [cur, {}]
    entry = xc[1].get(name)
    if entry is None:
        entry = xc[1][name] = []
    return entry


def compute(state: dict[str, Any], cfg: DetectorConfig) -> WindowSignals:
    """The signals an evaluation decides on. The ones only an alert shows (p-value, amplification, first-time
    share, acceleration, cascade, terms, examples) are left to ``for_alert``, which runs on the same state."""
    bms = cfg.bucket_ms
    now = state["wm"]
    cur = state["cur"]
    fraction = max((now - cur) / bms, 0.05)
    sig = WindowSignals(dispersion=state["base"]["phi"])
    keys, slots = _grid(cfg, state["first"], cur)
    observed, expected = _series(state["b"], state["base"], cfg, keys, slots, fraction, VOICES,
                                 _series_cache(state, ""))
    d = cfg.detail_buckets
    # The short (last hour) statistic only tells whether an open episode calms down (Lifecycle.step).
    sig.glr, k, sig.observed, sig.expected, sig.glr_short = glr_scans(
        observed, expected, cfg.min_window_buckets, sig.dispersion, d if state["ep"] is not None else 0)
    sig.window_min = round((k - 1 + fraction) * bms / 60_000, 1)
    sig.ratio = sig.observed / sig.expected if sig.expected > 0 else 0.0
    o_hour, e_hour = sum(observed[-d:]), sum(expected[-d:])
    sig.voices_hour, sig.hour_voices = round(o_hour, 2), o_hour
    sig.ratio_hour = o_hour / e_hour if e_hour > 0 else 0.0
    sig.expected_hour = e_hour

    get = state["b"].get
    cells = [c for k in hour_keys(bms, d, cur)[::-1] if (c := get(k)) is not None]
    sig.mentions_hour = float(sum(c[TOTAL] for c in cells))
    sig.negatives_hour = float(sum(c[NEG] for c in cells))
    sig.negative_share = sig.negatives_hour / sig.mentions_hour if sig.mentions_hour else 0.0

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


def _explain(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals) -> None:
    """The signals only an alert shows, from the state ``compute`` saw (the same evaluation)."""
    sig.p_value = float(f"{poisson_sf(sig.observed / sig.dispersion, sig.expected / sig.dispersion):.3g}")
    get = state["b"].get
    cells = [c for k in hour_keys(cfg.bucket_ms, cfg.detail_buckets, state["cur"])[::-1] if (c := get(k)) is not None]
    o_hour = sig.hour_voices
    # First-time voices are weighed as voices are, but capped per author differently: never show over 100%.
    sig.first_time_share = min(sum(c[NEW] for c in cells) / o_hour, 1.0) if o_hour else 0.0
    if sig.topic is not None:
        # The topic may be the episode's or a topic-level alert's, not the one _breadth found leading the hour.
        topic_voices = state["w"]["tp"].get(sig.topic, 0.0)
        sig.topic_share = min(topic_voices / sig.voices_hour, 1.0) if sig.voices_hour else 0.0
    sig.engagement = float(sum(c[AMP] for c in cells))
    sig.reach = float(sum(c[REACH] for c in cells))
    sig.high_reach = float(sum(c[HIGH] for c in cells))
    sig.relays = float(sum(c[RELAYS] for c in cells))


def day_scan(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, observed: list[float],
             fraction: float) -> None:
    """Sustained surge: the last 12..24 hours (hourly steps) against the same hours of the previous days.

    ``observed`` ends with the buckets not learned yet (the current one partial, ``fraction`` of it elapsed).
    The reference is each previous day's count of the same buckets (``reference_days`` of them), scaled by the
    learned weekday factors (today's over that day's). Under "no change" today's share of today + reference is
    1/(1 + days): the statistic is that binomial log-likelihood ratio, so the reference's own noise is in the test.

    Only the newest buckets (not learned yet) change between two evaluations in the same bucket: the sums over
    the learned part of each candidate window (``_day_sums``) are computed once per bucket and kept in the
    in-memory state (``dsum``, keyed by the bucket they were computed for; never written to the changelog, see
    ``snowball.TRANSIENT_KEYS``); an evaluation adds the few live buckets to them.
    """
    dv = state.get("dv")
    live = len(observed)
    days = reference_days(len(dv) + live if dv else 0, cfg)
    if not days:
        return
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    nd = len(dv)
    n = nd + live
    kmax = min(cfg.day_hours * 3_600_000 // bms, n - days * per_day)
    step = 3_600_000 // bms
    if live < step:  # only while a brand is younger than an hour, which is never 2.5 days of history
        _day_scan_full(state, cfg, sig, observed, fraction)
        return
    cur = state["cur"]
    sums = state.get("dsum")
    if sums is None or sums[0] != cur or sums[1] != live or len(sums) < 7:
        sums = state["dsum"] = _day_sums(state, cfg, dv, cur, live, kmax, days)
        sums.append(_live_references(state, cfg, dv, cur, live, kmax, days))
    # The live buckets (newest first), exactly as a full scan would add them: "for k: o += observed; for j:
    # r += w * reference * today / that day", w the elapsed fraction for the current bucket (k = 1) and 1.0 for
    # the others, whose terms are the same all through the bucket (cached); running sums with accumulate.
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    top = min(live, kmax)
    today = dow[(cur // day_ms + 3) % 7]
    terms = [fraction * dv[nd - (1 - live) - j * per_day] * today / dow[((cur - j * day_ms) // day_ms + 3) % 7]
             for j in range(1, days + 1)]
    terms += sums[6]
    os_ = list(accumulate(observed[live - top:][::-1]))
    rs = list(accumulate(terms))
    o, r = os_[-1], rs[-1]
    recent = cfg.day_recent_hours * 3_600_000 // bms
    if recent <= top:
        sig.day_ratio_recent = _day_ratio(os_[recent - 1], rs[recent * days - 1], days)
    elif sums[5] is not None:
        sig.day_ratio_recent = _day_ratio(o + sums[5][0], r + sums[5][1], days)
    sig.day_reference_days = days
    _keep_best_day_window(sig, ((k, o + so, r + sr) for k, so, sr in zip(sums[2], sums[3], sums[4], strict=True)),
                          days, fraction, bms)


def _day_ratio(o: float, r: float, days: int) -> float:
    """Today's voices over the reference days' mean (99 when the reference is empty and today is not)."""
    return o * days / r if r > 0 else (99.0 if o > 0 else 0.0)


def _live_references(state: dict[str, Any], cfg: DetectorConfig, dv: list[float], cur: int, live: int,
                     kmax: int, days: int) -> list[float]:
    """The reference terms of the live buckets k = 2 .. min(live, kmax) of ``day_scan`` (k = 1, the current
    bucket, is weighted by the elapsed fraction), in the order the scan adds them."""
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    nd = len(dv)
    out = []
    for k in range(2, min(live, kmax) + 1):
        t = cur - (k - 1) * bms
        today = dow[(t // day_ms + 3) % 7]
        for j in range(1, days + 1):
            out.append(1.0 * dv[nd - (k - live) - j * per_day] * today / dow[((t - j * day_ms) // day_ms + 3) % 7])
    return out


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
              kmax: int, days: int) -> list[Any]:
    """[cur, live, windows k, learned voices, learned reference, (voices, reference) of the recent window's learned
    buckets or None] of the candidate windows of ``day_scan``.

    For each candidate window length k (hourly steps from ``day_min_window_hours``), and for the recent window
    (``day_recent_hours``) when it is longer than the live buckets, the voices of its learned buckets (k > live,
    all in ``dv``) and their weekday-adjusted reference. Valid while the bucket and the
    number of live buckets are those it was computed for: ``dv`` and the weekday factors only change when
    the watermark enters a new bucket.
    """
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    start_min = cfg.day_min_window_hours * 3_600_000 // bms
    step = 3_600_000 // bms
    nd = len(dv)
    m = kmax - live  # learned buckets of the longest window: dv[nd - 1] (k = live + 1) back to dv[nd - m] (k = kmax)
    if m <= 0:
        return [cur, live, [], [], [], None]
    # The loop "for k: o += dv[i]; for j: r += dv[i - j * per_day] * today / that day" as running sums over lists
    # (itertools.accumulate adds in the same order, so the sums are the same floats).
    o = list(accumulate(dv[nd - 1:nd - m - 1:-1] if nd > m else dv[::-1]))
    # Weekday of each bucket (k = live + 1 .. kmax, newest first), built a day at a time.
    weekdays: list[int] = []
    k = live + 1
    while k <= kmax:
        day = (cur - (k - 1) * bms) // day_ms
        end = min(kmax, (cur - day * day_ms) // bms + 1)  # the oldest bucket of that day
        weekdays += [(day + 3) % 7] * (end - k + 1)
        k = end + 1
    today = [dow[w] for w in weekdays]
    terms = [0.0] * (days * m)  # interleaved: bucket 1 day 1, bucket 1 day 2, ..., as the loop adds them
    for j in range(1, days + 1):
        lo, hi = nd - m - j * per_day, nd - j * per_day  # dv[i - j * per_day] for i = nd - 1 down to nd - m
        ref = dv[hi - 1:lo - 1:-1] if lo > 0 else dv[hi - 1::-1]
        terms[j - 1::days] = [x * a / dow[(w - j) % 7] for x, a, w in zip(ref, today, weekdays, strict=True)]
    r = list(accumulate(terms))[days - 1::days]
    ks, os_, rs = [], [], []
    recent = cfg.day_recent_hours * 3_600_000 // bms
    recent_sums = (o[recent - live - 1], r[recent - live - 1]) if live < recent <= kmax else None
    first = max(live + 1, start_min)
    for k in range(first + (-first) % step, kmax + 1, step):  # the windows judged: whole hours, 12 h or more
        ks.append(k)
        os_.append(o[k - live - 1])
        rs.append(r[k - live - 1])
    return [cur, live, ks, os_, rs, recent_sums]


def reference_days(n: int, cfg: DetectorConfig) -> int:
    """How many previous days the day-scale test compares with, given ``n`` buckets of history (learned and live);
    0: not enough for the fewest days behind the shortest window.

    As many whole days as fit behind the longest window, up to ``day_reference_days`` (a week: each weekday once),
    at least ``day_min_reference_days``: the more days, the less the reference's own noise hides a surge (and the
    less one unusual day of the reference does). A brand with fewer than the fewest days plus the longest window
    of history is judged on shorter windows, as long as the shortest still fits.
    """
    per_day = 86_400_000 // cfg.bucket_ms
    longest = cfg.day_hours * 3_600_000 // cfg.bucket_ms
    shortest = cfg.day_min_window_hours * 3_600_000 // cfg.bucket_ms
    days = max(cfg.day_min_reference_days, min(cfg.day_reference_days, (n - longest) // per_day))
    return days if n >= days * per_day + shortest else 0


def _day_scan_full(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, observed: list[float],
                   fraction: float) -> None:
    """The day-scale scan over every bucket (the reference of ``day_scan``'s incremental sums)."""
    dv = state.get("dv")
    days = reference_days(len(dv) + len(observed) if dv else 0, cfg)
    if not days:
        return
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    series = dv + observed  # voices per bucket, oldest first, ending at the current bucket
    n = len(series)
    longest = cfg.day_hours * 3_600_000 // bms
    dow = state["base"]["dow"]
    day_ms = seasonal.DAY_MS
    cur = state["cur"]
    start_min = cfg.day_min_window_hours * 3_600_000 // bms
    step = 3_600_000 // bms
    recent = cfg.day_recent_hours * 3_600_000 // bms
    sig.day_reference_days = days
    o = r = 0.0
    windows = []
    for k in range(1, min(longest, n - days * per_day) + 1):
        t = cur - (k - 1) * bms
        w = fraction if k == 1 else 1.0
        o += series[n - k]
        today = dow[(t // day_ms + 3) % 7]
        for j in range(1, days + 1):
            r += w * series[n - k - j * per_day] * today / dow[((t - j * day_ms) // day_ms + 3) % 7]
        if k == recent:
            sig.day_ratio_recent = _day_ratio(o, r, days)
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


def for_alert(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals,
              own_terms: frozenset[str] = frozenset()) -> None:
    """The costlier signals only an alert shows: emerging terms (never ``own_terms``, the brand's own names),
    the cascade forecast, example mentions, and the emerging terms' clusters."""
    _explain(state, cfg, sig)
    ids = [(score, mid) for detail in state["d"].values() for score, mid in detail["ids"]]
    sig.sample_ids = [mid for _, mid in sorted(ids, key=lambda x: (-x[0], x[1]))[:5]]
    if sig.cascade_root is None:
        _cascade(state, cfg, sig, state["wm"])
    scored = emerging_terms(state, cfg, state["wm"], own_terms, limit=cfg.cluster_candidates)
    sig.terms = scored[: cfg.top_terms]
    posts = [p for detail in state["d"].values() for p in detail.get("p", ())]
    sig.clusters = term_clusters([t for t, _ in scored], posts)


def _topics(state: dict[str, Any], cfg: DetectorConfig, sig: WindowSignals, keys: tuple[str, ...],
            slots: tuple[tuple[int, int], ...], fraction: float) -> None:
    """Each topic's GLR, for the topics whose GLR may reach a severity: the others cannot change the level
    (``severity.assess``) nor the calm of the brand (``_evaluate``), and show nowhere in an alert."""
    lowest = min(cfg.watch_glr, cfg.warning_glr, cfg.critical_glr)
    last_key = keys[-1]
    for topic, sub in state["tp"].items():
        buckets, base = sub["b"], sub["base"]
        # _series's cache, plus the sums the bound needs: the closed buckets' voices and expected voices, summed
        # newest first (the same for the whole bucket).
        cache = _series_cache(state, "t" + topic)
        if not cache:
            _series(buckets, base, cfg, keys, slots, 1.0, None, cache)
            cache += (list(accumulate(reversed(cache[0]), initial=0.0)),
                      list(accumulate(reversed(cache[1][:-1]), initial=0.0)))
        phi = base["phi"]
        if glr_below_sums(buckets.get(last_key, 0.0), cache[1][-1] * fraction, cache[2], cache[3],
                          cfg.topic_min_window_buckets, phi, lowest):
            continue
        observed, expected = _series(buckets, base, cfg, keys, slots, fraction, None, cache)
        glr, _, o, e, _ = glr_scans(observed, expected, cfg.topic_min_window_buckets, phi)
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


def emerging_terms(state: dict[str, Any], cfg: DetectorConfig, now: int,
                   exclude: frozenset[str] = frozenset(), limit: int | None = None) -> list[tuple[str, float]]:
    """Terms over-represented in the last hour's negative mentions, best first, with a z-like score.

    A term's expected count is its usual share of the brand's negative vocabulary (decayed, ``vocab`` over
    ``vmass``) times the hour's own term count: a wave doubles every usual word ("flight" for an airline), and
    only the words it carries more than usual say what it is about. A term never seen before expects 0.
    ``exclude``: terms never shown, the brand's own names and hashtags (every mention of a brand names it, so
    its name rises with any wave and says nothing about what the wave is about)."""
    window = state["w"]["t"]
    half_life = cfg.vocab_half_life_ms
    mass = state.get("vmass")
    usual_mass = decayed(mass[0], mass[1], now, half_life) if mass else 0.0
    per_usual = sum(window.values()) / usual_mass if usual_mass > 0 else 0.0
    vocab = state["vocab"]
    scored = []
    for term, n in window.items():
        if n < 3 or term in exclude:
            continue
        entry = vocab.get(term)
        expected = decayed(entry[0], entry[1], now, half_life) * per_usual if entry else 0.0
        if n < cfg.emerging_min_ratio * expected:
            continue
        score = (n - expected) / math.sqrt(expected + 1.0)
        if score > cfg.emerging_min_score:
            scored.append((term, round(score, 2)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[: cfg.top_terms if limit is None else limit]
