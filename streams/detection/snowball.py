"""Snowball detector: is a brand's negative wave building, and how fast, in event time.

The state is one ``state.BrandState`` per brand, so it lives in a Faust table keyed by brand id (``codec.py`` saves
it). ``process`` is pure and deterministic: no clock, no randomness, no I/O. For speed it updates the state it is
given in place and returns it; callers that need the old state keep a copy.

Per mention the hot path only updates counters, each in the module that owns it (volume, breadth, terms, topics,
cascades, care). The full evaluation (GLR scan, breadth, cascades, terms) runs at most once per event-time
``eval_interval_ms``, so a busy brand costs microseconds per mention.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from streams.detection import breadth, care, cascades, conduct, seasonal, terms, topics, volume
from streams.detection.config import DetectorConfig
from streams.detection.episodes import Lifecycle
from streams.detection.memory import evict_oldest_inserted
from streams.detection.state import STATS, BrandState, BucketDetail, Gauges, ReplyOutcome
from streams.detection.window import compute
from streams.models import Alert, ClassifiedMention, Sentiment, Severity

GAUGES = ("score", "negative_share", "open_alerts_watch", "open_alerts_warning", "open_alerts_critical",
          "unanswered_complaints", "volume_ratio", "distinct_authors", "brand_silent")


class SnowballDetector:
    def __init__(self, config: DetectorConfig | None = None,
                 brand_names: Mapping[str, Iterable[str]] | None = None) -> None:
        """``brand_names``: brand id -> the brand's own names, aliases, handles and hashtags (the brands file's),
        never shown as emerging terms; without it, only the brand id's forms are left out (``own_terms``)."""
        self.config = config or DetectorConfig()
        self._brand_names = {k: tuple(v) for k, v in (brand_names or {}).items()}
        self._own_terms: dict[str, frozenset[str]] = {}
        self.lifecycle = Lifecycle(self.config, self.own_terms)
        self._complaint_intents = frozenset(self.config.complaint_intents)
        self._late_span = (self.config.horizon_buckets - 1) * self.config.bucket_ms
        self._bms = self.config.bucket_ms
        self._eval_ms = self.config.eval_interval_ms
        self._silence_ms = self.config.resolve_hold_ms  # a silence this long may resolve an episode on its own
        self._max_seen = self.config.max_seen_ids

    def new_state(self) -> BrandState:
        return BrandState(baseline=seasonal.new_baseline(self.config))

    def process(self, state: BrandState | None, cm: ClassifiedMention) -> tuple[BrandState, list[Alert]]:
        if state is None:
            state = self.new_state()
        stats = state.stats
        enr = cm.enrichment
        brand_id = enr.brand_id
        if not brand_id:
            stats["no_brand"] += 1
            return state, []
        m = cm.mention
        mid = m.id
        seen = state.seen
        if mid in seen:
            stats["duplicates"] += 1
            return state, []
        seen[mid] = 1
        if len(seen) > self._max_seen:
            evict_oldest_inserted(seen, self._max_seen)
        stats["mentions"] += 1
        t = m.created_at
        bucket = t - t % self._bms
        wm = state.watermark
        if wm is None:
            state.watermark, state.current, state.first, state.folded = t, bucket, bucket, bucket
            state.next_eval = wm = t
            if state.baseline is None:  # a state reset from an unreadable saved one (codec.py)
                state.baseline = seasonal.new_baseline(self.config)
        if state.episode is not None and t - wm >= self._silence_ms:
            silence = self._judge_silence(state, brand_id, t)  # before this mention, which ends the silence
        else:
            silence = None
        if enr.is_brand_account or m.from_brand_account:
            stats["brand_replies"] += 1
            care.brand_reply(state, cm, self.config)
            alerts = conduct.brand_post(state, cm, brand_id, self.config)
        elif bucket < state.current - self._late_span:
            stats["late"] += 1  # older than the whole horizon: its window was judged already
            alerts = []
        else:
            alerts = self._count(state, cm, bucket)  # a fresh list: extended below
        if t > wm:
            state.watermark = wm = t
            if bucket > state.current:
                self._roll(state, bucket)
        if wm >= state.next_eval:
            interval = self._eval_ms
            state.next_eval = wm - wm % interval + interval
            alerts.extend(self._evaluate(state, brand_id))
            alerts.extend(care.expire_complaints(state, brand_id, wm, self.config))
        if silence:
            alerts[:0] = silence
        return state, alerts

    def own_terms(self, brand_id: str) -> frozenset[str]:
        """The brand's own names as the emerging-terms tokenizer would yield them (see ``own_terms``)."""
        terms = self._own_terms.get(brand_id)
        if terms is None:
            terms = self._own_terms[brand_id] = own_terms(brand_id, self._brand_names.get(brand_id, ()))
        return terms

    def gauges(self, state: BrandState | None) -> dict[str, float]:
        """Fixed keys (``GAUGES``) for Prometheus, whatever the state."""
        out = dict.fromkeys(GAUGES, 0.0)
        if state is None:
            return out
        g = state.gauges
        out.update(score=float(g.score), negative_share=float(g.negative_share), volume_ratio=float(g.volume_ratio),
                   distinct_authors=float(g.distinct_authors))
        if state.episode is not None:
            out[f"open_alerts_{state.episode.severity}"] = 1.0
        out["unanswered_complaints"] = float(len(state.overdue))
        out["brand_silent"] = 1.0 if state.silence_alert is not None else 0.0
        return out

    @staticmethod
    def take_replies(state: BrandState) -> list[ReplyOutcome]:
        """The brand's first replies to complaints since the last call, for the reply-time metric and reports."""
        return care.take_replies(state)

    @staticmethod
    def stats(state: BrandState | None) -> dict[str, int]:
        """Counters of what the detector saw and set aside (late, duplicates, no author, no brand...)."""
        return dict(state.stats) if state is not None else dict.fromkeys(STATS, 0)

    # -- per mention -------------------------------------------------------------------------------------------

    def _count(self, state: BrandState, cm: ClassifiedMention, bucket: int) -> list[Alert]:
        """Count one mention into its bucket. Most mentions are not negative: they only touch their bucket's
        counters (and a cascade, when they relay a negative post). A negative one is weighed as a voice (its
        author, its copies) and counted by every signal that reads it."""
        m = cm.mention
        enr = cm.enrichment
        cfg = self.config
        cell = volume.cell(state, bucket)
        cell.total += 1
        reposts_id = m.reposts_id
        if reposts_id is not None or m.quotes_id is not None or m.in_reply_to_id is not None or (
                enr.root_id and enr.root_id != m.id):
            cascades.count_relay(state, cm, cell, cfg)
        if cm.classification.sentiment is not _NEGATIVE:
            return []
        stats = state.stats
        stats["negatives"] += 1
        state.calm = False
        cell.negatives += 1
        t = m.created_at
        author = m.author
        repost = reposts_id is not None
        alerts: list[Alert] = []
        weight = cfg.repost_weight if repost else 1.0
        if author is None or (author_id := author.id) is None:
            author_id = record = None
            stats["no_author"] += 1
        else:
            record, weight, repeats = breadth.count_author(state, author_id, author.followers, t, weight, cell, cfg)
            if repeats:
                alerts.extend(care.repeat_critic(cm, record, cfg))
            if state.answered:
                care.came_back(state, author_id, t, cfg)
        normalized = enr.normalized_text or m.text
        copied = breadth.copy_weight(state, cm, normalized, repost, t, cfg)
        if copied:
            weight = 0.0
        cell.voices += weight
        e = m.engagement
        engagement = e.reposts + e.replies + e.quotes
        cell.engagement += engagement
        high_reach = author_id is not None and (
            author.followers >= cfg.high_reach_followers or author.verified
            or enr.author_tier in ("large", "verified"))
        if high_reach:
            cell.high_reach += 1
        details = state.details
        detail = details.get(bucket)
        if detail is None and bucket > state.current - cfg.detail_buckets * cfg.bucket_ms:
            detail = details[bucket] = BucketDetail()
        if detail is not None:
            if author_id is not None and not repost and not copied:
                breadth.count_window_author(state, detail.authors, author_id)
            if weight > 0 and not repost:
                terms.count(state, detail, normalized, cfg)
            _keep_example(detail.top_ids, engagement, m.id)
        if weight > 0 and enr.topics:
            topics.count(state, enr.topics, bucket, weight, detail, cfg)
        if not repost:
            if m.in_reply_to_id is None and m.quotes_id is None:
                cascades.note_root(state, m.id, t, author.followers if author else cfg.seismic_default_followers, cfg)
            if not self._complaint_intents.isdisjoint(cm.classification.intents):
                care.track_complaint(state, m.id, t, author_id, m.text, m.url, cfg)
        if high_reach:
            alerts.extend(care.high_reach_negative(cm, record, cfg))
        return alerts

    # -- per bucket -----------------------------------------------------------------------------------------------

    def _roll(self, state: BrandState, bucket: int) -> None:
        """The watermark entered a new bucket: learn from the buckets that closed (``volume.learn``), forget what
        can no longer matter, and move the window's detail on."""
        cfg = self.config
        bms = cfg.bucket_ms
        volume.learn(state, bucket, cfg)
        if bucket % (6 * bms) == 0:  # hourly
            breadth.prune_copies(state, bucket, cfg)
            breadth.forget_authors(
                state, bucket - max(cfg.repeat_window_ms, cfg.repeat_cooldown_ms, cfg.high_reach_cooldown_ms))
        detail_start = bucket - (cfg.detail_buckets - 1) * bms
        details, window = state.details, state.window
        for key in [k for k in details if k < detail_start]:
            detail = details.pop(key)
            _subtract(window.authors, detail.authors)
            _subtract(window.terms, detail.terms)
            _subtract(window.topics, detail.topics)
            terms.fold(state, detail.terms, key, cfg)
            cascades.forget(state, key, cfg)

    # -- per evaluation tick -----------------------------------------------------------------------------------------

    def _judge_silence(self, state: BrandState, brand_id: str, until: int) -> list[Alert]:
        """The brand's stream fell silent while an episode was open: judge the silence before moving on.

        Ticks only come with mentions, so without this a wave that went quiet at night would send a "0 voices"
        update in the morning and resolve half an hour after that. Each tick the silence would have had (one
        every evaluation interval) is judged in event time, as if it had seen no mention, until the episode
        resolves or the next mention's time; the caught-up alerts carry their own event times. Silence only
        wanes the evidence, so an episode resolves within a few hours of quiet and the ticks stay few.
        """
        alerts: list[Alert] = []
        interval, bms = self._eval_ms, self._bms
        tick = state.next_eval
        while state.episode is not None and tick < until:
            state.watermark = tick
            bucket = tick - tick % bms
            if bucket > state.current:
                self._roll(state, bucket)
            alerts.extend(self._evaluate(state, brand_id))
            tick += interval
        state.next_eval = tick
        return alerts

    def _evaluate(self, state: BrandState, brand_id: str) -> list[Alert]:
        cfg = self.config
        if state.episode is None:
            # Cheap gate: with too few voices in the hour no snowball can open, so skip the full evaluation.
            get = state.buckets.get
            cells = [c for k in volume.hour_keys(cfg.bucket_ms, cfg.detail_buckets, state.current)
                     if (c := get(k)) is not None]
            if sum(c.voices for c in cells) < cfg.min_voices:
                total = sum(c.total for c in cells)
                share = sum(c.negatives for c in cells) / total if total else 0.0
                state.gauges = Gauges(score=0.0, negative_share=round(share, 4), volume_ratio=0.0,
                                      distinct_authors=float(sum(len(d.authors) for d in state.details.values())))
                return []
            if state.calm:
                # The last full evaluation found no volume evidence and no negative came since: without new
                # voices the evidence only wanes (expected counts grow with time), so skip the scan. On a
                # sparse brand, where each mention is a new event-time minute, this is most ticks.
                total = sum(c.total for c in cells)
                state.gauges.negative_share = round(sum(c.negatives for c in cells) / total, 4) if total else 0.0
                return []
        sig = compute(state, cfg, state.episode)
        state.gauges = Gauges(score=round(sig.glr, 3), negative_share=round(sig.negative_share, 4),
                              volume_ratio=round(sig.ratio, 3), distinct_authors=float(sig.distinct_authors))
        alerts = self.lifecycle.step(state, brand_id, sig)
        if state.episode is not None or state.silence_alert is not None:
            alerts.extend(conduct.silence(state, brand_id, state.watermark, cfg))
        state.calm = state.episode is None and sig.glr < cfg.watch_glr and sig.day_glr < cfg.watch_glr and all(
            g[0] < cfg.watch_glr for g in sig.topic_glr.values())
        return alerts


