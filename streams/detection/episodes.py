"""Alert lifecycle of the brand's snowball episode: open, escalate, update, resolve with hysteresis.

One brand has at most one open snowball episode: topic sub-states make a topic's wave visible inside a big
brand, and name the topic in the episode, but never open a second episode for the same wave. A wave that
flares up again soon after resolving reopens its episode under the same alert id.
"""

from __future__ import annotations

from collections.abc import Callable

from streams.detection import conduct, explain
from streams.detection.config import DetectorConfig
from streams.detection.severity import Held, assess, sustained_surge
from streams.detection.signals import WindowSignals
from streams.detection.state import BrandState, Episode, LastEpisode
from streams.detection.window import complete, complete_day, for_alert
from streams.models import Alert, AlertKind, Severity
from streams.timeunits import DAY_MS, MINUTE_MS, hour_of_day


class Lifecycle:
    def __init__(self, config: DetectorConfig,
                 own_terms: Callable[[str], frozenset[str]] = lambda brand_id: frozenset()) -> None:
        self.config = config
        self.own_terms = own_terms  # brand id -> the brand's own names, never shown as emerging terms

    def step(self, state: BrandState, brand_id: str, sig: WindowSignals) -> list[Alert]:
        cfg = self.config
        now = state.watermark
        hour_days = state.baseline.hodn[hour_of_day(now)] * cfg.bucket_ms / DAY_MS * 24
        warming_up = now - state.first < cfg.warmup_ms or hour_days < 2
        level, held = assess(sig, cfg, now - state.first, warming_up)
        episode = state.episode
        if episode is None:
            if level is None:
                return []
            last = state.last_episode
            if last is not None and now - last.resolved <= cfg.reopen_window_ms:
                alert_id, opened = last.id, last.opened
            else:
                alert_id, opened = f"{brand_id}:snowball:{state.current}", now
            episode = state.episode = Episode(id=alert_id, opened=opened, severity=str(level), last_emit=now,
                                              calm_since=None, topic=sig.topic, peak_glr=sig.glr)
            return [self._alert(state, brand_id, episode, level, sig, held, now)]
        episode.peak_glr = max(episode.peak_glr, sig.glr)
        if episode.topic is None and sig.topic is not None:
            episode.topic = sig.topic
        current = Severity(episode.severity)
        # ``sig`` may leave out what cannot escalate the episode (``window.compute``): whether the level is above
        # the episode's is the same with or without it, and it is completed before anything else reads it.
        if level is not None and level.rank > current.rank:
            episode.severity, episode.last_emit, episode.calm_since = str(level), now, None
            held = self._completed(state, sig, held, now, warming_up)  # the same level: what was left out is below
            return [self._alert(state, brand_id, episode, level, sig, held, now)]
        calm = sig.glr_short < cfg.resolve_glr and sig.ratio_hour < cfg.resolve_ratio
        if calm and episode.severity != "watch":
            complete_day(state, cfg, sig)
            calm = not sustained_surge(sig, cfg)  # a day-long surge is not calm while it lasts
        if not calm:
            episode.calm_since = None
        else:
            if episode.calm_since is None:
                episode.calm_since = now
            if now - episode.calm_since >= cfg.resolve_hold_ms:
                state.episode = None
                state.last_episode = LastEpisode(id=episode.id, opened=episode.opened, resolved=now)
                held = self._completed(state, sig, held, now, warming_up)
                return [self._alert(state, brand_id, episode, Severity.RESOLVED, sig, held, now)]
        if now - episode.last_emit >= cfg.update_interval_ms:
            episode.last_emit = now
            held = self._completed(state, sig, held, now, warming_up)
            return [self._alert(state, brand_id, episode, current, sig, held, now)]
        return []

    def _completed(self, state: BrandState, sig: WindowSignals, held: Held, now: int, warming_up: bool) -> Held:
        """``held`` as the whole ``sig`` gives it, once completed (and the topic ``assess`` names): an alert says
        why the window holds no higher level, which the left-out parts may change (the day scale's warning)."""
        if complete(state, self.config, sig):
            _, held = assess(sig, self.config, now - state.first, warming_up)
        return held

    def _alert(self, state: BrandState, brand_id: str, episode: Episode, severity: Severity,
               sig: WindowSignals, held: Held, now: int) -> Alert:
        if sig.topic is None and episode.topic is not None:
            sig.topic = episode.topic  # the episode keeps its topic: explain that topic's share now
        for_alert(state, self.config, sig, self.own_terms(brand_id))
        sig.brand_posts, last = conduct.voice(state, episode.opened)
        sig.minutes_since_brand_post = (now - last) / MINUTE_MS if last is not None else -1.0
        sig.episode_minutes = (now - episode.opened) / MINUTE_MS
        return Alert(
            alert_id=episode.id,
            kind=AlertKind.SNOWBALL,
            brand_id=brand_id,
            severity=severity,
            opened_at=episode.opened,
            event_time=now,
            topic=episode.topic,
            score=round(sig.glr, 3),
            summary=explain.summary(brand_id, severity, sig),
            signals=sig.as_signals(),
            reasons=explain.reasons(sig, held, severity),
            top_terms=[t for t, _ in sig.terms],
            mention_ids=sig.sample_ids,
            term_clusters=[c.to_record() for c in sig.clusters],
        )
