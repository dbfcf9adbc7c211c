"""Deterministic synthetic scenarios of mentions about the brands of the sample brands file.

A scenario is a list of raw mentions in event time (a fixed start, never the wall clock) with a little
out-of-order jitter, so the same seed always gives the same mentions. Each scenario is labelled: which
brands carry a real snowball (and when the wave runs), and which must stay quiet (no warning or above).
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from streams.models import Author, Engagement, RawMention
from streams.scenarios import texts
from streams.timeunits import DAY_MS, HOUR_MS, MINUTE_MS, weekday

SCENARIO_START_MS = 1_772_431_200_000  # 2026-03-02T06:00:00Z, a Monday

NEGATIVE_SHARE = 0.25  # of the ordinary chatter
_BRAND_NAMES = {"acme": ("Acme", "@acme_support"), "globex": ("Globex", "@globexair")}


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    name: str
    description: str
    snowball_brands: tuple[str, ...]
    quiet_brands: tuple[str, ...]
    # An abrupt wave's targets, minutes after its onset: (first warning, first critical). None: the suite's usual
    # target (watch before the wave's quarter-peak), which a step from a trickle cannot meet, as its quarter-peak
    # comes a few minutes after the onset.
    onset_targets: tuple[int, int] | None = None


@dataclass(slots=True)
class LabelledScenario:
    """A scenario's mentions and its labels.

    ``waves`` maps each snowball brand to the (start, end) event times of its wave; ``tones`` gives the
    sentiment each mention was written with ("negative", "neutral" or "positive"), a gold label that lets
    detection be judged on its own, apart from the classifier.
    """

    spec: ScenarioSpec
    mentions: list[RawMention]
    waves: dict[str, tuple[int, int]] = field(default_factory=dict)
    tones: dict[str, str] = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.mentions: list[RawMention] = []
        self.tones: dict[str, str] = {}
        self.serial = 0

    def add(self, brand: str, t: int, tone: str, author: Author, text: str | None = None, **extra) -> RawMention:
        name, handle = _BRAND_NAMES[brand]
        lang = self.rng.choice(("fr", "en"))
        if text is None:
            pool = {"negative": texts.NEGATIVE, "neutral": texts.NEUTRAL, "positive": texts.POSITIVE,
                    "troll": texts.TROLL, "echo": texts.ECHO_NEGATIVE}[tone][lang]
            text = self.rng.choice(pool)
            detail = self.rng.choice(texts.DETAILS[lang]).format(
                n=self.rng.randint(1000, 99999), y=self.rng.randint(2, 15), d=self.rng.randint(2, 9),
                city=self.rng.choice(texts.CITIES))
            text = f"{text} {detail}".strip()
        self.serial += 1
        mention = RawMention(
            id=f"{brand}-{self.serial:06d}",
            source=self.rng.choice(("twitter", "mastodon", "reddit")),
            text=text.format(name=name, handle=handle),
            created_at=t,
            author=author,
            lang_hint=None,
            engagement=Engagement(likes=self.rng.randint(0, 20), reposts=self.rng.randint(0, 5)),
            **extra,
        )
        self.mentions.append(mention)
        self.tones[mention.id] = tone if tone in ("negative", "neutral", "positive") else "negative"
        return mention

    def author(self, prefix: str, n: int) -> Author:
        return Author(id=f"{prefix}-{n}", handle=f"{prefix}{n}", followers=self.rng.randint(10, 5000))


def _background(b: _Builder, brand: str, start: int, end: int, per_hour: float,
                profile: Callable[[int], float] | None = None) -> None:
    """Ordinary chatter: a Poisson stream, about a quarter of it negative, from a regular crowd.

    ``profile(t)`` in [0, 1] thins the stream (daily and weekly rhythm); the peak rate is ``per_hour``.
    """
    t = start
    while True:
        t += int(b.rng.expovariate(per_hour / HOUR_MS))
        if t >= end:
            return
        if profile is not None and b.rng.random() > profile(t):
            continue
        tone = b.rng.choices(("negative", "neutral", "positive"), (NEGATIVE_SHARE, 0.45, 0.30))[0]
        b.add(brand, t, tone, b.author(f"{brand}-fan", b.rng.randint(1, 400)))


def _troll(b: _Builder, brand: str, start: int, end: int, every_ms: int) -> None:
    troll = Author(id=f"{brand}-troll", handle=f"{brand}_hater", followers=120)
    for t in range(start, end, every_ms):
        b.add(brand, t + b.rng.randint(0, 60_000), "troll", troll)


def _arrivals(b: _Builder, start: int, end: int, rate: Callable[[float], float], peak: float) -> Iterator[int]:
    """Event times of a Poisson process of ``rate(minutes since start)`` per hour, at most ``peak``, from ``start``
    to ``end``: drawn at the peak rate and thinned. A generator, so the caller's draws between two arrivals come
    from the same random stream in the same order."""
    t = start
    while True:
        t += int(b.rng.expovariate(peak / HOUR_MS))
        if t >= end:
            return
        if b.rng.random() <= rate((t - start) / MINUTE_MS) / peak:
            yield t


def _wave(b: _Builder, brand: str, start: int, end: int, rate: Callable[[float], float]) -> None:
    """One angry post, relayed and piled on by new voices at ``rate(minutes since start)`` per hour."""
    root = b.add(brand, start, "negative", Author(id=f"{brand}-spark", handle="spark", followers=80_000))
    peak = max(rate(m) for m in range(0, int((end - start) / MINUTE_MS) + 1))
    for n, t in enumerate(_arrivals(b, start, end, rate, peak), start=1):
        relay = b.rng.random() < 0.4
        b.add(brand, t, "negative", b.author(f"{brand}-voice", n),
              reposts_id=root.id if relay else None, in_reply_to_id=None if relay else root.id)


def _abrupt(b: _Builder, brand: str, onset: int, end: int, trickle_per_hour: float, multiple: float,
            ramp_min: float = 5.0, hold_min: float = 120.0, fade_min: float = 30.0) -> None:
    """A viral incident: the brand's negative rate jumps from its trickle to ``multiple`` times it within
    ``ramp_min`` minutes, holds ``hold_min`` minutes, then halves every ``fade_min`` minutes.

    The extra negatives come from new, distinct people writing in their own words (French or English), a third
    of them replying to the post that started it: breadth, not one loud account or a repost storm.
    """
    spark = b.add(brand, onset, "negative", Author(id=f"{brand}-witness", handle="witness", followers=3_000))
    extra = (multiple - 1) * trickle_per_hour

    def rate(minutes: float) -> float:
        if minutes <= ramp_min:
            return extra * minutes / ramp_min
        if minutes <= ramp_min + hold_min:
            return extra
        return extra * math.pow(0.5, (minutes - ramp_min - hold_min) / fade_min)

    for n, t in enumerate(_arrivals(b, onset, end, rate, extra), start=1):
        reply = b.rng.random() < 1 / 3
        b.add(brand, t, "negative", b.author(f"{brand}-witness", n), in_reply_to_id=spark.id if reply else None)


def _doubling(rate0: float, doubling_min: float, cap: float = math.inf) -> Callable[[float], float]:
    return lambda minutes: min(cap, rate0 * math.pow(2, minutes / doubling_min))


def _ambassador(b: _Builder, brand: str, t0: int) -> None:
    """An ambassador relays one customer's complaint: many reposts that fade, few new voices."""
    amb = Author(id=f"{brand}-ambassador", handle="travel_insider", followers=60_000)
    lang = b.rng.choice(("fr", "en"))
    root = b.add(brand, t0, "negative", amb, text=texts.AMBASSADOR[lang])
    for i in range(160):
        delay = int(b.rng.expovariate(1 / (25 * MINUTE_MS)))
        b.add(brand, t0 + delay, "negative", b.author(f"{brand}-rt", i), text=root.text, reposts_id=root.id)
    for i in range(10):
        delay = int(b.rng.expovariate(1 / (40 * MINUTE_MS)))
        tone = "echo" if i % 2 == 0 else "neutral"
        b.add(brand, t0 + delay, tone, b.author(f"{brand}-replier", i), in_reply_to_id=root.id)


