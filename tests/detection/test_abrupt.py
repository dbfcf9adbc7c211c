"""Abrupt waves: the severity gates that let a sudden, broad wave reach warning and critical early, and no more."""

from streams.detection import DetectorConfig
from streams.detection.severity import abrupt, assess, critical_authors
from streams.detection.window import WindowSignals
from streams.models import Severity

CFG = DetectorConfig()
PAST_WARM_UP = 3 * 24 * 3_600_000


def _wave(**changes) -> WindowSignals:
    """Fourteen minutes into a 10x wave on a brand with 6 negative voices an hour: 13 voices in a 14-minute
    window against 1.4 expected, 13 distinct authors in the hour (as abrupt_10x at its first warning)."""
    values = dict(glr=13.0, ratio=9.0, window_min=14.0, observed=13.0, expected=1.4, ratio_hour=2.6,
                  voices_hour=16.0, expected_hour=6.0, distinct_authors=13, top_author_share=0.08, doubling_min=9.0)
    values.update(changes)
    return WindowSignals(**values)


def test_an_abrupt_broad_wave_reaches_warning_below_the_warning_glr():
    sig = _wave()
    assert sig.glr < CFG.warning_glr and abrupt(sig, CFG)
    level, held = assess(sig, CFG, PAST_WARM_UP)
    assert level is Severity.WARNING and held == []


def test_a_slow_or_modest_rise_needs_the_full_warning_evidence():
    # Over more than an hour, or below 5x: the baseline's own misfit looks like that (the rhythm scenario's
    # false warnings with a lower threshold were 2-4x over 1.5-5 hours), so GLR 16 stays the bar.
    for sig in (_wave(window_min=90.0), _wave(ratio=4.0)):
        assert not abrupt(sig, CFG)
        assert assess(sig, CFG, PAST_WARM_UP)[0] is Severity.WATCH


def test_breadth_still_holds_an_abrupt_wave_of_few_people():
    level, held = assess(_wave(distinct_authors=8), CFG, PAST_WARM_UP)
    assert level is Severity.WATCH
    assert held == [(Severity.WARNING, "warning needs 12+ distinct negative authors in the hour")]
    assert assess(_wave(top_author_share=0.5), CFG, PAST_WARM_UP)[0] is None  # a troll's burst


def test_warm_up_still_holds_an_abrupt_wave_that_does_not_keep_doubling():
    level, _ = assess(_wave(distinct_authors=16, doubling_min=60.0), CFG, PAST_WARM_UP, warming_up=True)
    assert level is Severity.WATCH


def test_critical_breadth_is_relative_to_the_usual_voices_between_20_and_30():
    assert critical_authors(WindowSignals(expected_hour=1.0), CFG) == 20
    assert critical_authors(WindowSignals(expected_hour=6.0), CFG) == 24
    assert critical_authors(WindowSignals(expected_hour=30.0), CFG) == 30
    assert critical_authors(WindowSignals(expected_hour=1.0), CFG, warming_up=True) == 30


def test_critical_for_a_small_brand_needs_its_breadth_and_growth():
    big = _wave(glr=28.0, ratio=8.0, window_min=27.0, distinct_authors=25, voices_hour=28.0)
    assert assess(big, CFG, PAST_WARM_UP)[0] is Severity.CRITICAL
    level, held = assess(_wave(glr=28.0, ratio=8.0, window_min=27.0, distinct_authors=22), CFG, PAST_WARM_UP)
    assert level is Severity.WARNING
    assert held == [(Severity.CRITICAL, "critical needs 24+ authors and growth still doubling within 90 min")]
    assert assess(_wave(glr=28.0, ratio=8.0, distinct_authors=25, doubling_min=-1.0), CFG,
                  PAST_WARM_UP)[0] is Severity.WARNING  # a plateau: no longer growing
