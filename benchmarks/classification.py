"""Classification throughput on one core: mentions per second, language identification included.

    .venv/bin/python benchmarks/classification.py [--data ../shared/data] [--model MODEL_DIR] [--batch 512]

Texts come from the shared data's real tweets when the folder is there, else from the synthetic scenario.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sample_texts(data: Path) -> tuple[str, list[str]]:
    """(where the texts come from, texts): real English and French tweets, or the synthetic scenario."""
    airline = data / "airline_en" / "tweets_dev.csv"
    deft = data / "french" / "deft2017" / "fr_tweets_dev.csv"
    if airline.is_file() and deft.is_file():
        texts = []
        for path in (airline, deft):
            with open(path, encoding="utf-8", newline="") as handle:
                texts.extend(row["text"] for row in csv.DictReader(handle))
        return "airline_en + deft2017 tweets", texts
    from streams.scenarios import build_scenario

    return "synthetic demo scenario", [m.text for m in build_scenario("demo", seed=7)]


def measure(classifier, texts: list[str], batch: int, repeats: int = 5) -> float:
    """Median mentions per second over ``repeats`` passes (the machine may be shared: the median resists noise)."""
    classifier.classify(texts[:batch])  # warm caches before timing
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            classifier.classify(texts[i : i + batch])
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


class SplitOnly:
    """Same-run reference: what a pass that only splits each text into words costs on this machine right now."""

    def classify(self, texts: list[str]) -> list[list[str]]:
        return [text.split() for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=None, help="model directory; default the shipped model")
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from streams.classification import load_classifier

    classifier = load_classifier(args.model)
    source, texts = sample_texts(args.data)
    rate = measure(classifier, texts, args.batch, args.repeats)
    reference = measure(SplitOnly(), texts, args.batch, args.repeats)
    print(f"{classifier.name} {classifier.version}: {rate:,.0f} mentions/s on one core "
          f"({len(texts)} texts from {source}, batches of {args.batch}); "
          f"same-run reference, str.split alone: {reference:,.0f}/s, ratio 1:{reference / rate:.0f}")


if __name__ == "__main__":
    main()