def _bots(b: _Builder, brand: str, t0: int, accounts: int = 40) -> None:
    """A copy-paste bot burst: many fresh accounts post the very same text within twenty minutes."""
    for i in range(accounts):
        bot = Author(id=f"{brand}-bot{i}", handle=f"truth_{i:04d}", followers=b.rng.randint(0, 30))
        for _ in range(b.rng.randint(1, 2)):
            b.add(brand, t0 + b.rng.randint(0, 20 * MINUTE_MS), "negative", bot, text=texts.BOT)


def _support_replies(b: _Builder, brand: str, handle: str, public_request_at: int) -> None:
    """The brand's support account answers about half of the complaints already posted, most within the hour, a
    few after the 2-hour deadline; the first answer after ``public_request_at`` asks for personal data in public."""
    account = Author(id=f"{brand}-support", handle=handle, followers=25_000)
    complaints = sorted((m for m in b.mentions if m.id.startswith(brand) and b.tones[m.id] == "negative"
                         and (m.author is None or m.author.id != account.id)), key=lambda m: m.created_at)
    asked = False
    for complaint in complaints:
        if b.rng.random() < 0.5:
            continue
        t = complaint.created_at + int(b.rng.choice((b.rng.uniform(5, 60), b.rng.uniform(130, 200))) * MINUTE_MS)
        lang = b.rng.choice(("fr", "en"))
        if not asked and t >= public_request_at:
            text, asked = texts.PUBLIC_DATA_REQUEST[lang], True
        else:
            text = b.rng.choice(texts.BRAND_REPLY[lang])
        b.add(brand, t, "neutral", account, text=f"@{complaint.author.handle} {text}" if complaint.author else text,
              in_reply_to_id=complaint.id, from_brand_account=True)


