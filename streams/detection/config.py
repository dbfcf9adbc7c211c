"""Detector knobs, in event-time units. Every threshold the detector uses lives here."""

from __future__ import annotations

from dataclasses import dataclass

from streams.timeunits import HOUR_MS, MINUTE_MS


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    # Time grid.
    bucket_ms: int = 10 * MINUTE_MS
    horizon_buckets: int = 36  # the GLR scans change points up to 6 hours back
    detail_buckets: int = 6  # authors, terms and topics are kept for the last hour only
    # Shortest window the brand's GLR judges: the current bucket and the one before (10 to 20 minutes), so the
    # first 20 minutes of an abrupt wave are not judged diluted by the quiet buckets before it. A topic's few
    # voices keep 30 minutes (see docs/detection.md, "Abrupt waves").
    min_window_buckets: int = 2
    topic_min_window_buckets: int = 3
    eval_interval_ms: int = MINUTE_MS  # full evaluation at most once per event-time minute

    # Seasonal baseline (expected independent negative voices per bucket).
    prior_voices_per_hour: float = 1.0
    prior_weight_buckets: float = 6.0  # how many buckets the prior counts for while learning
    level_memory_buckets: float = 144.0  # level EWMA memory: one day
    hour_memory_days: float = 7.0  # each hour-of-day factor remembers about a week of that hour
    hour_prior_days: float = 2.0  # ...and moves away from flat only as that hour is seen on several days
    weekday_memory_weeks: float = 4.0
    weekday_prior_voices: float = 20.0  # weekday factors learn from whole days, shrunk by this many voices' worth
    # A young baseline (fewer buckets learned than this) learns every bucket, winsorised, even while an episode
    # is open: its estimate is less certain than any wave (warm-up holds severities meanwhile), and capping it
    # would lock in the start-up level, e.g. a night learned as the brand's normal makes every day a "wave".
    learn_freely_buckets: int = 144
    learn_delay_buckets: int = 6  # a bucket is learned an hour after it closes, once it has been judged
    min_expected_per_bucket: float = 0.05
    max_dispersion: float = 4.0
    fold_max_buckets: int = 7 * 144  # a silence longer than a week is folded as one week

    # What counts as an independent negative voice.
    author_half_life_ms: int = HOUR_MS
    author_cap: float = 2.0  # an author counts for at most ~2 voices an hour: one troll is one voice
    fingerprint_cap: float = 2.0  # the same text from many accounts (copy-paste bots) counts ~twice
    repost_weight: float = 0.25  # a pure repost amplifies a complaint; it is not a new one

    # Snowball severities: GLR statistic (log-likelihood ratio / dispersion) and rate ratio.
    min_voices: float = 8.0
    min_authors: int = 6
    max_top_author_share: float = 0.34
    watch_glr: float = 8.0
    watch_ratio: float = 2.0
    warning_glr: float = 16.0
    warning_ratio: float = 2.0
    warning_authors: int = 15  # ...for a brand that usually has 7.5+ negative voices an hour; a smaller brand
    warning_authors_floor: int = 10  # needs warning_ratio x its usual hourly voices, never fewer than this
    # An abrupt wave (5x or more what was expected, over the last hour or less) reaches warning from 0.75 x
    # warning_glr (GLR 12 of 16): for the 0.5-3 voices such windows expect on a small brand, a Poisson tail of
    # 6e-8..7e-7 (docs/detection.md). A share, so that a team's stricter warning_glr is stricter here too.
    abrupt_glr_share: float = 0.75
    abrupt_ratio: float = 5.0
    abrupt_window_min: float = 60.0
    critical_glr: float = 24.0  # critical asks size (4x, breadth, growth) on top of warning-grade evidence
    critical_ratio: float = 4.0
    critical_authors: int = 30  # ...for a brand that usually has 7.5+ negative voices an hour; a smaller brand
    critical_authors_floor: int = 20  # needs critical_ratio x its usual hourly voices, never fewer than this
    critical_doubling_min: float = 90.0  # critical needs growth still doubling faster than this
    # Sustained surge (day scale): the last 12..24 hours against the same hours of the days before (2 to 7 of them,
    # as many as the history holds behind a whole-day window; adjusted by the learned weekday profile), a binomial
    # GLR. A big brand's day-long rise of 1.5x is strong evidence but never 2x in any 6-hour window; it reaches
    # warning (never higher) on its own terms. See docs/detection.md.
    day_hours: int = 24
    day_min_window_hours: int = 12
    day_reference_days: int = 7  # at most: a week of the same hours, each weekday once
    day_min_reference_days: int = 2
    # ...and the newest hours must still be sustained_ratio x the same hours of those days: the surge goes on. Hours,
    # not one hour: a small brand's hour is a few voices, as likely 1.4x by chance as not.
    day_recent_hours: int = 6
    sustained_ratio: float = 1.4
    cold_start_ms: int = 3 * HOUR_MS  # no snowball alert before a brand has this much history at all
    warmup_ms: int = 48 * HOUR_MS  # before this much history (or two days of this hour), the rhythm is unknown:
    warmup_doubling_min: float = 45.0  # ...so warning and above need growth doubling at least this fast

    # Lifecycle.
    update_interval_ms: int = 30 * MINUTE_MS  # same-severity updates at most this often
    resolve_glr: float = 3.0
    resolve_ratio: float = 1.5
    resolve_hold_ms: int = 30 * MINUTE_MS  # calm must last this long before resolution (hysteresis)
    reopen_window_ms: int = 2 * HOUR_MS  # a wave that flares up again this soon keeps its alert id

    # Community-manager alerts.
    answer_deadline_ms: int = 2 * HOUR_MS
    complaint_intents: tuple[str, ...] = ("complaint", "urgent", "question")
    unanswered_update_interval_ms: int = 30 * MINUTE_MS  # the brand's unanswered-complaints alert: updates at most
    complaints_listed: int = 50  # ...this often, listing at most this many complaints (oldest first; all counted)
    came_back_window_ms: int = 24 * HOUR_MS  # a complaint's author negative again this soon after the brand's reply
    brand_silence_ms: int = 60 * MINUTE_MS  # a warning or critical wave with no public word from the brand this long
    repeat_count: int = 5  # negative mentions by one author...
    repeat_window_ms: int = 24 * HOUR_MS  # ...within this long make a repeat critic
    repeat_cooldown_ms: int = 24 * HOUR_MS
    high_reach_followers: int = 100_000
    very_high_reach_followers: int = 1_000_000
    high_reach_cooldown_ms: int = 6 * HOUR_MS

    # Cascade forecast (SEISMIC, Zhao et al. 2015).
    seismic_theta: float = 0.242
    seismic_s0_ms: int = 5 * MINUTE_MS
    seismic_default_followers: int = 100

    # Memory bounds (per brand state).
    # The state is written to the changelog once per batch, so these bound its size (see docs/detection.md).
    max_authors: int = 2000  # least recently seen evicted: on a brand with 25 negatives a minute, ~80 minutes
    max_fingerprints: int = 1000  # copy clusters and aliases; clusters decayed below fingerprint_drop also go
    fingerprint_drop: float = 0.05  # a cluster's weight this low (~4 half-lives after one post) can flag no copy
    max_seen_ids: int = 2000  # a second line behind enrichment's seen-mentions table: redeliveries are recent
    max_cascades: int = 100
    max_cascade_events: int = 200
    max_roots: int = 500
    max_pending: int = 1000
    max_overdue: int = 500
    max_brand_posts: int = 200  # the brand's own recent public posts and replies (times)
    max_answered: int = 1000  # authors the brand answered recently, watched for coming back negative
    overdue_retention_ms: int = 24 * HOUR_MS
    max_vocab: int = 1500
    vocab_half_life_ms: int = 24 * HOUR_MS
    top_terms: int = 8
    emerging_min_score: float = 1.5  # (n - expected) / sqrt(expected + 1), n a term's count in the hour
    emerging_min_ratio: float = 1.5  # ...and n at least this many times its usual share of the hour's words
    cluster_candidates: int = 16  # emerging terms grouped into clusters (clusters.py)...
    cluster_posts_per_bucket: int = 40  # ...by the terms of at most this many negative posts a bucket
    max_topics: int = 16
