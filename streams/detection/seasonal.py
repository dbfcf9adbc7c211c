"""A seasonal baseline of independent negative voices: level x hour-of-day x day-of-week, learned in event time.

The state is a plain dict so it lives inside the brand's JSON state. Learning is an EWMA that starts as a
running mean shrunk toward a prior, so a new brand is neither hair-trigger nor blind on its first day.
"""

from __future__ import annotations

import math
from typing import Any

from streams.detection.config import DetectorConfig

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def new_baseline(cfg: DetectorConfig) -> dict[str, Any]:
    return {
        "level": cfg.prior_voices_per_hour * cfg.bucket_ms / HOUR_MS,
        "n": 0,
        "hod": [1.0] * 24,
        "hodn": [0] * 24,
        "dow": [1.0] * 7,
        "down": [0] * 7,
        "phi": 1.0,
    }


def slots(t: int) -> tuple[int, int]:
    """(hour of day, day of week with Monday 0), in UTC: the profile learns whatever the brand's local rhythm is."""
    return (t // HOUR_MS) % 24, (t // DAY_MS + 3) % 7


def expected(base: dict[str, Any], cfg: DetectorConfig, t: int) -> float:
    h, d = slots(t)
    return max(base["level"] * base["hod"][h] * base["dow"][d], cfg.min_expected_per_bucket)


def fold(base: dict[str, Any], cfg: DetectorConfig, t: int, observed: float, frozen: bool) -> None:
    """Learn from one closed bucket. ``frozen`` (an episode is open): a wave must not become the new normal."""
    h, d = (t // HOUR_MS) % 24, (t // DAY_MS + 3) % 7  # slots(t)
    hod, dow = base["hod"], base["dow"]
    mu = max(base["level"] * hod[h] * dow[d], cfg.min_expected_per_bucket)  # expected(base, cfg, t)
    if frozen:
        # Learn only a little of the wave: enough that a level lasting days becomes the new normal (and a
        # baseline learned too low at start-up catches up), too little for one wave to hide itself.
        x = min(observed, 1.5 * mu)
    else:
        # Winsorise: one odd bucket moves the baseline a little, never a lot.
        x = min(observed, mu + 3.0 * math.sqrt(base["phi"] * mu) + 1.0)
        residual = (observed - mu) ** 2 / max(mu, 0.5)
        base["phi"] = min(cfg.max_dispersion, max(1.0, base["phi"] + 0.01 * (min(residual, 10.0) - base["phi"])))
    base["n"] += 1
    n = base["n"]
    level = base["level"]
    seasonal = hod[h] * dow[d]
    a_level = max(1.0 / (n + cfg.prior_weight_buckets), 1.0 / cfg.level_memory_buckets)
    base["level"] = level = level + a_level * (x / seasonal - level)
    if level <= 0:
        return
    buckets_per_hour = HOUR_MS / cfg.bucket_ms
    base["hodn"][h] += 1
    a_hod = max(1.0 / (base["hodn"][h] + cfg.hour_prior_days * buckets_per_hour),
                1.0 / (cfg.hour_memory_days * buckets_per_hour))
    hod[h] = min(10.0, max(0.1, hod[h] + a_hod * (min(x / (level * dow[d]), 10.0) - hod[h])))
    base["down"][d] += 1
    a_dow = max(1.0 / (base["down"][d] + 24 * buckets_per_hour),
                1.0 / (cfg.weekday_memory_weeks * 24 * buckets_per_hour))
    dow[d] = min(5.0, max(0.2, dow[d] + a_dow * (min(x / (level * hod[h]), 10.0) - dow[d])))
    # Keep the factors' means at 1 so the level stays "voices per average bucket".
    for factors in (hod, dow):
        mean = sum(factors) / len(factors)
        factors[:] = [f / mean for f in factors]  # in place
