"""Volume: independent negative voices per bucket against the seasonal baseline, and the GLR scan over them.

The brand's buckets (``state.Bucket``) cover the horizon (``horizon_buckets``); closed buckets are learned into the
baseline an hour after they close (``learn``), once judged, so a wave is judged before it can be learned.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import repeat
from operator import attrgetter
from typing import Any

from streams.detection import seasonal
from streams.detection.config import DetectorConfig
from streams.detection.state import Baseline, BrandState, Bucket
from streams.detection.stats import doubling_time, glr_scans
from streams.timeunits import DAY_MS, HOUR_MS, hour_of_day, weekday

_NO_CELL = Bucket()  # a bucket without mentions, as the counters read (never written)
_voices = attrgetter("voices")


def cell(state: BrandState, bucket: int) -> Bucket:
    """The counters of ``bucket`` (created if new). A closed bucket that changes drops the series cache."""
    if bucket < state.current:
        state.caches.series_bucket = None
    cells = state.buckets
    found = cells.get(bucket)
    if found is None:
        found = cells[bucket] = Bucket()
    return found


def grid(bms: int, horizon: int, first: int, cur: int) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """The horizon's bucket starts, oldest first, and their (hour of day, day of week) slots: shared by the brand's
    series and every topic's."""
    return _grid(bms, max(first, cur - (horizon - 1) * bms), cur)


@lru_cache(maxsize=256)
def _grid(bms: int, start: int, cur: int) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """(A memo of a pure function: every evaluation in a bucket needs the same grid, whatever the brand once its
    history is longer than the horizon.)"""
    starts = range(start, cur + bms, bms)
    return tuple(starts), tuple(map(_slot, starts))


@lru_cache(maxsize=4096)
def _slot(start: int) -> tuple[int, int]:
    """(hour of day, day of week) of a bucket (a memo: the next bucket's grid shares all but one)."""
    return hour_of_day(start), weekday(start)


@lru_cache(maxsize=64)
def hour_keys(bms: int, buckets: int, cur: int) -> tuple[int, ...]:
    """The last ``buckets`` bucket starts ending at ``cur``, newest first (a memo of a pure function)."""
    return tuple(cur - i * bms for i in range(buckets))


def hour_cells(state: BrandState, cfg: DetectorConfig) -> list[Bucket]:
    """The counters of the window's buckets (the last hour) that have any, oldest first."""
    get = state.buckets.get
    return [c for k in hour_keys(cfg.bucket_ms, cfg.detail_buckets, state.current)[::-1] if (c := get(k)) is not None]


def series_cache(state: BrandState, name: str) -> list[Any]:
    """This bucket's cache entry of a series (see ``series``): name "" for the brand, "t" + topic for a topic."""
    caches = state.caches
    if caches.series_bucket != state.current:
        caches.series_bucket = state.current
        caches.series = {}
    entry = caches.series.get(name)
    if entry is None:
        entry = caches.series[name] = []
    return entry


def series(buckets: dict[int, Any], base: Baseline, cfg: DetectorConfig, keys: tuple[int, ...],
           slots: tuple[tuple[int, int], ...], fraction: float, counters: bool,
           cache: list[Any] | None = None) -> tuple[list[float], list[float]]:
    """Observed and expected voices per bucket over the horizon (``grid``), oldest first; the current bucket
    prorated. ``counters``: ``buckets`` holds ``Bucket`` counters (the brand's), else voices (a topic's).

    ``cache``: [closed buckets' observed voices, every bucket's expected voices] of this series for the current
    bucket (filled when empty). Both hold until the watermark enters the next bucket (which is when the
    baseline learns) or a late mention is counted in a closed bucket: ``cell`` drops the cache then.
    """
    get = buckets.get
    if cache:
        closed, full = cache[0], cache[1]
    else:
        # Look-ups in C (map), the same values: a missing bucket counts 0.0.
        if counters:
            closed = list(map(_voices, map(get, keys[:-1], repeat(_NO_CELL))))
        else:
            closed = list(map(get, keys[:-1], repeat(0.0)))
        level, hod, dow, floor = base.level, base.hod, base.dow, cfg.min_expected_per_bucket
        # seasonal.expected, inlined: "floor if floor > x else x" is max(x, floor), without a call per bucket.
        full = [floor if floor > (x := level * hod[h] * dow[d]) else x for h, d in slots]
        if cache is not None:
            cache += (closed, full)
    if counters:
        last = c.voices if (c := get(keys[-1])) is not None else 0.0
    else:
        last = get(keys[-1], 0.0)
    observed = closed + [last]
    expected = full[:-1]
    expected.append(full[-1] * fraction)
    return observed, expected


