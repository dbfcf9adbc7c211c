"""From window signals to a snowball severity: volume evidence, gated by breadth, growth and warm-up."""

from __future__ import annotations

import math

from streams.detection.config import DetectorConfig
from streams.detection.window import WindowSignals
from streams.models import Severity


def _volume_level(glr: float, ratio: float, cfg: DetectorConfig) -> Severity | None:
    if glr >= cfg.critical_glr and ratio >= cfg.critical_ratio:
        return Severity.CRITICAL
    if glr >= cfg.warning_glr and ratio >= cfg.warning_ratio:
        return Severity.WARNING
    if glr >= cfg.watch_glr and ratio >= cfg.watch_ratio:
        return Severity.WATCH
    return None


def abrupt(sig: WindowSignals, cfg: DetectorConfig) -> bool:
    """An abrupt wave: the brand's voices of the last ``abrupt_window_min`` minutes or less are ``abrupt_ratio`` x
    what was expected and their GLR is ``abrupt_glr_share`` x ``warning_glr`` or more. Such a wave reaches warning
    on less evidence than ``warning_glr`` (see docs/detection.md, "Abrupt waves"); the breadth gates still apply."""
    return (sig.glr >= cfg.abrupt_glr_share * cfg.warning_glr and sig.ratio >= cfg.abrupt_ratio
            and sig.window_min <= cfg.abrupt_window_min)


def _relative_authors(ratio: float, floor: int, full: int, expected_hour: float, warming_up: bool) -> int:
    """``ratio`` x the usual hourly voices, between ``floor`` and ``full``; ``full`` while warming up."""
    if warming_up:
        return full
    return min(full, max(floor, math.ceil(ratio * expected_hour)))


def warning_authors(sig: WindowSignals, cfg: DetectorConfig, warming_up: bool = False) -> int:
    """Distinct negative authors a warning needs in the hour: twice (``warning_ratio``) the brand's usual hourly
    voices at this hour, between ``warning_authors_floor`` and ``warning_authors``. A brand with few usual voices
    needs fewer extra ones; the floor keeps a troll, an ambassador's repliers or a bot farm out. During warm-up
    the usual voices are not known yet (the start-up level may be a night's), so the full count is needed."""
    return _relative_authors(cfg.warning_ratio, cfg.warning_authors_floor, cfg.warning_authors, sig.expected_hour,
                             warming_up)


def critical_authors(sig: WindowSignals, cfg: DetectorConfig, warming_up: bool = False) -> int:
    """Distinct negative authors critical needs in the hour: ``critical_ratio`` x the brand's usual hourly voices at
    this hour, between ``critical_authors_floor`` and ``critical_authors`` (the full count during warm-up), as
    ``warning_authors`` does for warning."""
    return _relative_authors(cfg.critical_ratio, cfg.critical_authors_floor, cfg.critical_authors, sig.expected_hour,
                             warming_up)


def sustained_surge(sig: WindowSignals, cfg: DetectorConfig) -> bool:
    return (sig.day_glr >= cfg.warning_glr and sig.day_ratio >= cfg.sustained_ratio
            and sig.day_ratio_recent >= cfg.sustained_ratio)


Held = list[tuple[Severity, str]]  # (a level the evidence reached, why the window does not get it)


def assess(sig: WindowSignals, cfg: DetectorConfig, history_ms: int,
           warming_up: bool = False) -> tuple[Severity | None, Held]:
    """The severity the window deserves now (None: no snowball) and why a higher level was held back."""
    held: Held = []
    level = _volume_level(sig.glr, sig.ratio, cfg)
    if level is Severity.WATCH and abrupt(sig, cfg):
        level = Severity.WARNING
    # A wave of a single topic can hide inside a big brand's volume: judge each topic too.
    for topic, (glr, o, e) in sorted(sig.topic_glr.items()):
        topic_level = _volume_level(glr, o / e if e else 0.0, cfg)
        if topic_level is not None and o >= cfg.min_voices and (level is None or topic_level.rank > level.rank):
            level = topic_level
            sig.topic = topic
    # A sustained surge: a day-long rise of a big brand, never 2x in 6 hours but strong over 12..24 hours.
    # Judged against the same hours of the previous days, and still on over the newest hours by the same measure.
    sustained = not warming_up and sustained_surge(sig, cfg)
    by_day = sustained and (level is None or level.rank < Severity.WARNING.rank)
    if by_day:
        level = Severity.WARNING
    if level is None:
        return None, held
    if history_ms < cfg.cold_start_ms:
        return None, [(level, "the brand has less than 3 hours of history")]
    if sig.ratio_hour < 1.5 and not by_day:
        return None, [(level, "the last hour is back near the baseline")]
    if sig.voices_hour < cfg.min_voices or sig.distinct_authors < cfg.min_authors:
        return None, [(level, f"only {sig.distinct_authors} distinct negative authors in the last hour")]
    if sig.top_author_share > cfg.max_top_author_share:
        return None, [(level, f"one author wrote {sig.top_author_share:.0%} of the negative mentions")]
    if level is Severity.CRITICAL:
        growing = 0 < sig.doubling_min <= cfg.critical_doubling_min or sig.cascade_supercritical
        needed = critical_authors(sig, cfg, warming_up)
        if sig.distinct_authors < needed or not growing:
            level = Severity.WARNING
            held.append((Severity.CRITICAL, f"critical needs {needed}+ authors and growth still doubling within "
                                            f"{cfg.critical_doubling_min:.0f} min"))
    needed = warning_authors(sig, cfg, warming_up)
    if level is Severity.WARNING and sig.distinct_authors < needed:
        level = Severity.WATCH
        held.append((Severity.WARNING, f"warning needs {needed}+ distinct negative authors in the hour"))
    fast = 0 < sig.doubling_min <= cfg.warmup_doubling_min
    if level.rank > Severity.WATCH.rank and warming_up and not fast:
        # A brand's daily rise looks like a surge until its hours have been seen: only fast growth escalates.
        held.append((level, "the brand's daily rhythm is still being learned (warm-up) and growth is not fast"))
        level = Severity.WATCH
    return level, held
