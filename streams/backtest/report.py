"""A self-contained HTML report: per brand, the hourly negative-volume curve with its snowball episodes drawn on
it, worst brand first, after a one-table summary.

Inline SVG, no script, no external file: it opens anywhere and can be attached to a ticket. Hovering a band or a
point shows what it is (SVG ``<title>``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from streams.backtest.runner import BacktestResult
from streams.backtest.summary import CARE_KINDS, BrandSummary, complaint_outcomes, summarise
from streams.backtest.summary import when as _when
from streams.backtest.timeline import Episode
from streams.models import AlertKind, Severity
from streams.timeunits import HOUR_MS

_COLOURS = {Severity.WATCH: "#e0b000", Severity.WARNING: "#f07020", Severity.CRITICAL: "#d01c1c",
            Severity.RESOLVED: "#2a9d4b"}
_NEGATIVE, _ALL = "#3a3a8c", "#c4c4cc"
_W, _H = 960, 250
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 16, 34, 28  # plot margins; the level strip sits above the plot
_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222;padding:0 1em}"
    "table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;padding:4px 6px;"
    "vertical-align:top;text-align:left}th{font-weight:600;color:#555}td.n,th.n{text-align:right}"
    "section{margin-bottom:2.5em}h2{margin-bottom:.2em}.muted{color:#666}.lvl{font-weight:600}"
    "details ul{margin:.3em 0 .3em 1em;padding:0}h3{font-size:14px;margin:1em 0 .3em}.care{font-size:13px;"
    "padding-left:1.2em;margin:0}.care li{margin:.2em 0}summary{cursor:pointer;color:#555}a{color:inherit}"
)


def _day_label(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%a %d %b")


def _clock(ms: int, since: int) -> str:
    """The time of day, with the date when it is not the day of ``since``."""
    when = _when(ms)
    return when[11:] if when[:10] == _when(since)[:10] else when[5:]


def _hours(ms: int) -> str:
    return f"{ms / HOUR_MS:.1f} h"


def _level(severity: Severity | None, text: str | None = None) -> str:
    if severity is None:
        return '<span class=muted>none</span>'
    return f'<span class=lvl style="color:{_COLOURS[severity]}">{escape(text or str(severity))}</span>'


def _y_ticks(top: int) -> list[int]:
    """Round tick values from 0 to at least ``top``, about four steps of 1, 2 or 5 times a power of ten."""
    raw = max(top, 1) / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(1, next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))
    return list(range(0, step * math.ceil(max(top, 1) / step) + 1, step))


def _anchor(brand: str) -> str:
    """An id for the brand's section: brand ids are slugs in practice, this keeps it valid whatever they are."""
    return "brand-" + re.sub(r"[^A-Za-z0-9_-]", "-", brand)


