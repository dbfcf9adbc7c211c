from streams.backtest.timeline import brand_episodes, episodes, timeline
from streams.models import Alert, AlertKind, Severity

H = 3_600_000


def alert(severity, at, alert_id="acme:snowball:0", kind=AlertKind.SNOWBALL, brand="acme", **extra):
    return Alert(alert_id=alert_id, kind=kind, brand_id=brand, severity=severity, opened_at=0, event_time=at, **extra)


def test_levels_become_spans_and_resends_are_not_milestones():
    updates = [alert(Severity.WATCH, 0, top_terms=["gate"]), alert(Severity.WATCH, H // 2),
               alert(Severity.WARNING, H, topic="delays", top_terms=["gate", "strike"]),
               alert(Severity.CRITICAL, 2 * H), alert(Severity.CRITICAL, 3 * H), alert(Severity.RESOLVED, 5 * H)]
    ep = timeline(updates)
    assert [(s.start, s.end, s.severity) for s in ep.spans] == [
        (0, H, Severity.WATCH), (H, 2 * H, Severity.WARNING), (2 * H, 5 * H, Severity.CRITICAL)]
    assert [a.event_time for a in ep.milestones] == [0, H, 2 * H, 5 * H]
    assert ep.opened == 0 and ep.resolved == 5 * H and ep.highest is Severity.CRITICAL
    assert ep.first_at(Severity.WARNING) == H and ep.first_at(Severity.CRITICAL) == 2 * H
    assert ep.topic == "delays" and ep.terms == ["gate", "strike"]  # as at its last escalation
    assert ep.duration(end_of_history=9 * H) == 5 * H


def test_a_reopened_episode_keeps_its_gap_and_an_open_one_runs_to_the_end():
    updates = [alert(Severity.WATCH, 0), alert(Severity.RESOLVED, H), alert(Severity.WATCH, 2 * H),
               alert(Severity.WARNING, 3 * H)]
    ep = timeline(updates)
    assert [(s.start, s.end) for s in ep.spans] == [(0, H), (2 * H, 3 * H), (3 * H, None)]
    assert ep.resolved is None
    assert ep.duration(end_of_history=4 * H) == H + 2 * H  # the hour between resolution and reopening left out
    assert ep.first_at(Severity.CRITICAL) is None


def test_brand_episodes_keep_one_brands_snowballs_in_opening_order():
    alerts = [alert(Severity.WATCH, 5 * H, alert_id="b"), alert(Severity.WATCH, H, alert_id="a"),
              alert(Severity.WARNING, 2 * H, alert_id="x", kind=AlertKind.UNANSWERED_COMPLAINT),
              alert(Severity.WATCH, 0, alert_id="g", brand="globex")]
    assert [e.alert_id for e in brand_episodes(alerts, "acme")] == ["a", "b"]
    assert list(episodes(alerts, "globex")) == ["g"]


def test_a_jump_from_watch_to_critical_has_reached_warning_too():
    ep = timeline([alert(Severity.WATCH, 0), alert(Severity.CRITICAL, H)])
    assert ep.first_at(Severity.WARNING) == H and ep.highest is Severity.CRITICAL


def test_episodes_are_in_opening_order_whatever_their_ids():
    alerts = [alert(Severity.WATCH, 5 * H, alert_id="a-late"), alert(Severity.WATCH, H, alert_id="z-early"),
              alert(Severity.RESOLVED, 0, alert_id="only-a-resolution")]  # cut from a longer run: no level here
    assert [e.alert_id for e in brand_episodes(alerts, "acme")] == ["z-early", "a-late"]
