import re
from collections import Counter

from streams.backtest.report import _y_ticks, render
from streams.backtest.runner import BacktestResult
from streams.models import Alert, AlertKind, Severity

H = 3_600_000
T0 = 1_424_563_200_000  # 2015-02-22 00:00 UTC


def alert(severity, at, brand, kind=AlertKind.SNOWBALL, **extra):
    return Alert(alert_id=f"{brand}:{kind}:0", kind=kind, brand_id=brand, severity=severity,
                 opened_at=extra.pop("opened_at", T0), event_time=at, summary=f"{brand} {severity}",
                 reasons=[f"why {severity}"], **extra)


def result(alerts):
    hourly = {brand: {T0 + h * H: [10, h] for h in range(48)} for brand in ("acme", "globex", "initech")}
    return BacktestResult(alerts=alerts, hourly=hourly, counts=Counter(read=144, classified=144),
                          detector_stats={"acme": {"duplicates": 2}}, detect_seconds=0.5, detected=144)


def sections(html):
    return re.findall(r'<section id="brand-([^"]+)">', html)


def test_worst_brand_first_with_its_episode_drawn_and_summarised():
    alerts = [alert(Severity.WATCH, T0 + 3 * H, "globex"), alert(Severity.RESOLVED, T0 + 5 * H, "globex"),
              alert(Severity.WATCH, T0 + 10 * H, "initech", topic="<delays>", top_terms=["gate"]),
              alert(Severity.WARNING, T0 + 11 * H, "initech"),
              alert(Severity.WARNING, T0 + 4 * H, "acme", kind=AlertKind.UNANSWERED_COMPLAINT)]
    html = render(result(alerts))
    assert sections(html) == ["initech", "globex", "acme"]  # warning, watch, no episode
    initech = html.split('<section id="brand-initech">')[1].split("</section>")[0]
    # One band and one strip piece per level held; the open warning runs to the end of the history.
    assert initech.count("<rect") == 4
    assert "warning from 2015-02-22 11:00 to the end of the history" in initech
    assert "&lt;delays&gt;" in initech and "<delays>" not in html  # raw input is escaped
    assert "open at the end" in initech and "why warning" in initech
    summary = html.split("</table>")[0]
    assert re.search(r"initech</a></td><td class=n>1</td><td><span class=lvl[^>]*>warning</span></td>"
                     r"<td>2015-02-22 11:00</td><td class=n>37.0 h</td>", summary)
    assert re.search(r"acme</a>.*?<td class=n>1</td><td class=n>0</td><td class=n>0</td></tr>", summary)
    assert "2 duplicates" in html and "no snowball episode" in html


def test_the_report_is_self_contained():
    html = render(result([alert(Severity.WATCH, T0 + 3 * H, "acme")]))
    assert "<script" not in html and "src=" not in html and 'href="http' not in html


def test_y_ticks_are_round_and_cover_the_top():
    assert _y_ticks(0) == [0, 1]
    assert _y_ticks(3) == [0, 1, 2, 3]
    assert _y_ticks(69) == [0, 20, 40, 60, 80]
    assert _y_ticks(1_234) == [0, 500, 1000, 1500]


def test_community_management_lists_overdue_per_day_repeat_critics_and_high_reach_posts():
    kinds = AlertKind
    alerts = [alert(Severity.WATCH, T0 + h * H, "acme", kind=kinds.UNANSWERED_COMPLAINT, opened_at=T0 + h * H)
              for h in (30, 2, 3)]
    alerts.append(alert(Severity.RESOLVED, T0 + 4 * H, "acme", kind=kinds.UNANSWERED_COMPLAINT, opened_at=T0 + 3 * H))
    alerts += [alert(Severity.WATCH, T0 + h * H, "acme", kind=kinds.REPEAT_CRITIC, author_id=who)
               for h, who in ((1, "ann"), (5, "<troll>"), (26, "<troll>"))]
    alerts.append(Alert(alert_id="acme:high_reach:1", kind=kinds.HIGH_REACH_NEGATIVE, brand_id="acme",
                        severity=Severity.WATCH, opened_at=T0, event_time=T0 + H, author_id="star",
                        summary="acme: negative post from star (1,200,000 followers): never again",
                        signals={"followers": 1_200_000.0}))
    acme = render(result(alerts)).split('<section id="brand-acme">')[1].split("</section>")[0]
    assert "Sun 22 Feb 2 · Mon 23 Feb 1 (1 answered after the deadline)" in acme
    assert "&lt;troll&gt; (2 times), ann" in acme
    assert "2015-02-22 01:00 negative post from star (1,200,000 followers): never again" in acme
    globex = render(result(alerts)).split('<section id="brand-globex">')[1].split("</section>")[0]
    assert globex.count("none") >= 3


