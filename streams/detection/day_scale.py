"""Sustained surges: the last 12..24 hours of voices against the same hours of the previous days (the day scale).

A big brand's day-long rise of 1.5x is strong evidence but never 2x in any 6-hour window: the GLR scan of
``volume.py`` misses it, this test does not. ``state.day_voices`` is its record of learned buckets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

from streams.detection.config import DetectorConfig
from streams.detection.signals import WindowSignals
from streams.detection.state import BrandState
from streams.timeunits import DAY_MS, HOUR_MS, weekday, weekday_of_day


def scan(state: BrandState, cfg: DetectorConfig, sig: WindowSignals, observed: list[float], fraction: float) -> None:
    """Sustained surge: the last 12..24 hours (hourly steps) against the same hours of the previous days.

    ``observed`` ends with the buckets not learned yet (the current one partial, ``fraction`` of it elapsed).
    The reference is each previous day's count of the same buckets (``reference_days`` of them), scaled by the
    learned weekday factors (today's over that day's). Under "no change" today's share of today + reference is
    1/(1 + days): the statistic is that binomial log-likelihood ratio, so the reference's own noise is in the test.

    Only the newest buckets (not learned yet) change between two evaluations in the same bucket: the sums over
    the learned part of each candidate window (``_day_sums``) are computed once per bucket and kept in the
    in-memory state (``caches.day_sums``, keyed by the bucket they were computed for; never written to the changelog);
    an evaluation adds the few live buckets to them.
    """
    dv = state.day_voices
    live = len(observed)
    days = reference_days(len(dv) + live if dv else 0, cfg)
    if not days:
        return
    bms = cfg.bucket_ms
    per_day = DAY_MS // bms
    nd = len(dv)
    n = nd + live
    kmax = min(cfg.day_hours * HOUR_MS // bms, n - days * per_day)
    step = HOUR_MS // bms
    if live < step:  # only while a brand is younger than an hour, which is never 2.5 days of history
        _day_scan_full(state, cfg, sig, observed, fraction)
        return
    cur = state.current
    dow = state.baseline.dow
    sums = state.caches.day_sums
    if sums is None or sums[0] != cur or sums[1] != live:
        sums = state.caches.day_sums = _day_sums(dow, cfg, dv, cur, live, kmax, days,
                                                 _learned_terms(state, cfg, cur, live, kmax, days))
        sums.append(_live_references(dow, cfg, dv, cur, live, kmax, days))
    # The live buckets (newest first), exactly as a full scan would add them: "for k: o += observed; for j:
    # r += w * reference * today / that day", w the elapsed fraction for the current bucket (k = 1) and 1.0 for
    # the others, whose terms are the same all through the bucket (cached); running sums with accumulate.
    top = min(live, kmax)
    today = dow[weekday(cur)]
    terms = [fraction * dv[nd - (1 - live) - j * per_day] * today / dow[weekday(cur - j * DAY_MS)]
             for j in range(1, days + 1)]
    terms += sums[6]
    os_ = list(accumulate(observed[live - top:][::-1]))
    rs = list(accumulate(terms))
    o, r = os_[-1], rs[-1]
    recent = cfg.day_recent_hours * HOUR_MS // bms
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


def _live_references(dow: list[float], cfg: DetectorConfig, dv: list[float], cur: int, live: int,
                     kmax: int, days: int) -> list[float]:
    """The reference terms of the live buckets k = 2 .. min(live, kmax) of ``day_scan`` (k = 1, the current
    bucket, is weighted by the elapsed fraction), in the order the scan adds them."""
    bms = cfg.bucket_ms
    per_day = DAY_MS // bms
    nd = len(dv)
    out = []
    for k in range(2, min(live, kmax) + 1):
        t = cur - (k - 1) * bms
        today = dow[weekday(t)]
        for j in range(1, days + 1):
            out.append(1.0 * dv[nd - (k - live) - j * per_day] * today / dow[weekday(t - j * DAY_MS)])
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
            sig.day_hours, sig.day_observed, sig.day_expected = (k - 1 + fraction) * bms / HOUR_MS, o, r / days
    if best > 0:
        sig.day_glr = best
        sig.day_ratio = sig.day_observed / sig.day_expected if sig.day_expected > 0 else 99.0


def _day_sums(dow: list[float], cfg: DetectorConfig, dv: list[float], cur: int, live: int,
              kmax: int, days: int, terms: list[float] | None = None) -> list[Any]:
    """[cur, live, windows k, learned voices, learned reference, (voices, reference) of the recent window's learned
    buckets or None] of the candidate windows of ``day_scan``.

    For each candidate window length k (hourly steps from ``day_min_window_hours``), and for the recent window
    (``day_recent_hours``) when it is longer than the live buckets, the voices of its learned buckets (k > live,
    all in ``dv``) and their weekday-adjusted reference. Valid while the bucket and the
    number of live buckets are those it was computed for: ``dv`` and the weekday factors only change when
    the watermark enters a new bucket. ``terms``: the learned buckets' ``_reference_terms``, when known.
    """
    bms = cfg.bucket_ms
    start_min = cfg.day_min_window_hours * HOUR_MS // bms
    step = HOUR_MS // bms
    nd = len(dv)
    m = kmax - live  # learned buckets of the longest window: dv[nd - 1] (k = live + 1) back to dv[nd - m] (k = kmax)
    if m <= 0:
        return [cur, live, [], [], [], None]
    # The loop "for k: o += dv[i]; for j: r += dv[i - j * per_day] * today / that day" as running sums over lists
    # (itertools.accumulate adds in the same order, so the sums are the same floats).
    o = list(accumulate(dv[nd - 1:nd - m - 1:-1] if nd > m else dv[::-1]))
    if terms is None:
        terms = _reference_terms(dow, dv, cur, live, live + 1, kmax, days, bms)
    r = list(accumulate(terms))[days - 1::days]
    ks, os_, rs = [], [], []
    recent = cfg.day_recent_hours * HOUR_MS // bms
    recent_sums = (o[recent - live - 1], r[recent - live - 1]) if live < recent <= kmax else None
    first = max(live + 1, start_min)
    for k in range(first + (-first) % step, kmax + 1, step):  # the windows judged: whole hours, 12 h or more
        ks.append(k)
        os_.append(o[k - live - 1])
        rs.append(r[k - live - 1])
    return [cur, live, ks, os_, rs, recent_sums]


def _reference_terms(dow: list[float], dv: list[float], cur: int, live: int, k_first: int, k_last: int,
                     days: int, bms: int) -> list[float]:
    """The reference terms "dv[i - j * per_day] * today / that day" of the learned buckets k = k_first .. k_last
    (newest first; ``dv[nd - (k - live)]`` is bucket k's voices), interleaved as the scan adds them: bucket k_first
    day 1, bucket k_first day 2, ..., then bucket k_first + 1."""
    per_day = DAY_MS // bms
    nd = len(dv)
    # Weekday of each bucket, built a day at a time.
    weekdays: list[int] = []
    k = k_first
    while k <= k_last:
        day = (cur - (k - 1) * bms) // DAY_MS
        end = min(k_last, (cur - day * DAY_MS) // bms + 1)  # the oldest bucket of that day
        weekdays += [weekday_of_day(day)] * (end - k + 1)
        k = end + 1
    today = [dow[w] for w in weekdays]
    terms = [0.0] * (days * len(weekdays))
    for j in range(1, days + 1):
        # dv[i - j * per_day] for i = nd - (k_first - live) down to nd - (k_last - live)
        lo, hi = nd - (k_last - live) - j * per_day, nd - (k_first - live) - j * per_day + 1
        ref = dv[hi - 1:lo - 1:-1] if lo > 0 else dv[hi - 1::-1]
        terms[j - 1::days] = [x * a / dow[(w - j) % 7] for x, a, w in zip(ref, today, weekdays, strict=True)]
    return terms


def _learned_terms(state: BrandState, cfg: DetectorConfig, cur: int, live: int, kmax: int,
                   days: int) -> list[float]:
    """``_reference_terms`` of the learned buckets k = live + 1 .. kmax, from the previous bucket's when they hold.

    A learned bucket's terms never change while the weekday factors and the number of days do not (its voices
    and its reference days' are recorded, its weekday is its own): when the watermark enters the next bucket,
    the terms of the buckets learned since are computed and put in front, and the oldest dropped. Each ``dv``
    value is known by its place in the whole record (``day_voices_start`` counts the ones dropped), so a bucket
    keeps its terms whatever was dropped (``caches.day_terms``; never saved)."""
    dv, dow, bms = state.day_voices, state.baseline.dow, cfg.bucket_ms
    if state.day_voices_start is None:  # a state built by hand: no place to know the buckets by
        return _reference_terms(dow, dv, cur, live, live + 1, kmax, days, bms)
    m = kmax - live
    newest = state.day_voices_start // bms + len(dv) - 1  # the place of dv[-1] (bucket k = live + 1)
    # What ties places to times: the same while buckets are learned one after another (a silence folded as one
    # week breaks it).
    key = (days, tuple(dow), cur // bms - live - newest)
    cached = state.caches.day_terms
    if cached is not None and cached[0] == key:
        _, had_newest, had = cached
        added = newest - had_newest
        if 0 <= added and (m - added) * days <= len(had):
            terms = had[: max(m - added, 0) * days]
            if added:
                terms[:0] = _reference_terms(dow, dv, cur, live, live + 1, live + min(added, m), days, bms)
            state.caches.day_terms = (key, newest, terms)
            return terms
    terms = _reference_terms(dow, dv, cur, live, live + 1, kmax, days, bms)
    state.caches.day_terms = (key, newest, terms)
    return terms


def reference_days(n: int, cfg: DetectorConfig) -> int:
    """How many previous days the day-scale test compares with, given ``n`` buckets of history (learned and live);
    0: not enough for the fewest days behind the shortest window.

    As many whole days as fit behind the longest window, up to ``day_reference_days`` (a week: each weekday once),
    at least ``day_min_reference_days``: the more days, the less the reference's own noise hides a surge (and the
    less one unusual day of the reference does). A brand with fewer than the fewest days plus the longest window
    of history is judged on shorter windows, as long as the shortest still fits.
    """
    per_day = DAY_MS // cfg.bucket_ms
    longest = cfg.day_hours * HOUR_MS // cfg.bucket_ms
    shortest = cfg.day_min_window_hours * HOUR_MS // cfg.bucket_ms
    days = max(cfg.day_min_reference_days, min(cfg.day_reference_days, (n - longest) // per_day))
    return days if n >= days * per_day + shortest else 0


def _day_scan_full(state: BrandState, cfg: DetectorConfig, sig: WindowSignals, observed: list[float],
                   fraction: float) -> None:
    """The day-scale scan over every bucket (the reference of ``day_scan``'s incremental sums)."""
    dv = state.day_voices
    days = reference_days(len(dv) + len(observed) if dv else 0, cfg)
    if not days:
        return
    bms = cfg.bucket_ms
    per_day = DAY_MS // bms
    series = dv + observed  # voices per bucket, oldest first, ending at the current bucket
    n = len(series)
    longest = cfg.day_hours * HOUR_MS // bms
    dow = state.baseline.dow
    cur = state.current
    start_min = cfg.day_min_window_hours * HOUR_MS // bms
    step = HOUR_MS // bms
    recent = cfg.day_recent_hours * HOUR_MS // bms
    sig.day_reference_days = days
    o = r = 0.0
    windows = []
    for k in range(1, min(longest, n - days * per_day) + 1):
        t = cur - (k - 1) * bms
        w = fraction if k == 1 else 1.0
        o += series[n - k]
        today = dow[weekday(t)]
        for j in range(1, days + 1):
            r += w * series[n - k - j * per_day] * today / dow[weekday(t - j * DAY_MS)]
        if k == recent:
            sig.day_ratio_recent = _day_ratio(o, r, days)
        if k >= start_min and not k % step:
            windows.append((k, o, r))
    _keep_best_day_window(sig, windows, days, fraction, bms)
