"""Detection-only throughput: mentions per second through ``SnowballDetector.process``, nothing else.

Mentions are built (enriched and labelled) before the clock starts. Two streams: a busy one (five brands,
~100 mentions a minute each, with a snowball) where evaluation ticks are amortised, and the sparse replay
of the labelled scenario suite where nearly every mention triggers an evaluation.

    .venv/bin/python benchmarks/detection.py [--mentions 300000]
"""

from __future__ import annotations

import argparse
import random
import time

from streams.detection import SnowballDetector
from streams.models import Author, Classification, ClassifiedMention, Engagement, Enrichment, RawMention, Sentiment

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


def throughput(mentions: list[ClassifiedMention]) -> tuple[float, int]:
    """(mentions per second, alerts) for one pass of a fresh detector over ``mentions``."""
    detector = SnowballDetector()
    states: dict[str, dict] = {}
    alerts = 0
    start = time.perf_counter()
    for cm in mentions:
        brand = cm.enrichment.brand_id
        state, out = detector.process(states.get(brand), cm)
        states[brand] = state
        alerts += len(out)
    return len(mentions) / (time.perf_counter() - start), alerts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=300_000)
    args = parser.parse_args()
    rate, alerts = throughput(busy_stream(args.mentions))
    print(f"busy stream: {args.mentions} mentions, {rate:,.0f} mentions/s, {alerts} alerts")


if __name__ == "__main__":
    main()
