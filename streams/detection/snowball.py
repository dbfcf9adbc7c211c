"""Snowball detector, first version: negative volume in an event-time window against a baseline.

State is one plain JSON-able dict per brand, so it lives in a Faust table (changelog-backed)
keyed by brand id. ``process`` is pure: same state and mention in, same state and alerts out.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from streams.detection.config import DetectorConfig
from streams.models import Alert, AlertKind, ClassifiedMention, Severity

State = dict[str, Any]


class SnowballDetector:
    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()

    def new_state(self) -> State:
        return {
            "watermark": None,
            "buckets": {},  # bucket start (str, JSON keys) -> {"total", "neg", "authors": {author: n}}
            "baseline": self.config.baseline_floor,
            "folded_until": None,  # start of the first bucket not yet folded into the baseline
            "episode": None,
            "stats": {"late": 0, "no_author": 0},
        }

    def process(self, state: State | None, mention: ClassifiedMention) -> tuple[State, list[Alert]]:
        cfg = self.config
        state = copy.deepcopy(state) if state is not None else self.new_state()
        t = mention.mention.created_at
        bucket = t - t % cfg.bucket_ms
        window_start = self._window_start(state, bucket)
        if bucket < window_start:
            state["stats"]["late"] += 1
            return state, []
        cell = state["buckets"].setdefault(str(bucket), {"total": 0, "neg": 0, "authors": {}})
        cell["total"] += 1
        if mention.is_negative:
            author = mention.mention.author.id if mention.mention.author else None
            if author is None:
                state["stats"]["no_author"] += 1
                author = f"anonymous:{mention.mention.id}"
            cell["neg"] += 1
            cell["authors"][author] = cell["authors"].get(author, 0) + 1
        if state["watermark"] is None or t > state["watermark"]:
            state["watermark"] = t
            self._fold_closed_buckets(state)
        return state, self._evaluate(state, mention.brand_id)

    def _window_start(self, state: State, bucket: int) -> int:
        if state["watermark"] is None:
            return bucket
        current = state["watermark"] - state["watermark"] % self.config.bucket_ms
        return current - (self.config.window_buckets - 1) * self.config.bucket_ms

    def _fold_closed_buckets(self, state: State) -> None:
        cfg = self.config
        window_start = self._window_start(state, 0)
        start = state["folded_until"]
        if start is None:
            start = min(int(b) for b in state["buckets"])
        # Bounded: a long silence folds at most one baseline memory's worth of empty buckets.
        start = max(start, window_start - int(4 / cfg.baseline_alpha) * cfg.bucket_ms)
        baseline = state["baseline"]
        for b in range(start, window_start, cfg.bucket_ms):
            cell = state["buckets"].pop(str(b), None)
            negatives = cell["neg"] if cell else 0
            if state["episode"] is not None:
                continue  # a wave in progress must not become the new normal
            baseline = (1 - cfg.baseline_alpha) * baseline + cfg.baseline_alpha * negatives
        state["baseline"] = max(baseline, cfg.baseline_floor)
        state["folded_until"] = max(start, window_start)
        for key in [k for k in state["buckets"] if int(k) < window_start]:
            del state["buckets"][key]

    def _evaluate(self, state: State, brand_id: str) -> list[Alert]:
        cfg = self.config
        cells = state["buckets"].values()
        negatives = sum(c["neg"] for c in cells)
        total = sum(c["total"] for c in cells)
        authors: Counter[str] = Counter()
        for c in cells:
            authors.update(c["authors"])
        expected = state["baseline"] * cfg.window_buckets
        ratio = negatives / expected if expected else 0.0
        top_share = max(authors.values()) / negatives if negatives else 0.0
        signals = {
            "negatives_window": float(negatives),
            "expected_negatives": round(expected, 3),
            "volume_ratio": round(ratio, 3),
            "distinct_authors": float(len(authors)),
            "top_author_share": round(top_share, 3),
            "negative_share": round(negatives / total, 3) if total else 0.0,
        }
        broad = negatives >= cfg.min_negatives and len(authors) >= cfg.min_authors and top_share <= cfg.max_author_share
        severity = None
        if broad:
            for level, threshold in (
                (Severity.CRITICAL, cfg.critical_ratio),
                (Severity.WARNING, cfg.warning_ratio),
                (Severity.WATCH, cfg.watch_ratio),
            ):
                if ratio >= threshold:
                    severity = level
                    break
        return self._lifecycle(state, brand_id, severity, ratio, signals)

    def _lifecycle(
        self, state: State, brand_id: str, severity: Severity | None, ratio: float, signals: dict[str, float]
    ) -> list[Alert]:
        cfg = self.config
        now = state["watermark"]
        episode = state["episode"]
        if episode is None:
            if severity is None:
                return []
            episode = state["episode"] = {
                "alert_id": f"{brand_id}:snowball:{now - now % cfg.bucket_ms}",
                "opened_at": now,
                "severity": str(severity),
                "last_emit": now,
            }
            return [self._alert(brand_id, episode, severity, ratio, signals, now)]
        current = Severity(episode["severity"])
        if severity is None and ratio < cfg.resolve_ratio:
            state["episode"] = None
            return [self._alert(brand_id, episode, Severity.RESOLVED, ratio, signals, now)]
        if severity is not None and severity.rank > current.rank:
            episode["severity"] = str(severity)
            episode["last_emit"] = now
            return [self._alert(brand_id, episode, severity, ratio, signals, now)]
        if now - episode["last_emit"] >= cfg.update_interval_ms:
            episode["last_emit"] = now
            return [self._alert(brand_id, episode, current, ratio, signals, now)]
        return []

    def _alert(
        self, brand_id: str, episode: dict[str, Any], severity: Severity, ratio: float,
        signals: dict[str, float], now: int,
    ) -> Alert:
        reasons = [
            f"{int(signals['negatives_window'])} negative mentions in the last hour, "
            f"{ratio:.1f}x the {signals['expected_negatives']:.1f} expected",
            f"{int(signals['distinct_authors'])} distinct authors; the most active wrote "
            f"{signals['top_author_share']:.0%} of them",
        ]
        return Alert(
            alert_id=episode["alert_id"],
            kind=AlertKind.SNOWBALL,
            brand_id=brand_id,
            severity=severity,
            opened_at=episode["opened_at"],
            event_time=now,
            score=round(ratio, 3),
            summary=f"{brand_id}: negative mentions snowballing ({severity}) at {ratio:.1f}x baseline",
            signals=signals,
            reasons=reasons,
        )
