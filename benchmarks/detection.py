"""Detection-only throughput: mentions per second through ``SnowballDetector.process``, nothing else.

Mentions are built (enriched and labelled) before the clock starts. Two streams: a busy one (five brands,
~100 mentions a minute each, with a snowball) where evaluation ticks are amortised, and, when the shared data
is there, the airline tweets with their gold labels (as `snowball backtest --sentiment-column` replays them):
sparse, about one mention per brand-minute, so nearly every mention triggers an evaluation. Each rate is the
median of ``--repeat`` passes; wall clock on a shared machine swings, so each stream is also run, pass for pass,
through ``counting_pass`` (the least any detector does: recognise a redelivery, count the mention in its brand's
10-minute bucket), and the detector's rate is given as a ratio to it.

    .venv/bin/python benchmarks/detection.py [--mentions 300000] [--repeat 3] [--data ../shared/data] [--density]

Each stream is also run with the evaluation ticks off (``NO_TICKS``): what the per-mention counting and the
bucket rolls cost alone, the ceiling of anything done to the evaluations.

The airline replay is also run as ``snowball backtest --workers 0`` runs it: the brands split over one process
per CPU, as Kafka partitions split them live.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streams.detection import DetectorConfig, SnowballDetector  # noqa: E402
from streams.models import (  # noqa: E402
    Author,
    Classification,
    ClassifiedMention,
    Engagement,
    Enrichment,
    RawMention,
    Sentiment,
)

_WORDS = ("refund flight delayed cancelled bag lost crew gate hours waiting app broken call hold staff "
          "rude seat upgrade wifi fees booking rebooked weather storm airport").split()


def busy_stream(n: int, brands: int = 5, per_minute: float = 100.0, seed: int = 1) -> list[ClassifiedMention]:
    """``n`` classified mentions over ``brands`` brands, about a quarter negative, with one growing wave."""
    rng = random.Random(seed)
    gap_ms = 60_000 / (per_minute * brands)
    t = 1_700_000_000_000
    out = []
    for i in range(n):
        t += int(rng.expovariate(1 / gap_ms)) + 1
        brand = f"brand{i % brands}"
        wave = brand == "brand0" and i > n // 2 and rng.random() < min(0.9, (i - n // 2) / n * 4)
        negative = wave or rng.random() < 0.25
        author = Author(id=f"u{rng.randint(1, 50_000)}", followers=rng.randint(0, 20_000))
        text = " ".join(rng.choice(_WORDS) for _ in range(8))
        out.append(ClassifiedMention(
            mention=RawMention(id=f"m{i}", source="bench", text=text, created_at=t, author=author,
                               engagement=Engagement(reposts=rng.randint(0, 3))),
            enrichment=Enrichment(brand_id=brand, brands=[brand], topics=[rng.choice(("a", "b", "c"))],
                                  normalized_text=text, root_id=f"m{i}"),
            classification=Classification(language="en",
                                          sentiment=Sentiment.NEGATIVE if negative else Sentiment.NEUTRAL,
                                          score=0.9, intents=["complaint"] if negative else []),
        ))
    return out


def throughput(mentions: list[ClassifiedMention], config: DetectorConfig | None = None) -> tuple[float, int]:
    """(mentions per second, alerts) for one pass of a fresh detector over ``mentions``."""
    detector = SnowballDetector(config)
    states: dict[str, dict] = {}
    alerts = 0
    start = time.perf_counter()
    for cm in mentions:
        brand = cm.enrichment.brand_id
        state, out = detector.process(states.get(brand), cm)
        states[brand] = state
        alerts += len(out)
    return len(mentions) / (time.perf_counter() - start), alerts


def counting_pass(mentions: list[ClassifiedMention]) -> float:
    """Mentions per second of the same-run reference: per brand, a set of ids seen and counters per event-time
    bucket (all mentions, negatives), in plain Python, as the detector's own first steps are."""
    seen: dict[str, set[str]] = {}
    buckets: dict[str, dict[int, list[int]]] = {}
    negative = Sentiment.NEGATIVE
    start = time.perf_counter()
    for cm in mentions:
        brand = cm.enrichment.brand_id
        ids = seen.get(brand)
        if ids is None:
            ids = seen[brand] = set()
            buckets[brand] = {}
        m = cm.mention
        if m.id in ids:
            continue
        ids.add(m.id)
        bucket = m.created_at - m.created_at % 600_000
        cell = buckets[brand].get(bucket)
        if cell is None:
            cell = buckets[brand][bucket] = [0, 0]
        cell[0] += 1
        if cm.classification.sentiment is negative:
            cell[1] += 1
    return len(mentions) / (time.perf_counter() - start)


