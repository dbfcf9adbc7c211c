"""A seasonal baseline of independent negative voices: level x hour-of-day x day-of-week, learned in event time.

The state is a ``state.Baseline``. The level and the hour-of-day factors
learn bucket by bucket, by EWMAs that start as running means shrunk toward a prior, so a new brand is neither
hair-trigger nor blind on its first day. The day-of-week factors learn once a day, from whole days' totals:
learned bucket by bucket from the same residual as the others, the faster level and hours absorbed the weekly
cycle before the weekday factors could (weekends read 0.9 of a week for a true 0.5, then Monday high and
Tuesday low: false afternoon waves; docs/detection.md).
"""

from __future__ import annotations

import math

from streams.detection.config import DetectorConfig
from streams.detection.state import Baseline
from streams.timeunits import DAY_MS, HOUR_MS, hour_of_day, weekday, weekday_of_day


def new_baseline(cfg: DetectorConfig) -> Baseline:
    return Baseline(level=cfg.prior_voices_per_hour * cfg.bucket_ms / HOUR_MS)


def slots(t: int) -> tuple[int, int]:
    """(hour of day, day of week with Monday 0), in UTC: the profile learns whatever the brand's local rhythm is."""
    return hour_of_day(t), weekday(t)


def expected(base: Baseline, cfg: DetectorConfig, t: int) -> float:
    h, d = slots(t)
    return max(base.level * base.hod[h] * base.dow[d], cfg.min_expected_per_bucket)


def fold(base: Baseline, cfg: DetectorConfig, t: int, observed: float, frozen: bool) -> None:
    """Learn from one closed bucket. ``frozen`` (an episode is open): a wave must not become the new normal."""
    h, d = hour_of_day(t), weekday(t)
    hod, dow = base.hod, base.dow
    mu = max(base.level * hod[h] * dow[d], cfg.min_expected_per_bucket)  # expected(base, cfg, t)
    if frozen:
        # Learn only a little of the wave: enough that a level lasting days becomes the new normal (and a
        # baseline learned too low at start-up catches up), too little for one wave to hide itself.
        x = min(observed, 1.5 * mu)
    else:
        # Winsorise: one odd bucket moves the baseline a little, never a lot.
        x = min(observed, mu + 3.0 * math.sqrt(base.phi * mu) + 1.0)
        residual = (observed - mu) ** 2 / max(mu, 0.5)
        base.phi = min(cfg.max_dispersion, max(1.0, base.phi + 0.01 * (min(residual, 10.0) - base.phi)))
    base.n += 1
    n = base.n
    level = base.level
    seasonal = hod[h] * dow[d]
    a_level = max(1.0 / (n + cfg.prior_weight_buckets), 1.0 / cfg.level_memory_buckets)
    base.level = level = level + a_level * (x / seasonal - level)
    if level <= 0:
        return
    buckets_per_hour = HOUR_MS / cfg.bucket_ms
    base.hodn[h] += 1
    a_hod = max(1.0 / (base.hodn[h] + cfg.hour_prior_days * buckets_per_hour),
                1.0 / (cfg.hour_memory_days * buckets_per_hour))
    hod[h] = min(10.0, max(0.1, hod[h] + a_hod * (min(x / (level * dow[d]), 10.0) - hod[h])))
    # Keep the factors' means at 1 so the level stays "voices per average bucket".
    mean = sum(hod) / 24
    hod[:] = [f / mean for f in hod]  # in place
    # The day's voices, as learned (winsorised, capped during an episode), for the weekday factors.
    day = t // DAY_MS
    acc = base.day  # [day, buckets folded, voices]
    if acc is None or acc[0] != day:
        if acc is not None and acc[1] == DAY_MS // cfg.bucket_ms:
            _learn_weekday(base, cfg, acc[0], acc[2])
        acc = base.day = [day, 0, 0.0]
    acc[1] += 1
    acc[2] = round(acc[2] + x, 3)


def _learn_weekday(base: Baseline, cfg: DetectorConfig, day: int, voices: float) -> None:
    """Learn the weekday factors from one whole day (every bucket of it folded: a brand's first, partial day
    would bias its weekday, e.g. a Monday seen from 06:00 has no night).

    Per weekday, decayed sums of day totals and of days (``weekday_memory_weeks``); each weekday's mean day is
    shrunk toward the mean of all days by ``weekday_prior_voices`` worth of days (one day at most): a sparse
    brand's odd Saturday moves Saturday halfway at most, a busy brand's weekly rhythm is learned nearly unbiased.
    """
    sums, days = base.weekday_voices, base.weekday_days
    d = weekday_of_day(day)
    keep = 1.0 - 1.0 / cfg.weekday_memory_weeks
    sums[d] = round(sums[d] * keep + voices, 3)
    days[d] = round(days[d] * keep + 1.0, 6)
    overall = sum(sums) / sum(days)
    prior = min(1.0, cfg.weekday_prior_voices / overall) if overall > 0 else 1.0
    means = [(v + prior * overall) / (n + prior) for v, n in zip(sums, days, strict=True)]
    mean = sum(means) / 7
    if mean > 0:
        base.dow[:] = [min(5.0, max(0.2, v / mean)) for v in means]  # in place
