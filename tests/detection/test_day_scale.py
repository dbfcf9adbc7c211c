"""The day-scale (sustained surge) test and the breadth a warning needs, on synthetic streams."""

from streams.detection import DetectorConfig, SnowballDetector
from streams.detection.severity import warning_authors
from streams.detection.signals import WindowSignals
from streams.models import AlertKind, Severity
from tests.detection.helpers import HOUR, T0, background, cm, run

DAY_MS = 24 * HOUR


def _warnings(alerts):
    return [a for a in alerts if a.kind is AlertKind.SNOWBALL and a.severity in (Severity.WARNING, Severity.CRITICAL)]


def test_day_long_surge_of_a_big_brand_reaches_warning():
    """A big brand (60 negatives an hour, steady for 3 days) whose negatives rise 1.5x for a whole day: never 2x
    in any 6-hour window, so only the day-scale test can see it."""
    det = SnowballDetector()
    usual = background(72, per_hour=240, prefix="u")
    surge = background(24, per_hour=360, start=T0 + 3 * DAY_MS, prefix="s")
    state, alerts = run(det, usual)
    assert _warnings(alerts) == []
    state, alerts = run(det, surge, state)
    warned = _warnings(alerts)
    assert warned, "a day-long 1.5x surge must reach warning"
    assert warned[0].signals["day_ratio"] >= 1.4 and warned[0].signals["day_glr"] >= 16
    assert warned[0].event_time <= T0 + 3 * DAY_MS + 16 * HOUR


def test_plain_busy_weekday_gets_no_warning():
    """The same big brand on four ordinary days, the fourth 15% busier: no warning, no day-scale evidence."""
    det = SnowballDetector()
    usual = background(72, per_hour=240, prefix="u")
    busy = background(24, per_hour=276, start=T0 + 3 * DAY_MS, prefix="b")
    state, alerts = run(det, usual + busy)
    assert _warnings(alerts) == []


def test_warning_breadth_is_relative_to_usual_voices_with_a_floor():
    cfg = DetectorConfig()
    quiet, busy = WindowSignals(expected_hour=1.0), WindowSignals(expected_hour=30.0)
    assert warning_authors(quiet, cfg) == cfg.warning_authors_floor == 10  # a troll or a bot farm stays out
    assert warning_authors(WindowSignals(expected_hour=6.0), cfg) == 12
    assert warning_authors(busy, cfg) == cfg.warning_authors == 15
    assert warning_authors(quiet, cfg, warming_up=True) == 15  # usual voices unknown during warm-up


def test_small_brand_wave_of_twelve_voices_reaches_warning_after_warm_up():
    """A brand with ~1 negative voice an hour, known for three days: a wave of 12 new voices in half an hour is
    a warning (it needed 15 before, out of reach for a small brand whose classifier misses some negatives)."""
    det = SnowballDetector()
    state, alerts = run(det, background(72, per_hour=4, prefix="q"))
    wave = [cm(f"w{i}", T0 + 3 * DAY_MS + i * 150_000, author=f"voice{i}", text=f"flight {i} cancelled again no help")
            for i in range(12)]
    state, alerts = run(det, wave + background(1, per_hour=4, start=T0 + 3 * DAY_MS + 31 * 60_000, prefix="z"),
                        state)
    assert _warnings(alerts)


def test_incremental_day_scan_matches_the_full_scan(monkeypatch):
    """day_scan keeps per-bucket sums of the learned buckets; every evaluation must agree with a full rescan."""
    from streams.detection import day_scale

    incremental, checked = day_scale.scan, []

    def both(state, cfg, sig, observed, fraction):
        full = WindowSignals()
        day_scale._day_scan_full(state, cfg, full, observed, fraction)
        incremental(state, cfg, sig, observed, fraction)
        for name in ("day_glr", "day_hours", "day_observed", "day_expected", "day_ratio", "day_ratio_recent",
                     "day_reference_days"):
            assert abs(getattr(sig, name) - getattr(full, name)) <= 1e-9 * max(1.0, abs(getattr(full, name))), name
        checked.append(full.day_glr)

    monkeypatch.setattr(day_scale, "scan", both)
    det = SnowballDetector()
    state, _ = run(det, background(60, per_hour=60, prefix="u"))
    run(det, background(20, per_hour=120, start=T0 + 60 * HOUR, prefix="s"), state)
    assert len(checked) > 100 and max(checked) > 16  # many evaluations, some with day-scale evidence


