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


def result(alerts, stats=None, replies=None):
    hourly = {brand: {T0 + h * H: [10, h, 1] for h in range(48)} for brand in ("acme", "globex", "initech")}
    return BacktestResult(alerts=alerts, hourly=hourly, counts=Counter(read=144, classified=144),
                          detector_stats=stats or {"acme": {"duplicates": 2, "complaints_overdue": 1}},
                          detect_seconds=0.5, detected=144, replies=replies or {})


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
    # complaints past the deadline (counted by the detector, not the updates of its one alert), then the rest at 0
    assert re.search(r"acme</a>.*?<td class=n>1</td>(<td class=n>0</td>){4}</tr>", summary)
    assert "2 duplicates" in html and "no snowball episode" in html


def test_the_report_is_self_contained():
    html = render(result([alert(Severity.WATCH, T0 + 3 * H, "acme")]))
    assert "<script" not in html and "src=" not in html and 'href="http' not in html


def test_y_ticks_are_round_and_cover_the_top():
    assert _y_ticks(0) == [0, 1]
    assert _y_ticks(3) == [0, 1, 2, 3]
    assert _y_ticks(69) == [0, 20, 40, 60, 80]
    assert _y_ticks(1_234) == [0, 500, 1000, 1500]


def test_community_management_shows_how_complaints_ended_per_day_and_the_brands_own_conduct():
    kinds = AlertKind
    alerts = [alert(Severity.WATCH, T0 + h * H, "acme", kind=kinds.REPEAT_CRITIC, author_id=who)
              for h, who in ((1, "ann"), (5, "<troll>"), (26, "<troll>"))]
    alerts.append(Alert(alert_id="acme:high_reach:1", kind=kinds.HIGH_REACH_NEGATIVE, brand_id="acme",
                        severity=Severity.WATCH, opened_at=T0, event_time=T0 + H, author_id="star",
                        summary="acme: negative post from star (1,200,000 followers): never again",
                        signals={"followers": 1_200_000.0}))
    alerts.append(Alert(alert_id="acme:personal_data:r1", kind=kinds.PERSONAL_DATA_REQUEST, brand_id="acme",
                        severity=Severity.WARNING, opened_at=T0 + 2 * H, event_time=T0 + 2 * H,
                        summary='acme: acme_help asked a customer for an e-mail address in public: "send your email"'))
    alerts.append(Alert(alert_id="acme:brand_silence:1", kind=kinds.BRAND_SILENCE, brand_id="acme",
                        severity=Severity.WARNING, opened_at=T0 + 12 * H, event_time=T0 + 12 * H,
                        signals={"minutes_silent": 64.0}))
    stats = {"acme": {"complaints_overdue": 7, "answered_late": 2, "answered_in_time": 2, "came_back_negative": 1}}
    # Day 1: 24 complaints, 4 answered after 10, 30, 100 and 150 min; day 2: 24 complaints, none answered.
    replies = {"acme": [(T0 + H, T0 + H + m * 60_000) for m in (10, 30, 100, 150)]}
    html = render(result(alerts, stats, replies))
    acme = html.split('<section id="brand-acme">')[1].split("</section>")[0]
    assert ("Past the 2 h deadline</b>: 7 complaints (2 answered after it); "
            "of the 4 answered, 1 authors came back negative") in acme
    assert ("<tr><td>Sun 22 Feb</td><td class=n>24</td><td class=n>4</td><td class=n>12%</td>"
            "<td class=n>65 min</td><td class=n>135 min</td></tr>") in acme
    assert "<tr><td>Mon 23 Feb</td><td class=n>24</td><td class=n>0</td><td class=n>0%</td>" in acme
    assert "&lt;troll&gt; (2 times), ann" in acme
    assert "2015-02-22 01:00 negative post from star (1,200,000 followers): never again" in acme
    assert "2015-02-22 02:00 acme_help asked a customer for an e-mail address in public" in acme
    assert "2015-02-22 12:00 (64 min without a public word)" in acme
    globex = html.split('<section id="brand-globex">')[1].split("</section>")[0]
    assert globex.count("none") >= 3 and "Silent during a wave</b>: never" in globex


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
