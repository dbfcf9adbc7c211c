"""What the detector remembers about one brand, as typed snapshots.

One ``BrandState`` per brand lives in a Faust table keyed by brand id (and in the backtest's memory). Everything in
it is plain data: the detector's modules read and update it, ``codec.py`` turns it into the JSON written to the
changelog and back, older saved formats included. Nothing here computes a signal.

Who owns what (the module that writes a part is the one that reads it):

- ``volume.py``: the clock, the light ``Bucket`` counters, the seasonal ``Baseline`` (``seasonal.py``), topics' series,
  and the day-scale record ``day_voices``;
- ``breadth.py``: ``authors`` and copy clusters (``copies``), which make a mention an independent voice or not,
  and the hour's distinct authors (``WindowTotals.authors``);
- ``terms.py``: the hour's terms, the decayed negative vocabulary, the sampled posts' terms;
- ``cascades.py``: ``roots`` and ``cascades``;
- ``care.py``: the complaint queue (``pending``, ``overdue``), its alert, and the authors the brand answered;
- ``conduct.py``: the brand's own public posts and the silence alert;
- ``episodes.py``: the open ``Episode`` and the last one.

``Caches`` hold values derivable from the rest, for speed: kept in memory between evaluations, never saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

STATS = ("mentions", "negatives", "late", "duplicates", "no_author", "no_brand", "brand_replies", "reset_old_state",
         "answered_in_time", "answered_late", "complaints_untracked", "overdue_evicted", "authors_evicted",
         "came_back_negative", "personal_data_requests", "complaints_overdue")


@dataclass(slots=True)
class Bucket:
    """Light counters of one bucket (``bucket_ms`` of event time), for every mention it got."""

    total: int = 0  # mentions
    negatives: int = 0
    voices: float = 0.0  # independent negative voices: authors capped, copies and reposts weighed down
    first_time: float = 0.0  # voices of authors first seen in it
    engagement: int = 0  # reposts + replies + quotes counted on its negative posts
    reach: int = 0  # followers of its negative authors (capped ones left out)
    high_reach: int = 0  # negative posts from high-reach or verified authors
    relays: int = 0  # relays (reposts, replies, quotes) of recent negative posts, whatever their tone


@dataclass(slots=True)
class BucketDetail:
    """What one bucket of the last hour (``detail_buckets``) adds to the window: authors, terms, topics, examples."""

    authors: dict[str, int] = field(default_factory=dict)  # negative posts per author, in their own words
    terms: dict[str, int] = field(default_factory=dict)  # negative posts per term
    topics: dict[str, float] = field(default_factory=dict)  # voices per topic
    top_ids: list[tuple[int, str]] = field(default_factory=list)  # (engagement, id) of its 3 most engaging, best first
    posts: list[list[str]] = field(default_factory=list)  # a sample of its posts' terms (clusters.py)


@dataclass(slots=True)
class WindowTotals:
    """``BucketDetail``'s maps summed over the window's buckets, kept incrementally."""

    authors: dict[str, int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    topics: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Baseline:
    """Expected independent negative voices per bucket: level x hour-of-day x day-of-week (seasonal.py)."""

    level: float
    n: int = 0  # buckets learned
    hod: list[float] = field(default_factory=lambda: [1.0] * 24)  # hour-of-day factors, mean 1
    hodn: list[int] = field(default_factory=lambda: [0] * 24)  # buckets learned per hour of day
    dow: list[float] = field(default_factory=lambda: [1.0] * 7)  # day-of-week factors (Monday first), mean 1
    phi: float = 1.0  # quasi-Poisson dispersion
    day: list[Any] | None = None  # the day being folded: [day number, buckets folded, voices]
    weekday_voices: list[float] = field(default_factory=lambda: [0.0] * 7)  # decayed sums of whole days' voices...
    weekday_days: list[float] = field(default_factory=lambda: [0.0] * 7)  # ...and of whole days, per weekday


@dataclass(slots=True)
class TopicSeries:
    """A topic's own voices per bucket and its own baseline: a topic's wave can hide in a big brand's volume."""

    buckets: dict[int, float]
    baseline: Baseline


@dataclass(slots=True)
class Decayed:
    """A count halved every half-life: its value as of ``at``."""

    value: float
    at: int


@dataclass(slots=True)
class AuthorRecord:
    """An author of negative posts (breadth.py): how recently, how much, and when care alerts last named them."""

    first_seen: int
    last_seen: int
    recent: float  # decayed count of their recent negative posts...
    recent_at: int  # ...as of this time
    negative_times: list[int]  # times of their latest negative posts (at most ``repeat_count``)
    repeat_alert_at: int | None = None  # last repeat-critic alert
    reach_alert_at: int | None = None  # last high-reach alert


class Root(NamedTuple):
    """A recent negative post that may start a cascade."""

    at: int
    followers: int


