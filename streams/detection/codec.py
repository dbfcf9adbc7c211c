"""The brand state's saved form: JSON written to the changelog, and every migration of older saved states.

Version 3 is the typed state (``state.py``) written with the short keys of version 2, so a changelog stays small;
``KEYS`` names them. Version 2 states (saved before the typed state) load as they are, their missing parts filled
here, once: the detector's hot code never checks for a missing key. A state of an unknown version is not trusted:
it loads as a new state, counted in ``reset_old_state``. Caches (``state.Caches``) are never written.
"""

from __future__ import annotations

import json
from typing import Any

from streams.detection.config import DetectorConfig
from streams.detection.state import (
    STATS,
    AuthorRecord,
    Baseline,
    BrandState,
    Bucket,
    BucketDetail,
    Cascade,
    ComplaintsAlert,
    Decayed,
    Episode,
    Gauges,
    LastEpisode,
    OverdueComplaint,
    PendingComplaint,
    Root,
    SilenceAlert,
    TopicSeries,
    WindowTotals,
)
from streams.timeunits import DAY_MS

VERSION = 3
READABLE = (2, 3)

# The saved key of each part of the state.
KEYS = {
    "v": "version", "wm": "watermark", "cur": "current", "first": "first", "folded": "folded", "next_eval": "next_eval",
    "b": "buckets", "d": "details", "w": "window", "base": "baseline", "tp": "topics", "dv": "day_voices",
    "dv0": "day_voices_start", "authors": "authors", "fps": "copies", "seen": "seen", "roots": "roots",
    "casc": "cascades", "vocab": "vocab", "vmass": "vocab_mass", "pending": "pending", "overdue": "overdue",
    "odue": "overdue_low", "osorted": "overdue_sorted", "ep": "episode", "last_ep": "last_episode", "calm": "calm",
    "gauge": "gauges", "stats": "stats", "cal": "complaints_alert", "ans": "answered", "bp": "brand_posts",
    "sil": "silence_alert",
}


def dumps(state: BrandState) -> bytes:
    return json.dumps(to_record(state), separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str, cfg: DetectorConfig | None = None) -> BrandState:
    return from_record(json.loads(data), cfg)


# -- to the saved form ---------------------------------------------------------------------------------------------

def to_record(s: BrandState) -> dict[str, Any]:
    return {
        "v": VERSION, "wm": s.watermark, "cur": s.current, "first": s.first, "folded": s.folded,
        "next_eval": s.next_eval,
        "b": {str(k): [c.total, c.negatives, c.voices, c.first_time, c.engagement, c.reach, c.high_reach, c.relays]
              for k, c in s.buckets.items()},
        "d": {str(k): {"a": d.authors, "t": d.terms, "tp": d.topics, "ids": d.top_ids, "p": d.posts}
              for k, d in s.details.items()},
        "w": {"a": s.window.authors, "t": s.window.terms, "tp": s.window.topics},
        "base": _baseline_record(s.baseline) if s.baseline is not None else None,
        "tp": {name: {"b": {str(k): v for k, v in t.buckets.items()}, "base": _baseline_record(t.baseline)}
               for name, t in s.topics.items()},
        "dv": s.day_voices, "dv0": s.day_voices_start,
        "authors": {k: [a.first_seen, a.last_seen, a.recent, a.recent_at, a.negative_times, a.repeat_alert_at,
                        a.reach_alert_at] for k, a in s.authors.items()},
        "fps": {k: v if isinstance(v, str) else [v.value, v.at] for k, v in s.copies.items()},
        "seen": s.seen,
        "roots": s.roots,
        "casc": {k: {"t0": c.t0, "ev": c.events, "old": c.dropped_audience, "r": c.relays, "last": c.last}
                 for k, c in s.cascades.items()},
        "vocab": {k: [v.value, v.at] for k, v in s.vocab.items()},
        "vmass": [s.vocab_mass.value, s.vocab_mass.at] if s.vocab_mass is not None else None,
        "pending": s.pending, "overdue": s.overdue, "odue": s.overdue_low, "osorted": s.overdue_sorted,
        "cal": None if s.complaints_alert is None else [
            s.complaints_alert.id, s.complaints_alert.opened, s.complaints_alert.last_emit, s.complaints_alert.changed],
        "ans": s.answered,
        "bp": s.brand_posts,
        "sil": None if s.silence_alert is None else [s.silence_alert.id, s.silence_alert.opened],
        "ep": None if s.episode is None else {
            "id": s.episode.id, "opened": s.episode.opened, "sev": s.episode.severity,
            "last_emit": s.episode.last_emit, "calm_since": s.episode.calm_since, "topic": s.episode.topic,
            "peak_glr": s.episode.peak_glr},
        "last_ep": None if s.last_episode is None else {
            "id": s.last_episode.id, "opened": s.last_episode.opened, "resolved": s.last_episode.resolved},
        "calm": s.calm,
        "gauge": {"score": s.gauges.score, "negative_share": s.gauges.negative_share,
                  "volume_ratio": s.gauges.volume_ratio, "distinct_authors": s.gauges.distinct_authors},
        "stats": s.stats,
    }


