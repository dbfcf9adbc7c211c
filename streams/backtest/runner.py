"""Replay history through enrichment, classification (or gold labels) and the detector, in event-time order."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.backtest.labels import parse_sentiment, with_gold
from streams.detection import DetectorConfig, SnowballDetector
from streams.models import Alert, ClassifiedMention, InvalidMention, RawMention, Sentiment, parse_raw_mention

HOUR_MS = 3_600_000
GOLD_KEY = "__gold_sentiment__"


@dataclass(slots=True)
class BacktestResult:
    alerts: list[Alert]
    hourly: dict[str, dict[int, list[int]]]  # brand -> hour start -> [mentions, negatives]
    counts: Counter = field(default_factory=Counter)  # read, invalid, unmatched, classified...
    detector_stats: dict[str, dict[str, int]] = field(default_factory=dict)
    detect_seconds: float = 0.0
    detected: int = 0

    @property
    def mentions_per_second(self) -> float:
        return self.detected / self.detect_seconds if self.detect_seconds else 0.0


def load_mentions(path: Path, mapping: dict[str, str] | None = None, sentiment_column: str | None = None,
                  counts: Counter | None = None) -> list[tuple[RawMention, Sentiment | None]]:
    """Valid raw mentions of a JSON-lines or mapped CSV file, each with its gold sentiment if a column gives one."""
    counts = counts if counts is not None else Counter()
    out = []
    for obj in _objects(path, mapping, sentiment_column, counts):
        gold = parse_sentiment(obj.pop(GOLD_KEY, None)) if sentiment_column else None
        try:
            out.append((parse_raw_mention(obj), gold))
        except InvalidMention as exc:
            counts[f"invalid:{exc.reason}"] += 1
    counts["read"] += len(out)
    return out


def _objects(path: Path, mapping: dict[str, str] | None, sentiment_column: str | None,
             counts: Counter) -> Iterable[dict[str, Any]]:
    if mapping or path.suffix.lower() == ".csv":
        from streams.io.csv_map import read_mapped_csv

        columns = dict(mapping or {})
        if sentiment_column:
            columns[GOLD_KEY] = sentiment_column
        for _, row in read_mapped_csv(path, columns):
            if isinstance(row, Exception):
                counts["invalid:unreadable_row"] += 1
            else:
                yield row
        return
    from streams.io.jsonl import read_jsonl

    for _, obj in read_jsonl(path):
        if isinstance(obj, Exception) or not isinstance(obj, dict):
            counts["invalid:not_json"] += 1
            continue
        if sentiment_column:
            obj[GOLD_KEY] = obj.get(sentiment_column)
        yield obj


def classify(mentions: list[tuple[RawMention, Sentiment | None]], brands_file: Path, model_dir: Path | None,
             use_model: bool, counts: Counter, batch_size: int = 1024) -> list[ClassifiedMention]:
    """Enrich, then classify in batches (or take the gold label); sorted by event time, as a replay."""
    from streams.enrichment import BrandCatalog, Enricher

    enricher = Enricher(BrandCatalog.from_yaml(brands_file))
    enriched, golds = [], []
    for raw, gold in mentions:
        found = enricher.enrich(raw)
        if not found:
            counts["unmatched"] += 1
        enriched.extend(found)
        golds.extend([gold] * len(found))
    enriched, golds = with_brand_context(enriched, golds)
    classifier = None
    if use_model or any(g is None for g in golds):
        from streams.classification import load_classifier

        classifier = load_classifier(model_dir)
    out: list[ClassifiedMention] = []
    for start in range(0, len(enriched), batch_size):
        batch = enriched[start:start + batch_size]
        models = (classifier.classify([e.mention.text for e in batch], [e.mention.lang_hint for e in batch])
                  if classifier is not None else [None] * len(batch))
        for e, model, gold in zip(batch, models, golds[start:start + batch_size], strict=True):
            classification = with_gold(gold, model) if gold is not None and not use_model else model
            if classification is None:
                counts["unclassified"] += 1
                continue
            out.append(ClassifiedMention(e.mention, e.enrichment, classification))
    out.sort(key=lambda cm: cm.mention.created_at)
    counts["classified"] += len(out)
    return out


def with_brand_context(enriched: list, golds: list, by_time: bool = True) -> tuple[list, list]:
    """The app's per-brand context stage (cascade root, near-duplicate cluster), in event-time order (or as given),
    so a replay gives the detector what the pipeline gives it (``near_duplicate_of`` in particular)."""
    from streams.enrichment.context import update_brand_context

    order = list(range(len(enriched)))
    if by_time:
        order.sort(key=lambda i: enriched[i].mention.created_at)
    contexts: dict[str, Any] = {}
    out = []
    for i in order:
        brand = enriched[i].enrichment.brand_id
        contexts[brand], e = update_brand_context(contexts.get(brand), enriched[i])
        out.append(e)
    return out, [golds[i] for i in order]


def detect(classified: list[ClassifiedMention], config: DetectorConfig | None = None,
           brand_names: Mapping[str, Iterable[str]] | None = None) -> BacktestResult:
    """Run the streaming detector over ``classified`` with one state per brand, exactly as the Faust agent does;
    ``brand_names``: the brands' own names (``BrandCatalog.own_names``), kept out of emerging terms as live."""
    detector = SnowballDetector(config, brand_names=brand_names)
    states: dict[str, dict[str, Any]] = {}
    alerts: list[Alert] = []
    start = time.perf_counter()
    for cm in classified:
        brand = cm.enrichment.brand_id
        state, out = detector.process(states.get(brand), cm)
        states[brand] = state
        if out:
            alerts.extend(out)
    seconds = time.perf_counter() - start
    hourly: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for cm in classified:
        if cm.enrichment.is_brand_account:
            continue
        hour = cm.mention.created_at - cm.mention.created_at % HOUR_MS
        cell = hourly[cm.enrichment.brand_id].setdefault(hour, [0, 0])
        cell[0] += 1
        cell[1] += cm.is_negative
    return BacktestResult(alerts=alerts, hourly=dict(hourly), detect_seconds=seconds, detected=len(classified),
                          detector_stats={b: detector.stats(s) for b, s in states.items()})


def run_backtest(path: Path, brands_file: Path, mapping: dict[str, str] | None = None,
                 sentiment_column: str | None = None, model_dir: Path | None = None, use_model: bool = False,
                 config: DetectorConfig | None = None) -> BacktestResult:
    counts: Counter = Counter()
    mentions = load_mentions(path, mapping, sentiment_column, counts)
    classified = classify(mentions, brands_file, model_dir, use_model or not sentiment_column, counts)
    from streams.enrichment import BrandCatalog

    result = detect(classified, config, BrandCatalog.from_yaml(brands_file).own_names())
    result.counts = counts
    return result


def write_alerts(alerts: Iterable[Alert], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for alert in alerts:
            handle.write(json.dumps(alert.to_record(), ensure_ascii=False) + "\n")
            count += 1
    return count
