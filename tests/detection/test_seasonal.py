"""The seasonal baseline learns a brand's weekly rhythm (streams/detection/seasonal.py)."""

from __future__ import annotations

from streams.detection import codec, seasonal
from streams.detection.config import DetectorConfig
from streams.timeunits import DAY_MS
from tests.detection.helpers import HOUR, T0

CFG = DetectorConfig()
BUCKET = CFG.bucket_ms
MONDAY = T0 - 6 * HOUR  # T0 is a Monday 06:00 UTC


def _voices(t: int) -> float:
    """Busy days, quiet nights, and weekends at half the weekdays' level."""
    hour = (t // HOUR) % 24
    day = 2.0 if 8 <= hour < 20 else 0.4
    return day * (0.5 if (t // DAY_MS + 3) % 7 >= 5 else 1.0)


def _learn(start: int, buckets: int, base=None):
    base = base or seasonal.new_baseline(CFG)
    for t in range(start, start + buckets * BUCKET, BUCKET):
        seasonal.fold(base, CFG, t, _voices(t), frozen=False)
    return base


def test_weekends_are_learned_as_the_weekday_factors_not_absorbed_by_the_level_and_hours():
    dow = _learn(MONDAY, 21 * 144).dow
    weekdays, weekend = dow[:5], dow[5:]
    assert max(weekdays) / min(weekdays) < 1.1
    ratio = (sum(weekend) / 2) / (sum(weekdays) / 5)
    assert 0.45 < ratio < 0.55, dow  # truth 0.5; learned bucket by bucket from residuals it was ~0.85


def test_expected_voices_follow_the_rhythm_after_three_weeks():
    base = _learn(MONDAY, 21 * 144)
    monday_noon, saturday_noon = MONDAY + 21 * DAY_MS + 12 * HOUR, MONDAY + 26 * DAY_MS + 12 * HOUR
    assert abs(seasonal.expected(base, CFG, monday_noon) / 2.0 - 1) < 0.2
    assert abs(seasonal.expected(base, CFG, saturday_noon) / 1.0 - 1) < 0.2


def test_a_partial_first_day_teaches_no_weekday():
    base = _learn(T0, 130)  # Monday from 06:00 to the small hours of Tuesday: no whole day yet
    assert base.weekday_days == [0.0] * 7 and base.dow == [1.0] * 7
    base = _learn(T0 + 130 * BUCKET, 150, base)  # the rest of Tuesday, and Wednesday's first hours
    assert base.weekday_days[1] == 1.0 and sum(base.weekday_days) == 1.0


def test_a_state_saved_before_the_weekday_sums_keeps_its_factors_as_one_day_each():
    saved = {"level": 1 / 6, "n": 0, "hod": [1.0] * 24, "hodn": [0] * 24, "dow": [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5],
             "phi": 1.0}  # a version 2 baseline from before the day and weekday sums
    base = codec.from_record({"v": 2, "base": saved}, CFG).baseline
    base = _learn(MONDAY, 145, base)  # Monday whole, then Tuesday's first bucket closes it
    assert base.weekday_days == [1.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # the seeded day decayed by a week (of 4)
    assert base.dow[5] < 0.7  # the old weekend factor is not forgotten
