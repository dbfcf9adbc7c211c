"""Alert words: a level held back is named as such only when the alert could still escalate to it; the summary
gives the evidence that holds the alert."""

from streams.detection.explain import reasons
from streams.detection.window import WindowSignals
from streams.models import Severity

HELD = [(Severity.CRITICAL, "critical needs 30+ authors"), (Severity.WARNING, "warning needs 15+ authors")]


def test_watch_alert_says_what_holds_back_warning_and_critical():
    out = reasons(WindowSignals(), HELD, Severity.WATCH)
    assert "held back: critical needs 30+ authors" in out and "held back: warning needs 15+ authors" in out


def test_warning_update_does_not_say_warning_is_held_back():
    """The episode stays at warning while its window has dropped to watch: the update says so, not that warning
    (its own severity) is held back."""
    out = reasons(WindowSignals(), HELD, Severity.WARNING)
    assert "held back: critical needs 30+ authors" in out
    assert "below warning now: warning needs 15+ authors" in out
    assert not any(line.startswith("held back: warning") for line in out)


def test_resolution_holds_nothing_back():
    out = reasons(WindowSignals(), [(Severity.WATCH, "the last hour is back near the baseline")], Severity.RESOLVED)
    assert "below watch now: the last hour is back near the baseline" in out
    assert not any(line.startswith("held back") for line in out)


def test_summary_tells_the_day_scale_evidence_when_it_is_the_stronger():
    """A warning held by the day-scale test through a quiet night hour: the summary gives the day's numbers, not
    "0 voices in 20 min"."""
    from streams.detection.explain import summary

    quiet_hour = WindowSignals(glr=0.0, observed=0.0, expected=0.7, window_min=20.0, day_glr=17.3, day_hours=24.0,
                               day_observed=235.0, day_ratio=1.6, day_reference_days=4)
    line = summary("southwest", Severity.WARNING, quiet_hour)
    assert line == ("southwest: negative mentions up for 24 h (warning): 235 voices, 1.6x the same hours of the 4 "
                    "days before")
    burst = WindowSignals(glr=30.0, observed=20.0, expected=2.0, ratio=10.0, window_min=40.0, day_glr=5.0)
    assert "snowballing (warning): 20 voices in 40 min" in summary("acme", Severity.WARNING, burst)
