"""Topics (billing, delivery...): each has its own series of voices and baseline, so a wave of one topic is seen
inside a big brand's volume, and an alert names the topic that leads the hour."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate

from streams.detection import seasonal, volume
from streams.detection.config import DetectorConfig
from streams.detection.state import BrandState, BucketDetail, TopicSeries
from streams.detection.stats import glr_below_sums, glr_scans


def count(state: BrandState, topics: Iterable[str], bucket: int, weight: float, detail: BucketDetail | None,
          cfg: DetectorConfig) -> None:
    """Add a negative post's voice weight to each of its topics (new topics up to ``max_topics``)."""
    series = state.topics
    for topic in topics:
        sub = series.get(topic)
        if sub is None:
            if len(series) >= cfg.max_topics:
                continue
            sub = series[topic] = TopicSeries({}, seasonal.new_baseline(cfg))
        sb = sub.buckets
        sb[bucket] = sb.get(bucket, 0.0) + weight
        if detail is not None:
            dtp, wtp = detail.topics, state.window.topics
            dtp[topic] = dtp.get(topic, 0.0) + weight
            wtp[topic] = wtp.get(topic, 0.0) + weight


def leading(state: BrandState, voices_hour: float) -> tuple[str | None, float]:
    """(the topic carrying most of the window's voices, its share) when it carries half or more; else (None, 0)."""
    topics = state.window.topics
    if topics:
        topic = min(topics, key=lambda k: (-topics[k], k))
        share = topics[topic] / voices_hour if voices_hour else 0.0
        if share >= 0.5:
            return topic, min(share, 1.0)
    return None, 0.0


def scans(state: BrandState, cfg: DetectorConfig, keys: tuple[int, ...], slots: tuple[tuple[int, int], ...],
          fraction: float, floor: float | None = None) -> dict[str, tuple[float, float, float]]:
    """(GLR, observed, expected) of each topic whose GLR may reach a severity: the others cannot change the level
    (``severity.assess``) nor the calm of the brand, and show nowhere in an alert. ``floor``: a higher GLR than the
    lowest severity's, when only the topics that may reach it matter (``window.compute``)."""
    out = {}
    lowest = min(cfg.watch_glr, cfg.warning_glr, cfg.critical_glr) if floor is None else floor
    last_key = keys[-1]
    for topic, sub in state.topics.items():
        buckets, base = sub.buckets, sub.baseline
        # The series cache, plus the sums the bound needs: the closed buckets' voices and expected voices, summed
        # newest first (the same for the whole bucket).
        cache = volume.series_cache(state, "t" + topic)
        if not cache:
            volume.series(buckets, base, cfg, keys, slots, 1.0, False, cache)
            cache += (list(accumulate(reversed(cache[0]), initial=0.0)),
                      list(accumulate(reversed(cache[1][:-1]), initial=0.0)))
        phi = base.phi
        if glr_below_sums(buckets.get(last_key, 0.0), cache[1][-1] * fraction, cache[2], cache[3],
                          cfg.topic_min_window_buckets, phi, lowest):
            continue
        observed, expected = volume.series(buckets, base, cfg, keys, slots, fraction, False, cache)
        glr, _, o, e, _ = glr_scans(observed, expected, cfg.topic_min_window_buckets, phi)
        out[topic] = (glr, o, e)
    return out
