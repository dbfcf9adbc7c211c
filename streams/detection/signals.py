"""The signals of a brand's window at an evaluation: what severity decides on and what an alert shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.detection.clusters import TermCluster


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
    # The brand's own voice since the episode began (conduct.voice): its public posts and replies, and how long ago
    # the latest was (-1: none since the episode began).
    brand_posts: int = 0
    minutes_since_brand_post: float = -1.0
    episode_minutes: float = 0.0
    # What ``window.compute`` left for ``window.complete`` when only what could escalate an open episode was asked
    # for: the day scale's arguments, the topic scans' arguments, and the topic compute named (before ``assess``).
    partial: bool = False
    deferred_day: tuple[list[float], float] | None = None
    deferred_topics: tuple[tuple[int, ...], tuple[tuple[int, int], ...], float] | None = None
    computed_topic: str | None = None

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
            "brand_posts_since_open": float(self.brand_posts),
            "minutes_since_brand_post": round(self.minutes_since_brand_post, 1),
        }
