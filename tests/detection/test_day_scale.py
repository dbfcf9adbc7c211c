"""The day-scale (sustained surge) test and the breadth a warning needs, on synthetic streams."""

from streams.detection import DetectorConfig, SnowballDetector
from streams.detection.severity import warning_authors
from streams.detection.window import WindowSignals
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
    from streams.detection import window

    incremental, checked = window.day_scan, []

    def both(state, cfg, sig, observed, fraction):
        full = WindowSignals()
        window._day_scan_full(state, cfg, full, observed, fraction)
        incremental(state, cfg, sig, observed, fraction)
        for name in ("day_glr", "day_hours", "day_observed", "day_expected", "day_ratio", "day_ratio_hour"):
            assert abs(getattr(sig, name) - getattr(full, name)) <= 1e-9 * max(1.0, abs(getattr(full, name))), name
        checked.append(full.day_glr)

    monkeypatch.setattr(window, "day_scan", both)
    det = SnowballDetector()
    state, _ = run(det, background(60, per_hour=60, prefix="u"))
    run(det, background(20, per_hour=120, start=T0 + 60 * HOUR, prefix="s"), state)
    assert len(checked) > 100 and max(checked) > 16  # many evaluations, some with day-scale evidence