def _chart(hourly: dict[int, list[int]], episodes: list[Episode], end: int) -> str:
    """``end``: the end of the brand's history (its last hour, or later when the brand's own replies move the
    detector's clock on after the last customer mention)."""
    hours = sorted(hourly)
    first, last = hours[0], max(hours[-1] + HOUR_MS, end)
    ticks = _y_ticks(max(c[1] for c in hourly.values()))
    top = ticks[-1]
    bottom_y, top_y = _H - _BOTTOM, _TOP

    def x(t: int) -> float:
        return _LEFT + (min(max(t, first), last) - first) / max(last - first, 1) * (_W - _LEFT - _RIGHT)

    def y(v: float) -> float:
        return bottom_y - min(v, top) / top * (bottom_y - top_y)

    parts = [f'<svg viewBox="0 0 {_W} {_H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" '
             'font-family="system-ui,sans-serif">']
    for episode in episodes:  # bands behind the curves, and the level strip above them
        for span in episode.spans:
            x0, x1 = x(span.start), x(last if span.end is None else span.end)
            colour = _COLOURS[span.severity]
            until = "the end of the history" if span.end is None else _when(span.end)
            title = (f"<title>{escape(str(span.severity))} from {_when(span.start)} to {until}"
                     f"{' · ' + escape(episode.topic) if episode.topic else ''}</title>")
            width = max(x1 - x0, 1.5)  # a level held for minutes still shows
            x0 = min(x0, _W - _RIGHT - width)
            parts.append(f'<rect x="{x0:.1f}" y="{top_y}" width="{width:.1f}" height="{bottom_y - top_y}" '
                         f'fill="{colour}" opacity="0.14">{title}</rect>'
                         f'<rect x="{x0:.1f}" y="{top_y - 12}" width="{width:.1f}" height="8" fill="{colour}">'
                         f'{title}</rect>')
    for v in ticks:
        parts.append(f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>'
                     f'<text x="{_LEFT - 6}" y="{y(v) + 4:.1f}" font-size="10" fill="#777" '
                     f'text-anchor="end">{v}</text>')
    # Days on the time axis (every few days on a long history, at most ~12 labels); a history of two days or
    # less gets its hours instead. No label so close to the right edge that it would be cut.
    span = last - first
    day = 24 * HOUR_MS
    step = math.ceil(span / day / 12) * day if span > 2 * day else (3 if span > 12 * HOUR_MS else 1) * HOUR_MS
    tick = first - first % step + step
    while tick < last:
        label = _day_label(tick) if step % day == 0 or tick % day == 0 else _when(tick)[11:]
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top_y}" y2="{bottom_y}" stroke="#e4e4e4"/>')
        if x(tick) + 60 <= _W - _RIGHT:
            parts.append(f'<text x="{x(tick) + 3:.1f}" y="{_H - 10}" font-size="10" fill="#777">{label}</text>')
        tick += step
    negatives, everything = [], []
    for h in range(first, last, HOUR_MS):
        cell = hourly.get(h, [0, 0])
        negatives.append(f"{x(h + HOUR_MS // 2):.1f},{y(cell[1]):.1f}")
        everything.append(f"{x(h + HOUR_MS // 2):.1f},{y(cell[0]):.1f}")
    parts.append(f'<polyline points="{" ".join(everything)}" fill="none" stroke="{_ALL}" stroke-width="1"/>'
                 f'<polygon points="{x(first + HOUR_MS // 2):.1f},{bottom_y} {" ".join(negatives)} '
                 f'{x(last - HOUR_MS // 2):.1f},{bottom_y}" fill="{_NEGATIVE}" opacity="0.12"/>'
                 f'<polyline points="{" ".join(negatives)}" fill="none" stroke="{_NEGATIVE}" stroke-width="1.8"/>')
    peak = max(hours, key=lambda h: (hourly[h][1], -h))
    if hourly[peak][1] > 0:
        peak_x, peak_y = x(peak + HOUR_MS // 2), y(hourly[peak][1])
        label = f"peak {hourly[peak][1]} negatives in the hour from {_day_label(peak)} {_when(peak)[11:]}"
        # About 6 px a character at this size: put the label on the side of the point it fits on.
        right = peak_x + 6 + 6 * len(label) <= _W - _RIGHT
        parts.append(f'<circle cx="{peak_x:.1f}" cy="{peak_y:.1f}" r="3" fill="{_NEGATIVE}"/>'
                     f'<text x="{peak_x + (6 if right else -6):.1f}" y="{max(peak_y, top_y + 10):.1f}" '
                     f'font-size="11" fill="{_NEGATIVE}" text-anchor="{"start" if right else "end"}">{label}</text>')
    parts.append(f'<text x="{_LEFT}" y="12" font-size="11" fill="#555">negative mentions per hour '
                 f'(blue; grey: all mentions, cut at the top of the scale); bands: snowball episodes '
                 f'by level</text></svg>')
    return "".join(parts)


def _episode_rows(episodes: list[Episode], end_of_history: int) -> str:
    rows = []
    for n, ep in enumerate(episodes, 1):
        # Every level change, a resolution and reopening under the same id included; the last resolution has its
        # own column.
        steps = ep.milestones[:-1] if ep.resolved is not None else ep.milestones
        path = " → ".join(_level(a.severity, f"{a.severity} {_clock(a.event_time, ep.opened)}") for a in steps)
        resolved = _when(ep.resolved) if ep.resolved is not None else '<span class=muted>open at the end</span>'
        terms = ", ".join(escape(t) for t in ep.terms[:5])
        about = (f"<b>{escape(ep.topic)}</b>" + (f": {terms}" if terms else "")) if ep.topic else terms
        updates = "".join(
            f"<li>{_when(a.event_time)} {_level(a.severity)}: {escape(a.summary)}<ul>"
            + "".join(f"<li>{escape(r)}</li>" for r in a.reasons) + "</ul></li>" for a in ep.milestones)
        rows.append(
            f"<tr><td class=n>{n}</td><td>{_when(ep.opened)}</td><td>{path}</td><td>{resolved}</td>"
            f"<td class=n>{_hours(ep.duration(end_of_history))}</td><td>{about or '-'}"
            f"<details><summary>why</summary><ul>{updates}</ul></details></td></tr>")
    return "".join(rows)


def _summary_row(summary: BrandSummary) -> str:
    brand, at_warning, mentions = summary.brand, summary.at_warning_ms, summary.mentions
    share = f" ({summary.negatives / mentions:.0%})" if mentions else ""
    first = summary.first_warning
    return (f'<tr><td><a href="#{_anchor(brand)}">{escape(brand)}</a></td><td class=n>{len(summary.episodes)}</td>'
            f"<td>{_level(summary.highest)}</td><td>{_when(first) if first is not None else '-'}</td>"
            f"<td class=n>{_hours(at_warning) if at_warning else '-'}</td>"
            f"<td class=n>{summary.negatives:,}{share}</td>"
            + "".join(f"<td class=n>{summary.care[k]:,}</td>" for k in CARE_KINDS) + "</tr>")


def _care(summary: BrandSummary, deadline_ms: int, top: int = 5) -> str:
    """The community manager's part of a brand: how complaints ended (per day), the authors who keep coming back,
    the high-reach negative posts, and the brand's own conduct (personal data asked in public, silent waves)."""
    alerts, critics, stats = summary.alerts, summary.critics, summary.stats
    reach = sorted((a for a in alerts if a.kind is AlertKind.HIGH_REACH_NEGATIVE),
                   key=lambda a: (-a.signals.get("followers", 0.0), a.event_time))
    asked = [a for a in alerts if a.kind is AlertKind.PERSONAL_DATA_REQUEST]
    silent = [a for a in alerts if a.kind is AlertKind.BRAND_SILENCE and a.severity is not Severity.RESOLVED]
    overdue, late = stats.get("complaints_overdue", 0), stats.get("answered_late", 0)
    answered = stats.get("answered_in_time", 0) + late
    lines = [
        f"<b>Past the {deadline_ms / HOUR_MS:g} h deadline</b>: {overdue:,} complaints"
        + (f" ({late:,} answered after it)" if late else "")
        + (f"; of the {answered:,} answered, {stats.get('came_back_negative', 0):,} authors came back negative "
           "within a day" if answered else ""),
        "<b>Repeat critics</b>: " + (", ".join(
            f"{escape(author)}{f' ({times} times)' if times > 1 else ''}"
            for author, times in sorted(critics.items(), key=lambda x: (-x[1], x[0]))[:top]) or "none")
        + (f" and {len(critics) - top} more" if len(critics) > top else ""),
        "<b>High-reach negatives</b>: " + (", ".join(
            f"{_when(a.event_time)} {escape(a.summary.split(': ', 1)[-1])}" for a in reach[:top]) or "none")
        + (f" and {len(reach) - top} more" if len(reach) > top else ""),
        "<b>Personal data asked in public</b>: " + (", ".join(
            f"{_when(a.event_time)} {escape(a.summary.split(': ', 1)[-1])}" for a in asked[:top]) or "none")
        + (f" and {len(asked) - top} more" if len(asked) > top else ""),
        "<b>Silent during a wave</b>: " + (", ".join(
            f"{_when(a.event_time)} ({a.signals.get('minutes_silent', 0):.0f} min without a public word)"
            for a in silent[:top]) or "never"),
    ]
    days = complaint_outcomes(summary, deadline_ms)
    table = ""
    if days:
        def minutes(value: float | None) -> str:
            return "-" if value is None else f"{value:.0f} min"

        table = ("<table><tr><th>complaints posted on (UTC)</th><th class=n>complaints</th><th class=n>answered</th>"
                 f"<th class=n>within {deadline_ms / HOUR_MS:g} h</th><th class=n>first reply, median</th>"
                 "<th class=n>90th percentile</th></tr>"
                 + "".join(f"<tr><td>{_day_label(d.day)}</td><td class=n>{d.complaints:,}</td>"
                           f"<td class=n>{d.answered:,}</td><td class=n>{d.in_time_share:.0%}</td>"
                           f"<td class=n>{minutes(d.median_minutes)}</td><td class=n>{minutes(d.p90_minutes)}</td></tr>"
                           for d in days) + "</table>")
    return "<ul class=care>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>" + table


def render(result: BacktestResult, title: str = "Snowball backtest") -> str:
    summaries = summarise(result)  # worst first: the brand an ops reader must look at is at the top
    sections = []
    for summary in summaries:
        brand = escape(summary.brand)
        rows = _episode_rows(summary.episodes, summary.end)
        sections.append(
            f'<section id="{_anchor(summary.brand)}"><h2>{brand}</h2>'
            f"{_chart(summary.hourly, summary.episodes, summary.end)}"
            "<table><tr><th class=n>#</th><th>opened (UTC)</th><th>levels reached (UTC)</th><th>resolved</th>"
            f"<th class=n>open for</th><th>about</th></tr>"
            f"{rows or '<tr><td colspan=6 class=muted>no snowball episode</td></tr>'}</table>"
            f"<h3>Community management</h3>{_care(summary, result.answer_deadline_ms)}</section>")
    legend = " ".join(f'<span class=lvl style="color:{c}">&#9646; {s}</span>' for s, c in _COLOURS.items()
                      if s is not Severity.RESOLVED)
    stats = result.detector_totals()
    processes = f" in {result.processes} processes" if result.processes > 1 else ""
    inputs = (f"{result.counts['read']:,} mentions read ({result.invalid:,} invalid, "
              f"{result.counts['unmatched']:,} matching no brand); "
              f"detection: {result.detected:,} brand mentions in {result.detect_seconds:.2f} s{processes} "
              f"({result.mentions_per_second:,.0f} mentions/s); "
              f"{stats['duplicates']:,} duplicates, {stats['late']:,} late, {stats['no_author']:,} without author.")
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title><style>{_CSS}</style>"
            f"</head><body><h1>{escape(title)}</h1><p class=muted>{inputs}</p>"
            f"<p>Snowball levels: {legend}. Times are event times, UTC.</p>"
            "<table><tr><th>brand</th><th class=n>snowball episodes</th><th>highest level</th>"
            "<th>first warning</th><th class=n>at warning or above</th><th class=n>negative mentions</th>"
            "<th class=n>complaints past the deadline</th><th class=n>repeat critics</th>"
            "<th class=n>high-reach negatives</th><th class=n>personal data asked in public</th>"
            f"<th class=n>silent during a wave</th></tr>{''.join(map(_summary_row, summaries))}</table>"
            f"{''.join(sections)}</body></html>")


def write_report(result: BacktestResult, path: Path, title: str = "Snowball backtest") -> None:
    path.write_text(render(result, title), encoding="utf-8")