@dataclass(slots=True)
class Cascade:
    """A negative root post and the posts relaying it (cascades.py, SEISMIC)."""

    t0: int
    events: list[list[int]]  # recent [time, audience] events, root first
    dropped_audience: int = 0  # audience of events dropped for space (fully spent)
    relays: int = 0
    last: int = 0


class PendingComplaint(NamedTuple):
    at: int
    author: str | None
    snippet: str
    url: str | None = None


class OverdueComplaint(NamedTuple):
    at: int
    due: int
    author: str | None
    snippet: str = ""
    url: str | None = None


@dataclass(slots=True)
class ComplaintsAlert:
    """The brand's open unanswered-complaints alert: one for all its complaints past the deadline (care.py)."""

    id: str
    opened: int
    last_emit: int
    changed: bool = False  # the list changed since the last update


@dataclass(slots=True)
class SilenceAlert:
    """An open alert that the brand has said nothing in public during a wave (conduct.py)."""

    id: str
    opened: int


class ReplyOutcome(NamedTuple):
    """A complaint the brand replied to: when it came, when the first reply came."""

    complained_at: int
    replied_at: int


@dataclass(slots=True)
class Episode:
    """The brand's open snowball episode (episodes.py)."""

    id: str
    opened: int
    severity: str
    last_emit: int
    calm_since: int | None
    topic: str | None
    peak_glr: float


@dataclass(slots=True)
class LastEpisode:
    id: str
    opened: int
    resolved: int


@dataclass(slots=True)
class Gauges:
    """The last evaluation's figures, for Prometheus."""

    score: float = 0.0
    negative_share: float = 0.0
    volume_ratio: float = 0.0
    distinct_authors: float = 0.0


@dataclass(slots=True)
class Caches:
    """Derivable from the rest of the state; in memory only, recomputed after a restore (window.py)."""

    day_sums: list[Any] | None = None  # the day-scale test's sums over learned buckets, for the current bucket
    day_terms: tuple[Any, int, list[float]] | None = None  # the learned buckets' reference terms (day_scale.py)
    series_bucket: int | None = None  # the bucket ``series`` was computed for
    series: dict[str, list[Any]] = field(default_factory=dict)  # "" (the brand) or "t" + topic -> its series cache


@dataclass(slots=True)
class BrandState:
    # Event-time clock (volume.py).
    watermark: int | None = None  # latest event time seen
    current: int | None = None  # start of the watermark's bucket
    first: int | None = None  # start of the first bucket seen
    folded: int | None = None  # start of the first bucket not yet folded into the baseline
    next_eval: int | None = None
    # Volume.
    buckets: dict[int, Bucket] = field(default_factory=dict)  # bucket start -> counters, the horizon
    details: dict[int, BucketDetail] = field(default_factory=dict)  # bucket start -> detail, the last hour
    window: WindowTotals = field(default_factory=WindowTotals)
    baseline: Baseline | None = None
    topics: dict[str, TopicSeries] = field(default_factory=dict)
    day_voices: list[float] = field(default_factory=list)  # voices of each learned bucket, 8 days, oldest first
    day_voices_start: int | None = None  # start of the bucket day_voices[0] counts
    # Breadth.
    authors: dict[str, AuthorRecord] = field(default_factory=dict)
    copies: dict[str, Decayed | str] = field(default_factory=dict)  # copy cluster key -> weight, or an alias key
    seen: dict[str, int] = field(default_factory=dict)  # recent mention ids, for duplicates (insertion order)
    # Cascades.
    roots: dict[str, Root] = field(default_factory=dict)
    cascades: dict[str, Cascade] = field(default_factory=dict)
    # Terms.
    vocab: dict[str, Decayed] = field(default_factory=dict)  # term -> decayed count in negative mentions
    vocab_mass: Decayed | None = None  # decayed count of every term folded into vocab (evicted ones too)
    # Care.
    pending: dict[str, PendingComplaint] = field(default_factory=dict)  # complaints awaiting a brand reply
    overdue: dict[str, OverdueComplaint] = field(default_factory=dict)  # past their deadline, still unanswered
    overdue_low: int | None = None  # a lower bound of the overdue complaints' due times (None: none)
    overdue_sorted: bool = True  # the overdue complaints' due times are in insertion order
    complaints_alert: ComplaintsAlert | None = None
    answered: dict[str, int] = field(default_factory=dict)  # author -> when the brand replied to their complaint
    # The brand's conduct.
    brand_posts: list[int] = field(default_factory=list)  # times of its recent public posts and replies
    silence_alert: SilenceAlert | None = None
    # Episodes.
    episode: Episode | None = None
    last_episode: LastEpisode | None = None
    calm: bool = False  # the last full evaluation found no evidence and no negative came since
    gauges: Gauges = field(default_factory=Gauges)
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATS, 0))
    caches: Caches = field(default_factory=Caches)  # never saved
    # Never saved either: what the brand's replies to complaints took since the caller last took them
    # (``care.take_replies``), for the reply-time metric and the backtest report.
    replies: list[ReplyOutcome] = field(default_factory=list)
