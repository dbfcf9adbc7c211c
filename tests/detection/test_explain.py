"""Alert reasons: a level held back is named as such only when the alert could still escalate to it."""

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
