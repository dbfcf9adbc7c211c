"""Event-time units, in epoch milliseconds (a mention's ``created_at``), and the calendar slots of a time (UTC).

Defined once for the whole package: the detector, the enrichment's cascades, the backtest and the scenario
generator all count in these.
"""

from __future__ import annotations

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


def hour_of_day(t: int) -> int:
    """0..23, UTC."""
    return (t // HOUR_MS) % 24


def weekday(t: int) -> int:
    """0 (Monday) .. 6 (Sunday), UTC: the epoch (1970-01-01) was a Thursday, weekday 3."""
    return (t // DAY_MS + 3) % 7


def weekday_of_day(day: int) -> int:
    """The weekday of a day number (``t // DAY_MS``)."""
    return (day + 3) % 7
