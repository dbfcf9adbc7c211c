"""Snowball detector: is a brand's negative wave building, and how fast, in event time.

State is one plain JSON-able dict per brand, so it lives in a Faust table keyed by brand id; topic
sub-states live inside it. ``process`` is pure and deterministic: no clock, no randomness, no I/O. For
speed it updates the state it is given in place and returns it; callers that need the old state keep a copy.

Per mention the hot path only updates counters. The full evaluation (GLR scan, breadth, cascades, terms)
runs at most once per event-time ``eval_interval_ms``, so a busy brand costs microseconds per mention.
"""

from __future__ import annotations

import re
import unicodedata
from collections import _count_elements  # type: ignore[attr-defined]  # Counter.update's counting loop
from collections.abc import Iterable, Mapping
from itertools import compress, repeat
from operator import itemgetter, lt
from typing import Any
from zlib import crc32 as _crc32

from streams.detection import care, cascades, seasonal, text
from streams.detection.config import HOUR_MS, DetectorConfig
from streams.detection.episodes import Lifecycle
from streams.detection.memory import evict_lowest, evict_oldest_inserted
from streams.detection.stats import decayed
from streams.detection.window import NEG, RELAYS, TOTAL, VOICES, compute, hour_keys
from streams.models import Alert, ClassifiedMention, Sentiment, Severity

State = dict[str, Any]
STATE_VERSION = 2
# Keys of the state that hold caches derivable from the rest (window.py): kept in memory between evaluations, never
# written to the changelog (``persistent``); a state restored without them recomputes them on its next evaluation.
TRANSIENT_KEYS = frozenset({"dsum", "xc"})
GAUGES = ("score", "negative_share", "open_alerts_watch", "open_alerts_warning", "open_alerts_critical",
          "unanswered_complaints", "volume_ratio", "distinct_authors")