class Scan:
    """The brand's volume evidence at an evaluation (``scan``)."""

    __slots__ = ("glr", "window_buckets", "observed", "expected", "glr_short", "observed_series", "hour_voices",
                 "hour_expected", "doubling_min", "acceleration")


def scan(state: BrandState, cfg: DetectorConfig, keys: tuple[int, ...], slots: tuple[tuple[int, int], ...],
         fraction: float, short: bool) -> Scan:
    """The GLR scan of the brand's voices, the last hour's sums, and growth. ``short``: also the last hour's own
    statistic (an open episode calms down on it)."""
    observed, expected = series(state.buckets, state.baseline, cfg, keys, slots, fraction, True,
                                series_cache(state, ""))
    d = cfg.detail_buckets
    out = Scan()
    out.glr, out.window_buckets, out.observed, out.expected, out.glr_short = glr_scans(
        observed, expected, cfg.min_window_buckets, state.baseline.phi, d if short else 0)
    out.observed_series = observed
    out.hour_voices, out.hour_expected = sum(observed[-d:]), sum(expected[-d:])
    # Growth: voices per bucket in the last 30 minutes against the 30 before, and the 30 before that.
    r2 = sum(observed[-3:]) / (2 + fraction)
    r1 = sum(observed[-6:-3]) / 3
    r0 = sum(observed[-9:-6]) / 3
    out.doubling_min = doubling_time(r2 * 3, r1 * 3, 3 * cfg.bucket_ms)
    out.acceleration = math.log((r2 + 0.5) / (r1 + 0.5)) - math.log((r1 + 0.5) / (r0 + 0.5))
    return out


def learn(state: BrandState, bucket: int, cfg: DetectorConfig) -> None:
    """The watermark entered ``bucket``: learn the closed buckets now ``learn_delay_buckets`` old into the baselines
    (the brand's and its topics') and the day-scale record, then drop the buckets past the horizon.

    Soon enough for a new brand to get its baseline within hours, late enough that a wave is judged before it can be
    learned. Learning is winsorised, and capped at the baseline while an episode is open, so a wave never becomes
    the new normal (``seasonal.fold``).
    """
    bms = cfg.bucket_ms
    previous = state.current
    state.current = bucket
    episode = state.episode is not None
    young = cfg.learn_freely_buckets
    buckets = state.buckets
    topics = state.topics.values()
    learn_until = bucket - cfg.learn_delay_buckets * bms
    dv = state.day_voices
    base = state.baseline
    for s in range(max(state.folded, learn_until - cfg.fold_max_buckets * bms), learn_until, bms):
        c = buckets.get(s)
        voices = c.voices if c else 0.0
        if not dv:
            state.day_voices_start = s
        dv.append(round(voices, 3))  # the day-scale test's record of what came
        seasonal.fold(base, cfg, s, voices, episode and base.n >= young)
        for sub in topics:
            sb = sub.baseline
            seasonal.fold(sb, cfg, s, sub.buckets.get(s, 0.0), episode and sb.n >= young)
    state.folded = max(state.folded, learn_until)
    keep = cfg.day_reference_days * DAY_MS // bms + cfg.day_hours * HOUR_MS // bms
    if len(dv) > keep:
        state.day_voices_start += (len(dv) - keep) * bms
        del dv[: len(dv) - keep]
    horizon_start = bucket - (cfg.horizon_buckets - 1) * bms
    # Every bucket counted is in the horizon of the bucket it was counted in (older is late, not counted),
    # so what leaves the horizon now is what lies between the previous horizon's start and this one's.
    gone = range(previous - (cfg.horizon_buckets - 1) * bms, horizon_start, bms)
    for counts in [buckets, *(sub.buckets for sub in topics)]:
        if len(gone) < len(counts):
            for s in gone:
                counts.pop(s, None)
        else:
            for key in [k for k in counts if k < horizon_start]:
                del counts[key]