def own_terms(brand_id: str, names: Iterable[str] = ()) -> frozenset[str]:
    """The forms a brand's own names take among emerging terms (``text.terms`` of NFC, case-folded text): each of
    the brand id and ``names`` (names, aliases, handles, hashtags), without its '@' or '#', as a word, a hashtag
    and an @handle, also with its spaces, dots, dashes and underscores removed ("virgin_america", "Virgin
    America" and "@VirginAmerica" all give "virginamerica")."""
    out: set[str] = set()
    for name in (brand_id, *names):
        folded = unicodedata.normalize("NFC", name).casefold().strip().lstrip("@#")
        for form in {folded, _SEPARATORS.sub("", folded)} - {""}:
            out.update((form, "#" + form, "@" + form))
    return frozenset(out)


_SEPARATORS = re.compile(r"[\s._-]+")
_NEGATIVE = Sentiment.NEGATIVE


def _keep_example(top: list[tuple[int, str]], engagement: int, mention_id: str) -> None:
    """Keep a bucket's 3 most engaging negative posts, highest first, ties in arrival order."""
    if len(top) >= 3:
        if engagement <= top[-1][0]:
            return
        del top[-1]
    i = len(top)
    while i and top[i - 1][0] < engagement:
        i -= 1
    top.insert(i, (engagement, mention_id))


def _subtract(total: dict[str, float], part: dict[str, float]) -> None:
    for key, n in part.items():
        left = total.get(key, 0) - n
        if left > 1e-9:
            total[key] = left
        else:
            total.pop(key, None)


__all__ = ["GAUGES", "BrandState", "Severity", "SnowballDetector"]
