"""Deterministic synthetic scenarios of mentions about the brands of the sample brands file.

A scenario is a list of raw mentions in event time (a fixed start, never the wall clock) with
a little out-of-order jitter, so the same seed always gives the same mentions.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from streams.models import Author, Engagement, RawMention
from streams.scenarios import texts

HOUR_MS = 3_600_000
MINUTE_MS = 60_000
SCENARIO_START_MS = 1_772_431_200_000  # 2026-03-02T06:00:00Z

_BRAND_NAMES = {"acme": ("Acme", "@acme_support"), "globex": ("Globex", "@globexair")}


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    name: str
    description: str
    snowball_brands: tuple[str, ...]
    quiet_brands: tuple[str, ...]


SCENARIOS = {
    "demo": ScenarioSpec(
        "demo",
        "acme snowballs after 8 quiet hours; globex has sporadic critics and one troll posting all day",
        snowball_brands=("acme",),
        quiet_brands=("globex",),
    ),
    "quiet": ScenarioSpec("quiet", "both brands only have sporadic critics", (), ("acme", "globex")),
}


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.mentions: list[RawMention] = []
        self.serial = 0

    def add(self, brand: str, t: int, tone: str, author: Author, **extra) -> RawMention:
        name, handle = _BRAND_NAMES[brand]
        lang = self.rng.choice(("fr", "en"))
        pool = {"negative": texts.NEGATIVE, "neutral": texts.NEUTRAL, "positive": texts.POSITIVE,
                "troll": texts.TROLL}[tone][lang]
        self.serial += 1
        mention = RawMention(
            id=f"{brand}-{self.serial:06d}",
            source=self.rng.choice(("twitter", "mastodon", "reddit")),
            text=self.rng.choice(pool).format(name=name, handle=handle),
            created_at=t,
            author=author,
            lang_hint=None,
            engagement=Engagement(likes=self.rng.randint(0, 20), reposts=self.rng.randint(0, 5)),
            **extra,
        )
        self.mentions.append(mention)
        return mention

    def author(self, prefix: str, n: int) -> Author:
        return Author(id=f"{prefix}-{n}", handle=f"{prefix}{n}", followers=self.rng.randint(10, 5000))


def _background(b: _Builder, brand: str, start: int, end: int, per_hour: float) -> None:
    """Ordinary chatter: a Poisson stream, about a quarter of it negative, from a regular crowd."""
    t = start
    while True:
        t += int(b.rng.expovariate(per_hour / HOUR_MS))
        if t >= end:
            return
        tone = b.rng.choices(("negative", "neutral", "positive"), (0.25, 0.45, 0.30))[0]
        b.add(brand, t, tone, b.author(f"{brand}-fan", b.rng.randint(1, 400)))


def _troll(b: _Builder, brand: str, start: int, end: int, every_ms: int) -> None:
    troll = Author(id=f"{brand}-troll", handle=f"{brand}_hater", followers=120)
    for t in range(start, end, every_ms):
        b.add(brand, t + b.rng.randint(0, 60_000), "troll", troll)


def _snowball(b: _Builder, brand: str, start: int, hours: float) -> None:
    """One angry post, relayed and piled on: the negative rate doubles every ~25 minutes."""
    root = b.add(brand, start, "negative", Author(id=f"{brand}-spark", handle="spark", followers=80_000))
    rate0, doubling = 3.0 / HOUR_MS, 25 * MINUTE_MS
    t, n = start, 0
    end = start + int(hours * HOUR_MS)
    while t < end:
        rate = rate0 * math.pow(2, (t - start) / doubling)
        t += int(b.rng.expovariate(rate))
        n += 1
        relay = b.rng.random() < 0.4
        b.add(brand, t, "negative", b.author(f"{brand}-voice", n),
              reposts_id=root.id if relay else None, in_reply_to_id=None if relay else root.id)


def build_scenario(name: str = "demo", seed: int = 7, hours_before: float = 8.0, snowball_hours: float = 2.5) -> list[RawMention]:
    """The mentions of a named scenario, sorted by arrival (event time plus small jitter)."""
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
    spec = SCENARIOS[name]
    b = _Builder(seed)
    start = SCENARIO_START_MS
    burst_at = start + int(hours_before * HOUR_MS)
    end = burst_at + int(snowball_hours * HOUR_MS)
    for brand in spec.snowball_brands + spec.quiet_brands:
        _background(b, brand, start, end, per_hour=12)
    for brand in spec.quiet_brands:
        _troll(b, brand, start + HOUR_MS, end, every_ms=12 * MINUTE_MS)
    for brand in spec.snowball_brands:
        _snowball(b, brand, burst_at, snowball_hours)
    # Arrival order: event time with up to two minutes of jitter, as real sources deliver.
    return sorted(b.mentions, key=lambda m: m.created_at + b.rng.randint(0, 2 * MINUTE_MS))