def airline_stream(data: Path) -> list[ClassifiedMention] | None:
    """The airline tweets, enriched and gold-labelled as the backtest replays them, in event-time order (None
    when the shared data is absent)."""
    path = data / "airline_en" / "tweets_dev.csv"
    if not path.exists():
        return None
    from collections import Counter

    from streams.backtest.runner import classify, load_mentions

    columns = {"id": "tweet_id", "text": "text", "created_at": "tweet_created", "author.id": "name",
               "author.handle": "name", "brand_hint": "airline", "engagement.reposts": "retweet_count"}
    mentions = load_mentions(path, columns, "airline_sentiment", Counter())
    return classify(mentions, REPO / "examples" / "brands-airlines.yaml", None, False, Counter())


# The detector with its evaluation ticks off: after a brand's first mention, no tick comes within a century of
# event time, so no GLR scan, no severity, no complaint deadline. What is left is what every mention costs
# (redelivery guard, counters, authors, copies, terms, topics, cascades, complaints) and the bucket rolls
# (baseline learning). No change on the evaluation side can make the detector faster than this.
NO_TICKS = DetectorConfig(eval_interval_ms=100 * 365 * 86_400_000)


def median_rate(mentions: list[ClassifiedMention], repeat: int,
                config: DetectorConfig | None = None) -> tuple[float, int, float]:
    """(median detector rate, alerts, median reference rate), the two passes alternating."""
    runs, references = [], []
    for _ in range(max(repeat, 1)):
        runs.append(throughput(mentions, config))
        references.append(counting_pass(mentions))
    return statistics.median(rate for rate, _ in runs), runs[0][1], statistics.median(references)


def split_rate(mentions: list[ClassifiedMention], repeat: int) -> tuple[float, int]:
    """(median mentions per second, processes) of ``snowball backtest --workers 0``'s detection: the brands split
    over one process per CPU, at most one per brand (forking and collecting the alerts included)."""
    from streams.backtest.runner import detect

    runs = [detect(mentions, workers=0) for _ in range(max(repeat, 1))]
    return statistics.median(r.mentions_per_second for r in runs), runs[0].processes


DENSITIES = (1, 3, 10, 30, 100, 300)  # mentions per brand-minute


def density_sweep(repeat: int, densities: tuple[int, ...] = DENSITIES,
                  cap: int = 100_000) -> list[tuple[int, int, float, int, float]]:
    """(mentions per brand-minute, mentions, median rate, alerts, median reference rate) of ``busy_stream`` at each
    density, over at most 4 days of event time and ``cap`` mentions: how the detector's rate depends on how many
    mentions share each evaluation tick (one a brand-minute at most) and each bucket roll."""
    out = []
    for per_minute in densities:
        n = min(cap, per_minute * 5 * 60 * 24 * 4)
        out.append((per_minute, n, *median_rate(busy_stream(n, per_minute=per_minute), repeat)))
    return out


def ceiling(name: str, mentions: list[ClassifiedMention], repeat: int) -> str:
    rate, _, reference = median_rate(mentions, repeat, NO_TICKS)
    return (f"{name}, evaluation ticks off (the ceiling of any evaluation-side change): {rate:,.0f} mentions/s "
            f"(1:{reference / rate:.0f} against the counting-only pass, same run)")


def describe(name: str, mentions: int, rate: float, alerts: int, reference: float) -> str:
    return (f"{name}: {mentions} mentions, {rate:,.0f} mentions/s, {alerts} alerts "
            f"(1:{reference / rate:.0f} against a counting-only pass at {reference:,.0f} mentions/s, same run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="passes per stream; the median is reported")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--density", action="store_true",
                        help="also sweep the busy stream's density (mentions per brand-minute)")
    args = parser.parse_args()
    busy = busy_stream(args.mentions)
    print(describe("busy stream", args.mentions, *median_rate(busy, args.repeat)))
    print(ceiling("busy stream", busy, args.repeat))
    if args.density:
        for per_minute, n, *measured in density_sweep(args.repeat):
            print(describe(f"busy stream at {per_minute} mentions/brand-minute", n, *measured))
    airline = airline_stream(args.data)
    if airline is None:
        print(f"airline replay: skipped ({args.data / 'airline_en'} is absent)")
        return
    print(describe("airline replay (gold labels)", len(airline), *median_rate(airline, args.repeat)))
    print(ceiling("airline replay", airline, args.repeat))
    rate, processes = split_rate(airline, args.repeat)
    print(f"airline replay, brands split over {processes} processes: {rate:,.0f} mentions/s "
          "(the same alerts: tests/backtest/test_runner.py)")


if __name__ == "__main__":
    main()