def _rhythm(t: int) -> float:
    """Quiet nights, busy evenings, calmer weekends (a daily and a weekly cycle)."""
    hour = (t // HOUR_MS) % 24 + (t % HOUR_MS) / HOUR_MS
    daily = 0.12 + 0.88 * max(0.0, math.sin(math.pi * (hour - 6) / 17)) if 6 <= hour <= 23 else 0.12
    return daily * (0.5 if weekday(t) >= 5 else 1.0)


SCENARIOS = {
    "demo": ScenarioSpec(
        "demo",
        "acme snowballs after 8 quiet hours and says nothing; globex has sporadic critics and one troll posting "
        "all day, and answers its critics",
        snowball_brands=("acme",),
        quiet_brands=("globex",),
    ),
    "quiet": ScenarioSpec("quiet", "both brands only have sporadic critics", (), ("acme", "globex")),
    "sporadic": ScenarioSpec("sporadic", "three days of sporadic critics for both brands", (), ("acme", "globex")),
    "troll": ScenarioSpec("troll", "two days; one globex troll posts every 5 to 10 minutes, day and night",
                          (), ("acme", "globex")),
    "ambassador": ScenarioSpec("ambassador", "an acme ambassador relays one complaint: 160 reposts that fade",
                               (), ("acme", "globex")),
    "copy_paste_bots": ScenarioSpec("copy_paste_bots", "40 acme bot accounts post the same text in 20 minutes",
                                    (), ("acme", "globex")),
    "slow_burn": ScenarioSpec("slow_burn", "after a quiet day acme's negatives double every 2 hours for 12 hours",
                              ("acme",), ("globex",)),
    "explosive": ScenarioSpec("explosive", "acme's negatives double every 8 minutes for an hour, then fade",
                              ("acme",), ("globex",)),
    "rhythm": ScenarioSpec("rhythm", "two weeks of daily and weekly rhythm; acme snowballs on day 10 at 08:00",
                           ("acme",), ("globex",)),
    "abrupt_10x": ScenarioSpec("abrupt_10x", "after two days of a 6-an-hour negative trickle, acme's negatives jump "
                               "to 10x within 5 minutes (day 3, 14:00) and hold 2 hours", ("acme",), ("globex",),
                               onset_targets=(15, 30)),
    "abrupt_30x": ScenarioSpec("abrupt_30x", "after two days of a 6-an-hour negative trickle, acme's negatives jump "
                               "to 30x within 5 minutes (day 3, 14:00) and hold 2 hours", ("acme",), ("globex",),
                               onset_targets=(15, 30)),
}
SUITE = ("sporadic", "troll", "ambassador", "copy_paste_bots", "slow_burn", "explosive", "rhythm", "demo",
         "abrupt_10x", "abrupt_30x")
# The abrupt waves' brands chatter 24 times an hour, a quarter of it negative: 6 negative voices an hour. At the
# other scenarios' 3 an hour, a 10x wave brings about 5 voices in its first 15 minutes, fewer than any alert needs
# (8 voices, 6 authors in the hour): see docs/detection.md, "Abrupt waves".
ABRUPT_BACKGROUND_PER_HOUR = 24.0


def build_labelled(name: str = "demo", seed: int = 7, hours_before: float = 8.0,
                   snowball_hours: float = 3.0) -> LabelledScenario:
    """The mentions of a named scenario with its labels; ``hours_before``/``snowball_hours`` shape the demo."""
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
    spec = SCENARIOS[name]
    b = _Builder(seed)
    start = SCENARIO_START_MS
    waves: dict[str, tuple[int, int]] = {}
    if name in ("demo", "quiet"):
        burst_at = start + int(hours_before * HOUR_MS)
        end = burst_at + int(snowball_hours * HOUR_MS)
        for brand in spec.snowball_brands + spec.quiet_brands:
            _background(b, brand, start, end, per_hour=12)
        for brand in spec.quiet_brands:
            _troll(b, brand, start + HOUR_MS, end, every_ms=12 * MINUTE_MS)
        for brand in spec.snowball_brands:
            _wave(b, brand, burst_at, end, _doubling(3.0, 25))
            waves[brand] = (burst_at, end)
        if name == "demo":  # globex answers its critics (once asking for personal data in public); acme is silent
            _support_replies(b, "globex", "globex_help", public_request_at=start + 4 * HOUR_MS)
    elif name in ("abrupt_10x", "abrupt_30x"):
        # A steady trickle of 6 negative voices an hour (24 mentions, a quarter negative), then the jump. Past
        # warm-up (48 h, and this hour of day seen on two days): warm-up legitimately holds a young brand's wave
        # (its usual level is not known yet), and is not what is measured here.
        end = start + 3 * DAY_MS
        for brand in ("acme", "globex"):
            _background(b, brand, start, end, per_hour=ABRUPT_BACKGROUND_PER_HOUR)
        wave_at = start + 2 * DAY_MS + 8 * HOUR_MS  # Wednesday 14:00 UTC
        waves["acme"] = (wave_at, wave_at + 3 * HOUR_MS)
        _abrupt(b, "acme", wave_at, wave_at + 3 * HOUR_MS, ABRUPT_BACKGROUND_PER_HOUR * NEGATIVE_SHARE,
                10.0 if name == "abrupt_10x" else 30.0)
    elif name == "rhythm":
        end = start + 14 * DAY_MS
        for brand in ("acme", "globex"):
            _background(b, brand, start, end, per_hour=30, profile=_rhythm)
        wave_at = start + 9 * DAY_MS + 2 * HOUR_MS  # day 10, 08:00 UTC, while the morning ramps up
        waves["acme"] = (wave_at, wave_at + 3 * HOUR_MS)
        _wave(b, "acme", wave_at, wave_at + 3 * HOUR_MS, _doubling(3.0, 30, cap=150))
    else:
        days = {"sporadic": 3, "troll": 2, "slow_burn": 2}.get(name, 1)
        end = start + days * DAY_MS
        for brand in ("acme", "globex"):
            _background(b, brand, start, end, per_hour=12)
        if name == "troll":
            troll = Author(id="globex-troll", handle="globex_hater", followers=120)
            t = start
            while t < end:
                t += b.rng.randint(5 * MINUTE_MS, 10 * MINUTE_MS)
                b.add("globex", t, "troll", troll)
        elif name == "ambassador":
            _ambassador(b, "acme", start + 10 * HOUR_MS)
        elif name == "copy_paste_bots":
            _bots(b, "acme", start + 10 * HOUR_MS)
        elif name == "slow_burn":
            wave_at = start + DAY_MS
            waves["acme"] = (wave_at, wave_at + 12 * HOUR_MS)
            _wave(b, "acme", wave_at, wave_at + 12 * HOUR_MS, _doubling(3.0, 120))
        elif name == "explosive":
            wave_at = start + 10 * HOUR_MS
            waves["acme"] = (wave_at, wave_at + 3 * HOUR_MS)
            rise = _doubling(3.0, 8)
            _wave(b, "acme", wave_at, wave_at + 3 * HOUR_MS,
                  lambda m: rise(m) if m <= 64 else rise(64) * math.pow(0.5, (m - 64) / 20))
    # Arrival order: event time with up to two minutes of jitter, as real sources deliver.
    mentions = sorted(b.mentions, key=lambda m: m.created_at + b.rng.randint(0, 2 * MINUTE_MS))
    return LabelledScenario(spec, mentions, waves, b.tones)


def build_scenario(name: str = "demo", seed: int = 7, hours_before: float = 8.0,
                   snowball_hours: float = 3.0) -> list[RawMention]:
    """The mentions of a named scenario, sorted by arrival (event time plus small jitter)."""
    return build_labelled(name, seed, hours_before, snowball_hours).mentions


def sized(mentions: list[RawMention], size: int) -> Iterator[RawMention]:
    """``size`` mentions: the scenario's, then copies of it back to back in event time (each an hour after the
    previous one ends, ids and the threads between them suffixed ``~2``, ``~3``...), cut at ``size``. Made one
    at a time: a file of millions of mentions costs the scenario's memory, not the file's."""
    if not mentions:
        return
    start = min(m.created_at for m in mentions)
    period = max(m.created_at for m in mentions) - start + HOUR_MS
    copy = 0
    while True:
        for mention in mentions:
            if size <= 0:
                return
            size -= 1
            yield mention if copy == 0 else _copied(mention, copy, period)
        copy += 1


def _copied(mention: RawMention, copy: int, period: int) -> RawMention:
    def suffixed(mention_id: str | None) -> str | None:
        return None if mention_id is None else f"{mention_id}~{copy + 1}"

    return dataclasses.replace(mention, id=suffixed(mention.id), created_at=mention.created_at + copy * period,
                               in_reply_to_id=suffixed(mention.in_reply_to_id),
                               reposts_id=suffixed(mention.reposts_id), quotes_id=suffixed(mention.quotes_id))