_STATS = ("mentions", "negatives", "late", "duplicates", "no_author", "no_brand", "brand_replies", "reset_old_state",
          "answered_in_time", "answered_late", "complaints_untracked", "overdue_evicted", "authors_evicted")


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

    def new_state(self) -> State:
        return {
            "v": STATE_VERSION,
            "wm": None,  # watermark: latest event time seen
            "cur": None,  # start of the watermark's bucket
            "ck": None,  # its key in the bucket maps (str(cur))
            "first": None,  # start of the first bucket seen
            "folded": None,  # start of the first bucket not yet folded into the baseline
            "next_eval": None,
            "b": {},  # bucket start -> light counters (see window.py)
            # bucket start -> {"a": authors, "t": terms, "tp": topic voices, "ids": [(score, id)], "p": [post terms]}
            "d": {},
            "w": {"a": {}, "t": {}, "tp": {}},  # the same summed over the detail window, kept incrementally
            "base": seasonal.new_baseline(self.config),
            "tp": {},  # topic -> {"b": {bucket: voices}, "base": baseline}
            "dv": [],  # voices of each learned bucket, the last 8 days, oldest first (the day-scale test)
            "dv0": None,  # start of the bucket dv[0] counts
            # Caches (TRANSIENT_KEYS): in memory only, recomputed after a restore.
            "dsum": None,  # the day-scale test's sums over learned buckets, for the current bucket (window.day_scan)
            "xc": None,  # the current bucket's series cache (window._series), dropped when a closed bucket changes
            # author id -> [first seen, last seen, recent weight, its time, negative times, repeat alert, reach alert]
            "authors": {},
            "fps": {},  # text fingerprint -> [recent weight, its time]
            "seen": {},  # recent mention ids, for duplicates
            "roots": {},  # recent negative posts that may start a cascade: id -> (time, followers)
            "casc": {},  # root id -> cascade (see cascades.py)
            "vocab": {},  # term -> [decayed count in negative mentions, its time]
            "vmass": None,  # [decayed count of every term folded into vocab (evicted ones too), its time]
            "pending": {},  # complaint id -> (time, author, snippet)
            "overdue": {},  # complaint id -> (time, due, author)
            "odue": None,  # a lower bound of the overdue complaints' due times (None: no overdue complaint)
            "osorted": True,  # the overdue complaints' due times are in insertion order (care.expire_complaints)
            "ep": None,
            "last_ep": None,
            "calm": False,  # the last full evaluation found no evidence and no negative came since
            "gauge": {"score": 0.0, "negative_share": 0.0, "volume_ratio": 0.0, "distinct_authors": 0.0},
            "stats": dict.fromkeys(_STATS, 0),
        }

    def process(self, state: State | None, cm: ClassifiedMention) -> tuple[State, list[Alert]]:
        if state is None or state.get("v") != STATE_VERSION:
            old = state
            state = self.new_state()
            if old is not None:
                state["stats"]["reset_old_state"] += 1
        stats = state["stats"]
        enr = cm.enrichment
        brand_id = enr.brand_id
        if not brand_id:
            stats["no_brand"] += 1
            return state, []
        m = cm.mention
        mid = m.id
        seen = state["seen"]
        if mid in seen:
            stats["duplicates"] += 1
            return state, []
        seen[mid] = 1
        if len(seen) > self._max_seen:
            evict_oldest_inserted(seen, self._max_seen)
        stats["mentions"] += 1
        t = m.created_at
        bucket = t - t % self._bms
        wm = state["wm"]
        if wm is None:
            state["wm"], state["cur"], state["first"], state["folded"] = t, bucket, bucket, bucket
            state["ck"] = str(bucket)
            state["next_eval"] = wm = t
        if state["ep"] is not None and t - wm >= self._silence_ms:
            silence = self._judge_silence(state, brand_id, t)  # before this mention, which ends the silence
        else:
            silence = None
        if enr.is_brand_account or m.from_brand_account:
            stats["brand_replies"] += 1
            alerts = care.brand_reply(state, cm)
        elif bucket < state["cur"] - self._late_span:
            stats["late"] += 1  # older than the whole horizon: its window was judged already
            alerts = []
        else:
            alerts = self._count(state, cm, bucket)  # a fresh list: extended below
        if t > wm:
            state["wm"] = wm = t
            if bucket > state["cur"]:
                self._roll(state, bucket)
        if wm >= state["next_eval"]:
            interval = self._eval_ms
            state["next_eval"] = wm - wm % interval + interval
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

    def gauges(self, state: State | None) -> dict[str, float]:
        """Fixed keys (``GAUGES``) for Prometheus, whatever the state."""
        out = dict.fromkeys(GAUGES, 0.0)
        if not state or state.get("v") != STATE_VERSION:
            return out
        out.update({k: float(v) for k, v in state["gauge"].items()})
        episode = state["ep"]
        if episode is not None:
            out[f"open_alerts_{episode['sev']}"] = 1.0
        out["unanswered_complaints"] = float(len(state["overdue"]))
        return out

    # -- per mention -------------------------------------------------------------------------------------------

    def _count(self, state: State, cm: ClassifiedMention, bucket: int) -> list[Alert]:
        """Count one mention into its bucket; the hot path, so written for speed over elegance.

        Most mentions are not negative: they only touch their bucket's counters. Everything else (author,
        copy cluster, detail, topics, roots, complaints) is for negatives, inlined with local bindings.
        """
        m = cm.mention
        enr = cm.enrichment
        cur = state["cur"]
        if bucket == cur:
            key = state.get("ck") or str(bucket)
        else:
            key = str(bucket)
            if bucket < cur:
                state["xc"] = None  # a closed bucket changes: the evaluation's cached series with it
        b = state["b"]
        cell = b.get(key)
        if cell is None:
            cell = b[key] = [0, 0, 0.0, 0.0, 0, 0, 0, 0]
        cell[0] += 1  # TOTAL
        reposts_id = m.reposts_id
        if reposts_id is not None or m.quotes_id is not None or m.in_reply_to_id is not None or (
                enr.root_id and enr.root_id != m.id):
            self._relay(state, cm, cell)
        if cm.classification.sentiment is not _NEGATIVE:
            return []
        cfg = self.config
        stats = state["stats"]
        stats["negatives"] += 1
        state["calm"] = False
        cell[1] += 1  # NEG
        t = m.created_at
        author = m.author
        repost = reposts_id is not None
        alerts: list[Alert] = []
        weight = cfg.repost_weight if repost else 1.0
        if author is None or (author_id := author.id) is None:
            author_id = record = None
            stats["no_author"] += 1
        else:
            authors = state["authors"]
            record = authors.get(author_id)
            if record is None:  # first seen now: no recent weight, this one negative post
                record = authors[author_id] = [t, t, 1.0, t, [t], None, None]
                if len(authors) > cfg.max_authors:
                    self._evict_authors(state, authors)
                cell[3] += weight  # NEW
                cell[5] += author.followers  # REACH
                repeat = cfg.repeat_count
                if repeat <= 1:  # a repeat critic from the first post on (only with such a setting)
                    times = record[4]
                    if len(times) > repeat:
                        del times[:len(times) - repeat]
                    if len(times) == repeat:
                        alerts.extend(care.repeat_critic(state, cm, record, cfg))
            else:
                if t > record[1]:
                    record[1] = t
                recent = record[2]
                if recent == 0.0:
                    if record[0] == t:
                        cell[3] += weight  # NEW
                elif t > record[3]:
                    recent *= 0.5 ** ((t - record[3]) / cfg.author_half_life_ms)
                record[2] = round(recent + 1.0, 3) if recent else 1.0
                if t > record[3]:
                    record[3] = t
                if recent >= cfg.author_cap:
                    weight = 0.0
                else:
                    cell[5] += author.followers  # REACH
                times = record[4]
                times.append(t)
                repeat = cfg.repeat_count
                if len(times) > repeat:
                    # To the newest ``repeat``: more than one only when the setting was lowered under a saved state.
                    del times[:len(times) - repeat]
                if len(times) == repeat:
                    alerts.extend(care.repeat_critic(state, cm, record, cfg))
        copied = False
        normalized = enr.normalized_text or m.text
        if enr.fingerprint is None and enr.near_duplicate_of is None:
            entry = None
            if not repost:  # the common case, inlined: short texts keyed by a hash of their words
                fps = state["fps"]
                fkey = f"#{_crc32(normalized.casefold().encode('utf-8')):08x}"  # text.fallback_fingerprint
                entry = fps.get(fkey)
                if entry is None:  # a new text: counted once, nothing to decay
                    fps[fkey] = [1.0, t]
                    if len(fps) > cfg.max_fingerprints:
                        evict_oldest_inserted(fps, cfg.max_fingerprints)
        else:
            entry = self._copy_cluster(state, cm, t)
        if entry is not None:
            recent = entry[0]
            if recent != 0.0 and t > entry[1]:
                recent *= 0.5 ** ((t - entry[1]) / cfg.author_half_life_ms)
            entry[0] = round(recent + 1.0, 3) if recent else 1.0
            if t > entry[1]:
                entry[1] = t
            if recent >= cfg.fingerprint_cap:
                weight, copied = 0.0, True
        cell[2] += weight  # VOICES
        e = m.engagement
        engagement = e.reposts + e.replies + e.quotes
        cell[4] += engagement  # AMP
        high_reach = author_id is not None and (
            author.followers >= cfg.high_reach_followers or author.verified
            or enr.author_tier in ("large", "verified"))
        if high_reach:
            cell[6] += 1  # HIGH
        d = state["d"]
        detail = d.get(key)
        if detail is None and bucket > state["cur"] - cfg.detail_buckets * cfg.bucket_ms:
            detail = d[key] = {"a": {}, "t": {}, "tp": {}, "ids": [], "p": []}
        window = state["w"]
        if detail is not None:
            # Breadth counts authors who wrote their own words: reposters amplify, copy-paste bots repeat.
            if author_id is not None and not repost and not copied:
                authors = detail["a"]
                authors[author_id] = authors.get(author_id, 0) + 1
                authors = window["a"]
                authors[author_id] = authors.get(author_id, 0) + 1
            if weight > 0 and not repost:
                words = set(_findall_terms(normalized.casefold())).difference(_STOPWORDS)  # text.terms
                _count_elements(detail["t"], words)  # +1 for each, as Counter.update does, in C
                _count_elements(window["t"], words)
                if words:  # a sample of the posts' terms, for the clusters an alert shows (clusters.py)
                    posts = detail.get("p")
                    if posts is None:
                        posts = detail["p"] = []  # a state saved before the sample was kept
                    if len(posts) < cfg.cluster_posts_per_bucket:
                        posts.append(sorted(words))
            ids = detail["ids"]
            # Kept sorted by engagement, highest first, ties in arrival order (a stable sort, by insertion).
            if len(ids) < 3:
                i = len(ids)
                while i and ids[i - 1][0] < engagement:
                    i -= 1
                ids.insert(i, (engagement, m.id))
            elif engagement > ids[-1][0]:
                del ids[-1]
                i = len(ids)
                while i and ids[i - 1][0] < engagement:
                    i -= 1
                ids.insert(i, (engagement, m.id))
        if weight > 0 and enr.topics:
            tps = state["tp"]
            for topic in enr.topics:
                sub = tps.get(topic)
                if sub is None:
                    if len(tps) >= cfg.max_topics:
                        continue
                    sub = tps[topic] = {"b": {}, "base": seasonal.new_baseline(cfg)}
                sb = sub["b"]
                sb[key] = sb.get(key, 0.0) + weight
                if detail is not None:
                    dtp, wtp = detail["tp"], window["tp"]
                    dtp[topic] = dtp.get(topic, 0.0) + weight
                    wtp[topic] = wtp.get(topic, 0.0) + weight
        if not repost:
            mid = m.id
            if m.in_reply_to_id is None and m.quotes_id is None:
                roots = state["roots"]
                roots[mid] = (t, author.followers if author else cfg.seismic_default_followers)
                if len(roots) > cfg.max_roots:
                    evict_oldest_inserted(roots, cfg.max_roots)
            if not self._complaint_intents.isdisjoint(cm.classification.intents):
                # Watched until the brand answers or the deadline passes (care.expire_complaints).
                pending = state["pending"]
                if len(pending) < cfg.max_pending:
                    pending[mid] = (t, author_id, m.text[:81])  # shown as _snippet(...)
                else:
                    care.untracked(stats)
        if high_reach:
            alerts.extend(care.high_reach_negative(state, cm, record, cfg))
        return alerts

    def _copy_cluster(self, state: State, cm: ClassifiedMention, t: int) -> list[Any]:
        """The decayed counter [weight, time] of the copy cluster this mention belongs to (created if new).

        Keys, best first: enrichment's ``near_duplicate_of`` (the id of the cluster's first mention: near copies
        with slightly different texts share it), then the SimHash ``fingerprint`` (exact copies, also when no
        near-duplicate stage ran), then a hash of the text (short texts that have no fingerprint). The first
        mention of a cluster has no ``near_duplicate_of``: it registers its own id as an alias of its entry, so
        the copies that point at it count in the same cluster as it.
        """
        cfg = self.config
        fps = state["fps"]
        enr = cm.enrichment
        origin, fp = enr.near_duplicate_of, enr.fingerprint
        entry = None
        if origin is not None:
            key = fps.get(origin)  # an alias (its fingerprint key) or the cluster's own entry
            entry = fps.get(key) if isinstance(key, str) else key
            if entry is None:
                entry = fps[origin] = [0.0, t]
        else:
            key = fp if fp is not None else "#" + text.fallback_fingerprint(enr.normalized_text or cm.mention.text)
            entry = fps.get(key)
            if entry is None or isinstance(entry, str):
                entry = fps[key] = [0.0, t]
            if fp is not None:
                fps[cm.mention.id] = key
        if len(fps) > cfg.max_fingerprints:
            evict_oldest_inserted(fps, cfg.max_fingerprints)  # evicted or not, this mention counts in `entry`
        return entry

    def _evict_authors(self, state: State, authors: dict[str, Any]) -> None:
        cap = self.config.max_authors
        if len(authors) > cap:  # least recently seen first (ties by id, so deterministic), a fifth at once
            drop = len(authors) - cap + cap // 5
            # The drop-th smallest last-seen time: all older go, and of those seen exactly then, the smallest ids.
            # (The same set as sorting (last seen, id) pairs, without building and sorting the pairs.)
            cut = sorted([r[1] for r in authors.values()])[drop - 1]
            older = [k for k, r in authors.items() if r[1] < cut]
            older += sorted([k for k, r in authors.items() if r[1] == cut])[: drop - len(older)]
            for k in older:
                del authors[k]
            state["stats"]["authors_evicted"] += drop

    def _relay(self, state: State, cm: ClassifiedMention, cell: list[Any]) -> None:
        """Replies, reposts and quotes of a recent negative post feed that post's cascade, whatever their tone."""
        m = cm.mention
        root_id = cm.enrichment.root_id
        if not root_id or root_id == m.id:
            root_id = m.reposts_id or m.quotes_id or m.in_reply_to_id
        if root_id is None:
            return
        cfg = self.config
        followers = m.author.followers if m.author else cfg.seismic_default_followers
        cascade = state["casc"].get(root_id)
        if cascade is None:
            root = state["roots"].get(root_id)
            if root is None:
                return
            cascade = state["casc"][root_id] = cascades.new_cascade(root[0], max(root[1], 1))
            if len(state["casc"]) > cfg.max_cascades:
                evict_lowest(state["casc"], cfg.max_cascades, lambda c: c["last"])
                if root_id not in state["casc"]:
                    return
        cascades.add_relay(cascade, m.created_at, max(followers, 1), cfg)
        cell[RELAYS] += 1

    # -- per bucket -----------------------------------------------------------------------------------------------

    def _roll(self, state: State, bucket: int) -> None:
        """The watermark entered a new bucket: learn from the buckets that closed, drop those past the horizon.

        A closed bucket is learned once it is ``learn_delay_buckets`` old: soon enough for a new brand to get
        its baseline within hours, late enough that a wave is judged before it can be learned. Learning is
        winsorised, and capped at the baseline while an episode is open, so a wave never becomes the new normal.
        """
        cfg = self.config
        bms = cfg.bucket_ms
        previous = state["cur"]
        state["cur"], state["ck"] = bucket, str(bucket)
        episode = state["ep"] is not None
        young = cfg.learn_freely_buckets
        buckets = state["b"]
        learn_until = bucket - cfg.learn_delay_buckets * bms
        dv = state.get("dv")
        if dv is None:
            dv = state["dv"] = []  # a state saved before the day-scale test
        for s in range(max(state["folded"], learn_until - cfg.fold_max_buckets * bms), learn_until, bms):
            key = str(s)
            cell = buckets.get(key)
            base = state["base"]
            voices = cell[VOICES] if cell else 0.0
            if not dv:
                state["dv0"] = s
            dv.append(round(voices, 3))  # the day-scale test's record of what came
            seasonal.fold(base, cfg, s, voices, episode and base["n"] >= young)
            for sub in state["tp"].values():
                base = sub["base"]
                seasonal.fold(base, cfg, s, sub["b"].get(key, 0.0), episode and base["n"] >= young)
        state["folded"] = max(state["folded"], learn_until)
        keep = cfg.day_reference_days * 24 * HOUR_MS // bms + cfg.day_hours * HOUR_MS // bms
        if len(dv) > keep:
            state["dv0"] += (len(dv) - keep) * bms
            del dv[: len(dv) - keep]
        horizon_start = bucket - (cfg.horizon_buckets - 1) * bms
        # Every bucket counted is in the horizon of the bucket it was counted in (older is late, not counted),
        # so what leaves the horizon now is what lies between the previous horizon's start and this one's.
        gone = range(previous - (cfg.horizon_buckets - 1) * bms, horizon_start, bms)
        for series in [buckets, *(sub["b"] for sub in state["tp"].values())]:
            if len(gone) < len(series):
                for s in gone:
                    series.pop(str(s), None)
            else:
                for key in [k for k in series if int(k) < horizon_start]:
                    del series[key]
        if bucket % (6 * bms) == 0:  # hourly: forget what can no longer matter
            self._prune_copies(state, bucket)
            # Authors silent longer than every window and cooldown that needs them.
            forget = bucket - max(cfg.repeat_window_ms, cfg.repeat_cooldown_ms, cfg.high_reach_cooldown_ms)
            authors = state["authors"]
            for key in list(compress(authors, map(lt, map(_last_seen, authors.values()), repeat(forget)))):
                del authors[key]  # (the loop "if record[1] < forget", in C)
        detail_start = bucket - (cfg.detail_buckets - 1) * bms
        for key in [k for k in state["d"] if int(k) < detail_start]:
            detail = state["d"].pop(key)
            for part in ("a", "t", "tp"):
                _subtract(state["w"][part], detail[part])
            self._fold_terms(state, detail["t"], int(key))

    def _prune_copies(self, state: State, now: int) -> None:
        """Forget copy clusters whose decayed weight can no longer flag a copy, and aliases of forgotten ones."""
        cfg = self.config
        fps = state["fps"]
        half_life, drop = cfg.author_half_life_ms, cfg.fingerprint_drop
        gone = [k for k, v in fps.items() if not isinstance(v, str) and v[0] * 0.5 ** ((now - v[1]) / half_life) < drop]
        for key in gone:
            del fps[key]
        if gone:
            for key in [k for k, v in fps.items() if isinstance(v, str) and v not in fps]:
                del fps[key]

    def _fold_terms(self, state: State, terms: dict[str, int], t: int) -> None:
        cfg = self.config
        vocab = state["vocab"]
        half_life = cfg.vocab_half_life_ms
        factors: dict[int, float] = {}  # decay factor by the time an entry was last folded (a bucket start: few)
        get = vocab.get
        for term, n in terms.items():
            entry = get(term)
            if entry is None:
                vocab[term] = [float(n), t]
                continue
            value, since = entry
            if t > since:
                if value != 0.0:  # stats.decayed, with the factor computed once per time
                    factor = factors.get(since)
                    if factor is None:
                        factor = factors[since] = 0.5 ** ((t - since) / half_life)
                    value *= factor
                entry[1] = t
            entry[0] = round(value + n, 3)
        mass = state.get("vmass")
        if mass is None:  # a new brand, or a state saved before the mass was kept: what vocab holds now
            state["vmass"] = [round(sum(decayed(v, since, t, half_life) for v, since in vocab.values()), 3), t]
        else:
            mass[0] = round(decayed(mass[0], mass[1], t, half_life) + sum(terms.values()), 3)
            mass[1] = max(mass[1], t)
        if len(vocab) > cfg.max_vocab:  # memory.evict_lowest ranked by stats.decayed, in one pass
            half_life = cfg.vocab_half_life_ms
            ranks = [v if v == 0.0 or t <= since else v * 0.5 ** ((t - since) / half_life)
                     for v, since in vocab.values()]
            for _, key in sorted(zip(ranks, vocab, strict=True))[: len(vocab) - cfg.max_vocab + cfg.max_vocab // 5]:
                del vocab[key]
        for key in [k for k, c in state["casc"].items() if t - c["last"] > cfg.horizon_buckets * cfg.bucket_ms]:
            del state["casc"][key]

    # -- per evaluation tick -----------------------------------------------------------------------------------------

    def _judge_silence(self, state: State, brand_id: str, until: int) -> list[Alert]:
        """The brand's stream fell silent while an episode was open: judge the silence before moving on.

        Ticks only come with mentions, so without this a wave that went quiet at night would send a "0 voices"
        update in the morning and resolve half an hour after that. Each tick the silence would have had (one
        every evaluation interval) is judged in event time, as if it had seen no mention, until the episode
        resolves or the next mention's time; the caught-up alerts carry their own event times. Silence only
        wanes the evidence, so an episode resolves within a few hours of quiet and the ticks stay few.
        """
        alerts: list[Alert] = []
        interval, bms = self._eval_ms, self._bms
        tick = state["next_eval"]
        while state["ep"] is not None and tick < until:
            state["wm"] = tick
            bucket = tick - tick % bms
            if bucket > state["cur"]:
                self._roll(state, bucket)
            alerts.extend(self._evaluate(state, brand_id))
            tick += interval
        state["next_eval"] = tick
        return alerts


    def _evaluate(self, state: State, brand_id: str) -> list[Alert]:
        cfg = self.config
        if state["ep"] is None:
            # Cheap gate: with too few voices in the hour no snowball can open, so skip the full evaluation.
            get = state["b"].get
            cells = [c for k in hour_keys(cfg.bucket_ms, cfg.detail_buckets, state["cur"]) if (c := get(k)) is not None]
            if sum(c[VOICES] for c in cells) < cfg.min_voices:
                total = sum(c[TOTAL] for c in cells)
                share = sum(c[NEG] for c in cells) / total if total else 0.0
                state["gauge"] = {"score": 0.0, "negative_share": round(share, 4), "volume_ratio": 0.0,
                                  "distinct_authors": float(sum(len(d["a"]) for d in state["d"].values()))}
                return []
            if state.get("calm"):
                # The last full evaluation found no volume evidence and no negative came since: without new
                # voices the evidence only wanes (expected counts grow with time), so skip the scan. On a
                # sparse brand, where each mention is a new event-time minute, this is most ticks.
                total = sum(c[TOTAL] for c in cells)
                state["gauge"]["negative_share"] = round(sum(c[NEG] for c in cells) / total, 4) if total else 0.0
                return []
        sig = compute(state, cfg)
        state["gauge"] = {
            "score": round(sig.glr, 3), "negative_share": round(sig.negative_share, 4),
            "volume_ratio": round(sig.ratio, 3), "distinct_authors": float(sig.distinct_authors),
        }
        alerts = self.lifecycle.step(state, brand_id, sig)
        state["calm"] = state["ep"] is None and sig.glr < cfg.watch_glr and sig.day_glr < cfg.watch_glr and all(
            g[0] < cfg.watch_glr for g in sig.topic_glr.values())
        return alerts

    @staticmethod
    def persistent(state: State) -> State:
        """The state as it is written to a changelog: without its caches (``TRANSIENT_KEYS``), which are derivable."""
        return {k: v for k, v in state.items() if k not in TRANSIENT_KEYS}

    @staticmethod
    def stats(state: State | None) -> dict[str, int]:
        """Counters of what the detector saw and set aside (late, duplicates, no author, no brand...)."""
        return dict(state["stats"]) if state and state.get("v") == STATE_VERSION else dict.fromkeys(_STATS, 0)


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
_last_seen = itemgetter(1)  # of an author record
_findall_terms = text.TERM.findall
_STOPWORDS = text.STOPWORDS


def _minus_first(item: list[Any]) -> float:
    return -item[0]


def _subtract(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key, n in part.items():
        left = total.get(key, 0) - n
        if left > 1e-9:
            total[key] = left
        else:
            total.pop(key, None)


__all__ = ["GAUGES", "Severity", "SnowballDetector", "State"]