def _baseline_record(b: Baseline) -> dict[str, Any]:
    return {"level": b.level, "n": b.n, "hod": b.hod, "hodn": b.hodn, "dow": b.dow, "phi": b.phi, "day": b.day,
            "wds": b.weekday_voices, "wdn": b.weekday_days}


# -- from the saved form (every version still readable) ------------------------------------------------------------

def from_record(r: Any, cfg: DetectorConfig | None = None) -> BrandState:
    """The typed state of a saved record; a record of an unknown version gives a new state (``reset_old_state``).
    ``cfg``: the detector's settings, which some migrations need (the defaults when not given)."""
    cfg = cfg or DetectorConfig()
    if not isinstance(r, dict) or r.get("v") not in READABLE:
        state = BrandState()
        state.stats["reset_old_state"] += 1
        return state
    stats = dict.fromkeys(STATS, 0)
    stats.update(r.get("stats") or {})
    w = r.get("w") or {}
    return BrandState(
        watermark=r.get("wm"), current=r.get("cur"), first=r.get("first"), folded=r.get("folded"),
        next_eval=r.get("next_eval"),
        buckets={int(k): Bucket(*c) for k, c in (r.get("b") or {}).items()},
        details={int(k): _detail(d) for k, d in (r.get("d") or {}).items()},
        window=WindowTotals(dict(w.get("a") or {}), dict(w.get("t") or {}), dict(w.get("tp") or {})),
        baseline=_baseline(r["base"], cfg) if r.get("base") is not None else None,
        topics={name: TopicSeries({int(k): v for k, v in t["b"].items()}, _baseline(t["base"], cfg))
                for name, t in (r.get("tp") or {}).items()},
        day_voices=list(r.get("dv") or []),  # version 2 before the day-scale test: none yet
        day_voices_start=r.get("dv0"),
        authors={k: _author(a) for k, a in (r.get("authors") or {}).items()},
        copies={k: v if isinstance(v, str) else Decayed(v[0], v[1]) for k, v in (r.get("fps") or {}).items()},
        seen=dict(r.get("seen") or {}),
        roots={k: Root(v[0], v[1]) for k, v in (r.get("roots") or {}).items()},
        cascades={k: Cascade(c["t0"], c["ev"], c.get("old", 0), c.get("r", 0), c.get("last", c["t0"]))
                  for k, c in (r.get("casc") or {}).items()},
        vocab={k: Decayed(v[0], v[1]) for k, v in (r.get("vocab") or {}).items()},
        vocab_mass=Decayed(*r["vmass"]) if r.get("vmass") else None,  # None: recomputed from vocab at its next fold
        pending={k: PendingComplaint(*v) for k, v in (r.get("pending") or {}).items()},
        overdue={k: OverdueComplaint(*v) for k, v in (r.get("overdue") or {}).items()},
        # Saved before the ordered fast path: not known to be in due order, and its low bound unknown (scan once).
        overdue_low=r["odue"] if "odue" in r else 0,
        overdue_sorted=r.get("osorted", False),
        complaints_alert=ComplaintsAlert(*r["cal"]) if r.get("cal") else None,
        answered=dict(r.get("ans") or {}),
        brand_posts=list(r.get("bp") or []),
        silence_alert=SilenceAlert(*r["sil"]) if r.get("sil") else None,
        episode=_episode(r.get("ep")),
        last_episode=LastEpisode(**r["last_ep"]) if r.get("last_ep") else None,
        calm=bool(r.get("calm", False)),
        gauges=Gauges(**{k: float(v) for k, v in (r.get("gauge") or {}).items() if k in Gauges.__slots__}),
        stats=stats,
    )


def _detail(d: dict[str, Any]) -> BucketDetail:
    return BucketDetail(dict(d.get("a") or {}), dict(d.get("t") or {}), dict(d.get("tp") or {}),
                        [(score, mid) for score, mid in d.get("ids") or ()],
                        list(d.get("p") or []))  # version 2 before the posts sample: none


def _baseline(b: dict[str, Any], cfg: DetectorConfig) -> Baseline:
    base = Baseline(level=b["level"], n=b["n"], hod=list(b["hod"]), hodn=list(b["hodn"]), dow=list(b["dow"]),
                    phi=b.get("phi", 1.0), day=b.get("day"))
    if b.get("wds") is None:
        # Saved before the weekday sums: the weekday factors it learned count as one day each (seasonal.py).
        mean_day = max(base.level, cfg.min_expected_per_bucket) * DAY_MS / cfg.bucket_ms
        base.weekday_voices, base.weekday_days = [round(f * mean_day, 3) for f in base.dow], [1.0] * 7
    else:
        base.weekday_voices, base.weekday_days = list(b["wds"]), list(b["wdn"])
    return base


def _author(a: list[Any]) -> AuthorRecord:
    a = list(a) + [None] * (7 - len(a))
    return AuthorRecord(a[0], a[1], a[2], a[3], list(a[4] or []), a[5], a[6])


def _episode(e: dict[str, Any] | None) -> Episode | None:
    if not e:
        return None
    return Episode(id=e["id"], opened=e["opened"], severity=e["sev"], last_emit=e["last_emit"],
                   calm_since=e.get("calm_since"), topic=e.get("topic"), peak_glr=e.get("peak_glr", 0.0))