def test_reference_days_grow_with_history_up_to_a_week():
    from streams.detection.day_scale import reference_days

    cfg = DetectorConfig()
    day, hour = 144, 6
    assert reference_days(2 * day + 11 * hour, cfg) == 0  # not even the shortest window behind two days
    assert reference_days(2 * day + 12 * hour, cfg) == 2  # two days behind a 12-hour window
    assert reference_days(3 * day, cfg) == 2  # two days behind a whole-day window
    assert reference_days(4 * day + 5 * hour, cfg) == 3
    assert reference_days(8 * day, cfg) == 7
    assert reference_days(30 * day, cfg) == 7  # a week at most: each weekday once


def _noisy(hours: float, per_hour: float, start: int, prefix: str, seed: int, negative_share: float = 0.25):
    """Poisson arrivals (so hours vary as real ones do), a quarter negative, 400 distinct authors."""
    import random

    rng = random.Random(seed)
    out, t, i = [], start, 0
    while True:
        t += int(rng.expovariate(per_hour / HOUR)) + 1
        if t >= start + hours * HOUR:
            return out
        out.append(cm(f"{prefix}{i}", t, negative=rng.random() < negative_share,
                      author=f"{prefix}-{rng.randrange(400)}", text=f"{prefix} message number {i} with words"))
        i += 1


def test_surge_over_two_busier_days_is_judged_against_the_whole_week():
    """Five ordinary days at 2 voices a bucket, two busier ones at 2.6, then a day at 3.5: only 1.35x the two days
    before (a two-day reference sees no surge), 1.6x the week's same hours (a sustained surge)."""
    from dataclasses import replace

    from streams.detection.day_scale import scan as day_scan
    from streams.detection.severity import sustained_surge
    from streams.detection.state import Baseline, BrandState

    per_day = 144
    dv = [2.0] * (5 * per_day) + [2.6] * (2 * per_day) + [3.5] * (per_day - 7)  # learned, oldest first
    live = [3.5] * 7  # not learned yet, the current bucket last
    cur = T0 + 8 * DAY_MS - 10 * 60_000

    def scan(cfg):
        sig = WindowSignals()
        day_scan(BrandState(day_voices=list(dv), baseline=Baseline(level=1.0), current=cur), cfg, sig, live, 1.0)
        return sig

    week = scan(DetectorConfig())
    assert week.day_reference_days == 7 and week.day_hours == 24
    assert abs(week.day_ratio - 3.5 / ((5 * 2.0 + 2 * 2.6) / 7)) < 1e-9 and week.day_glr >= 16
    assert sustained_surge(week, DetectorConfig())
    two = scan(replace(DetectorConfig(), day_reference_days=2))
    assert two.day_reference_days == 2 and abs(two.day_ratio - 3.5 / 2.6) < 1e-9
    assert not sustained_surge(two, DetectorConfig())


def test_yesterdays_wave_does_not_raise_a_sustained_surge_today():
    """A three-hour wave is alerted and resolves; the next day its voices are still inside the 24-hour window, but
    the newest hours are ordinary: no new episode (an hour of a small brand is often 1.4x by chance)."""
    det = SnowballDetector()
    wave_at = T0 + 4 * DAY_MS + 2 * HOUR
    wave = [cm(f"w{i}", wave_at + i * 90_000, author=f"voice{i}", text=f"flight {i} cancelled again no help")
            for i in range(120)]
    mentions = sorted(_noisy(4 * 24 + 2, 60, T0, "d", 4) + wave
                      + _noisy(30, 60, wave_at, "n", 5), key=lambda m: m.mention.created_at)
    _, alerts = run(det, mentions)
    snowball = [a for a in alerts if a.kind is AlertKind.SNOWBALL]
    assert any(a.event_time < wave_at + 4 * HOUR for a in _warnings(snowball)), "the wave itself is a warning"
    late = {a.alert_id for a in snowball if a.event_time > wave_at + 9 * HOUR}
    assert late <= {a.alert_id for a in snowball if a.event_time < wave_at + 4 * HOUR}, "a new episode next day"