def test_raw_input_is_escaped_in_every_field():
    nasty = "<i>x&y</i>"
    alerts = [alert(Severity.WARNING, T0 + 3 * H, "acme", topic=nasty, top_terms=[nasty]),
              alert(Severity.WATCH, T0, "acme", kind=AlertKind.REPEAT_CRITIC, author_id=nasty),
              Alert(alert_id="h", kind=AlertKind.HIGH_REACH_NEGATIVE, brand_id="acme", severity=Severity.WATCH,
                    opened_at=T0, event_time=T0, summary=f"acme: {nasty}", signals={"followers": 2e5})]
    alerts[0].summary, alerts[0].reasons = nasty, [nasty]
    run = result(alerts)
    run.hourly[nasty] = run.hourly.pop("globex")
    html = render(run, title=nasty)
    assert "<i>" not in html and "&lt;i&gt;x&amp;y&lt;/i&gt;" in html
    assert 'id="brand--i-x-y--i-"' in html and 'href="#brand--i-x-y--i-"' in html


def test_a_reopened_episode_shows_every_step_and_its_open_time_without_the_gap():
    alerts = [alert(Severity.WATCH, T0 + H, "acme"), alert(Severity.RESOLVED, T0 + 2 * H, "acme"),
              alert(Severity.WARNING, T0 + 3 * H, "acme"), alert(Severity.RESOLVED, T0 + 5 * H, "acme")]
    acme = render(result(alerts)).split('<section id="brand-acme">')[1].split("</section>")[0]
    steps = re.sub(r"<[^>]+>", "", acme.split("<td>2015-02-22 01:00</td><td>")[1].split("</td>")[0])
    assert steps == "watch 01:00 → resolved 02:00 → warning 03:00"  # the last resolution has its own column
    assert "<td>2015-02-22 05:00</td><td class=n>3.0 h</td>" in acme


def test_an_open_band_runs_to_the_right_edge_and_late_alerts_extend_the_history():
    from streams.backtest.report import _RIGHT, _W

    # The last customer mention is in hour 47; the brand's replies moved the clock to hour 50.
    alerts = [alert(Severity.WATCH, T0 + 40 * H, "acme"), alert(Severity.CRITICAL, T0 + 50 * H, "acme")]
    acme = render(result(alerts)).split('<section id="brand-acme">')[1].split("</section>")[0]
    bands = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="34" width="([\d.]+)"', acme)]
    assert len(bands) == 2 and bands[1][1] >= 1.5 and abs(sum(bands[1]) - (_W - _RIGHT)) < 0.2
    assert "critical from 2015-02-24 02:00 to the end of the history" in acme


def test_a_long_history_gets_a_readable_time_axis():
    run = result([])
    run.hourly["acme"] = {T0 + h * H: [3, 1] for h in range(120 * 24)}  # 120 days
    acme = render(run).split('<section id="brand-acme">')[1].split("</section>")[0]
    labels = re.findall(r'font-size="10" fill="#777">(\w{3} \d\d \w{3})</text>', acme)
    assert 6 <= len(labels) <= 13


def test_no_peak_label_without_negatives():
    run = result([])
    run.hourly = {"acme": {T0: [5, 0]}}
    assert "peak" not in render(run)
