from collections import Counter

from streams.backtest.runner import BacktestResult
from streams.backtest.summary import as_text, summarise
from streams.models import Alert, AlertKind, Severity

H = 3_600_000
T0 = 1_424_563_200_000  # 2015-02-22 00:00 UTC


def alert(severity, at, brand, kind=AlertKind.SNOWBALL, alert_id=None, **extra):
    return Alert(alert_id=alert_id or f"{brand}:{kind}", kind=kind, brand_id=brand, severity=severity,
                 opened_at=T0, event_time=at, **extra)


def run(alerts):
    hourly = {"acme": {T0 + h * H: [4, 1] for h in range(10)}, "globex": {T0: [2, 2]}, "initech": {T0: [1, 0]}}
    return BacktestResult(alerts=alerts, hourly=hourly, counts=Counter())


def test_brands_worst_first_with_their_figures():
    alerts = [alert(Severity.WATCH, T0 + H, "acme"), alert(Severity.WARNING, T0 + 2 * H, "acme"),
              alert(Severity.RESOLVED, T0 + 4 * H, "acme"),
              alert(Severity.WARNING, T0 + 6 * H, "acme", alert_id="acme:2"),  # still open at the end (10 h)
              alert(Severity.WATCH, T0, "globex"),
              # The brand's one unanswered-complaints alert, updated twice: its updates are not complaints.
              alert(Severity.WATCH, T0, "acme", kind=AlertKind.UNANSWERED_COMPLAINT, alert_id="u1"),
              alert(Severity.WATCH, T0 + H, "acme", kind=AlertKind.UNANSWERED_COMPLAINT, alert_id="u1"),
              alert(Severity.RESOLVED, T0 + 2 * H, "acme", kind=AlertKind.UNANSWERED_COMPLAINT, alert_id="u1")]
    result = run(alerts)
    result.detector_stats = {"acme": {"complaints_overdue": 2, "answered_late": 1}}
    summaries = summarise(result)
    assert [s.brand for s in summaries] == ["acme", "globex", "initech"]
    acme = summaries[0]
    assert acme.highest is Severity.WARNING and acme.first_warning == T0 + 2 * H
    assert acme.at_warning_ms == 2 * H + 4 * H
    assert (acme.mentions, acme.negatives, len(acme.episodes)) == (40, 10, 2)
    assert acme.care["unanswered_complaint"] == 2  # complaints past the deadline, answered late or not
    assert summaries[2].highest is None and summaries[2].first_warning is None


def test_as_text_is_one_aligned_line_per_brand():
    lines = as_text(summarise(run([alert(Severity.WARNING, T0 + 2 * H, "acme")]))).splitlines()
    assert len(lines) == 4 and lines[0].startswith("brand ")
    assert lines[1].split()[:5] == ["acme", "1", "warning", "2015-02-22", "02:00"]
    assert lines[0].index("episodes") + len("episodes") == lines[1].index(" 1 ") + 2  # counts right-aligned


def test_critical_time_counts_as_warning_or_above_and_ties_go_to_the_longer_wave():
    alerts = [alert(Severity.WATCH, T0, "globex"), alert(Severity.CRITICAL, T0 + 9 * H, "globex"),
              alert(Severity.WARNING, T0 + 8 * H, "acme")]
    run_ = run(alerts)
    run_.hourly["globex"] = {T0 + h * H: [1, 1] for h in range(10)}
    run_.alerts.append(alert(Severity.CRITICAL, T0 + 5 * H, "acme", alert_id="acme:2"))
    summaries = summarise(run_)
    assert [s.brand for s in summaries][:2] == ["acme", "globex"]  # both critical: 7 h at warning+ beat 1 h
    assert summaries[1].at_warning_ms == H


def test_repeat_critics_are_people_and_the_history_ends_at_the_last_alert():
    alerts = [alert(Severity.WATCH, T0 + h * H, "acme", kind=AlertKind.REPEAT_CRITIC, alert_id=f"r{h}",
                    author_id="ann") for h in (1, 30)]
    alerts.append(alert(Severity.WATCH, T0 + 12 * H, "acme", kind=AlertKind.UNANSWERED_COMPLAINT))
    acme = summarise(run(alerts))[0]
    assert acme.care["repeat_critic"] == 1 and acme.critics == {"ann": 2}
    assert acme.end == T0 + 30 * H  # later than the last customer hour (10 h)
