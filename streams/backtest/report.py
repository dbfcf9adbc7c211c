"""A self-contained HTML report: per brand, the hourly negative-volume curve with the snowball alerts marked.

Inline SVG, no script, no external file: it opens anywhere and can be attached to a ticket.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from streams.backtest.runner import HOUR_MS, BacktestResult
from streams.models import AlertKind, Severity

_COLOURS = {Severity.WATCH: "#e0b000", Severity.WARNING: "#f07020", Severity.CRITICAL: "#d01c1c",
            Severity.RESOLVED: "#2a9d4b"}
_W, _H, _PAD = 960, 220, 40


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


def _chart(hourly: dict[int, list[int]], alerts: list) -> str:
    hours = sorted(hourly)
    first, last = hours[0], hours[-1] + HOUR_MS
    top = max(max(c[1] for c in hourly.values()), 1)
    def x(t: int) -> float:
        return _PAD + (t - first) / max(last - first, 1) * (_W - 2 * _PAD)
    def y(v: float) -> float:
        return _H - _PAD + 10 - v / top * (_H - _PAD - 20)
    points, total_points = [], []
    for h in range(first, last, HOUR_MS):
        cell = hourly.get(h, [0, 0])
        points.append(f"{x(h + HOUR_MS // 2):.1f},{y(cell[1]):.1f}")
        total_points.append(f"{x(h + HOUR_MS // 2):.1f},{y(min(cell[0], top)):.1f}")
    parts = [f'<svg viewBox="0 0 {_W} {_H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">',
             f'<polyline points="{" ".join(total_points)}" fill="none" stroke="#c8c8d0" stroke-width="1"/>',
             f'<polyline points="{" ".join(points)}" fill="none" stroke="#3a3a8c" stroke-width="2"/>',
             f'<text x="{_PAD}" y="14" font-size="11" fill="#555">negative mentions per hour (max {top}); '
             f'grey: all mentions (clipped)</text>']
    day = first - first % (24 * HOUR_MS) + 24 * HOUR_MS
    while day < last:
        parts.append(f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="20" y2="{_H - _PAD + 10}" stroke="#eee"/>'
                     f'<text x="{x(day) + 2:.1f}" y="{_H - 12}" font-size="10" fill="#777">{_when(day)[:10]}</text>')
        day += 24 * HOUR_MS
    for alert in alerts:
        colour = _COLOURS[alert.severity]
        ax = x(alert.event_time)
        parts.append(f'<line x1="{ax:.1f}" x2="{ax:.1f}" y1="20" y2="{_H - _PAD + 10}" stroke="{colour}" '
                     f'stroke-width="2" opacity="0.8"><title>{escape(_when(alert.event_time))} {alert.severity}: '
                     f'{escape(alert.summary)}</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def render(result: BacktestResult, title: str = "Snowball backtest") -> str:
    sections = []
    kinds = Counter((a.brand_id, str(a.kind)) for a in result.alerts if a.severity is not Severity.RESOLVED)
    for brand in sorted(result.hourly):
        snowball = [a for a in result.alerts if a.brand_id == brand and a.kind is AlertKind.SNOWBALL]
        marks = [a for i, a in enumerate(snowball)
                 if i == 0 or a.severity is Severity.RESOLVED or a.severity.rank > snowball[i - 1].severity.rank
                 or a.alert_id != snowball[i - 1].alert_id]
        rows = "".join(
            f'<tr><td>{_when(a.event_time)}</td><td style="color:{_COLOURS[a.severity]}"><b>{a.severity}</b></td>'
            f'<td>{escape(a.summary)}<details><summary>why</summary><ul>'
            + "".join(f"<li>{escape(r)}</li>" for r in a.reasons) + "</ul></details></td></tr>"
            for a in marks)
        other = ", ".join(f"{kinds[(brand, k)]} {k.replace('_', ' ')}" for k in
                          ("unanswered_complaint", "repeat_critic", "high_reach_negative") if kinds[(brand, k)])
        sections.append(
            f"<section><h2>{escape(brand)}</h2>{_chart(result.hourly[brand], marks)}"
            f"<p class=other>Community-manager alerts: {escape(other or 'none')}</p>"
            f"<table><tr><th>event time (UTC)</th><th>level</th><th>snowball alert</th></tr>"
            f"{rows or '<tr><td colspan=3>no snowball alert</td></tr>'}</table></section>")
    legend = " ".join(f'<span style="color:{c}">&#9646; {s}</span>' for s, c in _COLOURS.items())
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(result.counts.items()))
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222}"
            "table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;"
            "padding:4px;vertical-align:top;text-align:left}section{margin-bottom:2.5em}.other{color:#555}"
            f"</style></head><body><h1>{escape(title)}</h1><p>{legend}</p>"
            f"<p>Input: {escape(counts)}. Detection: {result.detected} mentions in {result.detect_seconds:.2f} s "
            f"({result.mentions_per_second:,.0f} mentions/s).</p>{''.join(sections)}</body></html>")


def write_report(result: BacktestResult, path: Path, title: str = "Snowball backtest") -> None:
    path.write_text(render(result, title), encoding="utf-8")
