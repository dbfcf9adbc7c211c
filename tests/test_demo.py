"""The demo's verdict: snowball alerts decide it; community-manager alerts are listed, not judged."""

from __future__ import annotations

from streams.demo import DemoResult, format_alert
from streams.models import Alert, AlertKind, Severity


def alert(brand: str, kind: AlertKind, severity: Severity, alert_id: str = "a") -> Alert:
    return Alert(alert_id, kind, brand, severity, 1, 2, summary=f"{brand} {kind}", reasons=["why"])


def test_the_snowball_brand_warned_and_the_quiet_brand_only_has_a_repeat_critic_is_right():
    result = DemoResult("demo", 10, 10, 10, alerts=[
        alert("acme", AlertKind.SNOWBALL, Severity.WATCH), alert("acme", AlertKind.SNOWBALL, Severity.WARNING),
        alert("globex", AlertKind.REPEAT_CRITIC, Severity.WATCH, "troll"),
    ])
    ok, lines = result.verdict()
    assert ok
    assert "snowball alert warning" in lines[0] and "(other alerts: none)" in lines[0]
    assert "no snowball alert" in lines[1] and "1 repeat critic" in lines[1]


def test_a_snowball_warning_on_the_quiet_brand_fails_the_demo():
    result = DemoResult("demo", 10, 10, 10, alerts=[
        alert("acme", AlertKind.SNOWBALL, Severity.CRITICAL), alert("globex", AlertKind.SNOWBALL, Severity.WARNING),
    ])
    assert result.verdict()[0] is False


def test_missing_mentions_or_a_missing_alert_fail_the_demo():
    assert DemoResult("demo", 10, 10, 10).verdict()[0] is False
    result = DemoResult("demo", 10, 7, 10, alerts=[alert("acme", AlertKind.SNOWBALL, Severity.WARNING)])
    assert result.verdict()[0] is False


def test_snowball_alerts_print_their_reasons_and_others_one_line():
    assert "      - why" in format_alert(alert("acme", AlertKind.SNOWBALL, Severity.WARNING))
    assert "\n" not in format_alert(alert("acme", AlertKind.UNANSWERED_COMPLAINT, Severity.WATCH))
