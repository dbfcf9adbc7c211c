"""Detector knobs, in event-time units."""

from __future__ import annotations

from dataclasses import dataclass

MINUTE_MS = 60_000


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    bucket_ms: int = 10 * MINUTE_MS
    window_buckets: int = 6  # the "now" window the detector judges: 1 hour
    baseline_alpha: float = 0.05  # EWMA weight of each closed bucket
    baseline_floor: float = 0.5  # negatives per bucket assumed at least, so a quiet brand is not hair-trigger
    min_negatives: int = 12  # negatives in the window before any alert
    min_authors: int = 8  # distinct negative authors in the window before any alert
    max_author_share: float = 0.3  # above this, one voice dominates: a troll, not a snowball
    watch_ratio: float = 3.0  # window negatives / expected
    warning_ratio: float = 6.0
    critical_ratio: float = 12.0
    resolve_ratio: float = 1.5  # hysteresis: resolve only well below the watch level
    update_interval_ms: int = 30 * MINUTE_MS  # same-severity updates at most this often
