"""Replay history through enrichment, classification (or gold labels) and the detector, in event-time order."""

from __future__ import annotations

import gc
import heapq
import json
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from streams.backtest.labels import parse_sentiment, with_gold
from streams.detection import DetectorConfig, SnowballDetector
from streams.models import Alert, ClassifiedMention, RawMention, Sentiment
from streams.pipeline import BrandState, BrandStep, EnrichStep, in_event_order
from streams.pipeline.brand_step import classifier_step
from streams.timeunits import HOUR_MS

MAX_PROBLEMS = 5  # invalid records quoted with their line; the rest are counted by reason


@dataclass(slots=True)
class BacktestResult:
    alerts: list[Alert]
    hourly: dict[str, dict[int, list[int]]]  # brand -> hour start -> [mentions, negatives]
    counts: Counter = field(default_factory=Counter)  # read, invalid, unmatched, classified...
    problems: list[str] = field(default_factory=list)  # the first invalid records, "FILE:LINE: reason: detail"
    detector_stats: dict[str, dict[str, int]] = field(default_factory=dict)
    detect_seconds: float = 0.0
    detected: int = 0
    processes: int = 1  # detection processes (the brands split between them)
    # brand -> (complaint time, the brand's first reply) of each complaint it answered, in reply order
    replies: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    answer_deadline_ms: int = DetectorConfig().answer_deadline_ms  # the detector's, for the report

    @property
    def mentions_per_second(self) -> float:
        return self.detected / self.detect_seconds if self.detect_seconds else 0.0

    @property
    def invalid(self) -> int:
        """Input records that were not valid mentions, whatever the reason."""
        return sum(self.invalid_reasons.values())

    @property
    def invalid_reasons(self) -> dict[str, int]:
        """Reason -> input records refused for it, most frequent first."""
        found = {k.removeprefix("invalid:"): v for k, v in self.counts.items() if k.startswith("invalid:")}
        return dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))

    def detector_totals(self) -> Counter:
        """The detector's counters (late, duplicates, no_author...) summed over the brands."""
        totals: Counter = Counter()
        for brand_stats in self.detector_stats.values():
            totals.update(brand_stats)
        return totals


def load_mentions(path: Path, mapping: dict[str, str] | None = None, sentiment_column: str | None = None,
                  counts: Counter | None = None,
                  problems: list[str] | None = None) -> list[tuple[RawMention, Sentiment | None]]:
    """Valid raw mentions of a JSON-lines or mapped CSV file, each with its gold sentiment if a column gives one.

    The file is read as ``snowball ingest`` reads it (``streams.io.readers``). Each invalid record adds to
    ``counts["invalid:REASON"]``, and the first ``MAX_PROBLEMS`` of them go to ``problems`` as
    ``"FILE:LINE: reason: detail"``.
    """
    from streams.io.csv_map import TABLE_SUFFIXES
    from streams.io.readers import read_mentions

    if not mapping and path.suffix.lower() in TABLE_SUFFIXES:
        raise ValueError(f"{path}: CSV or TSV input needs --map FIELD=COLUMN,... (at least id, text and created_at)")
    counts = counts if counts is not None else Counter()
    out = []
    for result in read_mentions(path, mapping or None, None, label_column=sentiment_column):
        error = result.error
        if error is not None:
            counts[f"invalid:{error.reason}"] += 1
            if problems is not None and len(problems) < MAX_PROBLEMS:
                problems.append(f"{path}:{result.line}: {error.reason}: {error.detail}")
            continue
        gold = parse_sentiment(result.label) if sentiment_column else None
        out.append((result.mention, gold))
    counts["read"] += len(out)
    return out


def classify(mentions: list[tuple[RawMention, Sentiment | None]], brands_file: Path, model_dir: Path | None,
             use_model: bool, counts: Counter, batch_size: int = 1024) -> list[ClassifiedMention]:
    """The live pipeline's steps before detection, over the whole history in event order: enrich (a mention id
    seen before is a redelivery, as live), brand contexts, then the classifier in batches (or the gold label)."""
    from streams.enrichment import BrandCatalog, Enricher

    mentions = in_event_order(mentions, itemgetter(0))
    enriched_batch = EnrichStep(Enricher(BrandCatalog.from_yaml(brands_file))).run([raw for raw, _ in mentions], {})
    enriched, golds = [], []
    for (_, gold), found in zip(mentions, enriched_batch.enriched, strict=True):
        enriched.extend(found)
        golds.extend([gold] * len(found))
    counts["unmatched"] += sum(1 for i, found in enumerate(enriched_batch.enriched)
                               if not found and i not in enriched_batch.redelivered)
    counts["redelivered"] += len(enriched_batch.redelivered)
    enriched, _ = BrandStep.contextualize(enriched, {})
    classifier = None
    if use_model or any(g is None for g in golds):
        from streams.classification import load_classifier

        classifier = classifier_step(load_classifier(model_dir), batch_size)
    models = classifier(enriched) if classifier is not None else [None] * len(enriched)
    out: list[ClassifiedMention] = []
    for e, model, gold in zip(enriched, models, golds, strict=True):
        classification = with_gold(gold, model) if gold is not None and not use_model else model
        if classification is None:
            counts["unclassified"] += 1
            continue
        out.append(ClassifiedMention(e.mention, e.enrichment, classification))
    counts["classified"] += len(out)
    return out


def detect(classified: list[ClassifiedMention], config: DetectorConfig | None = None,
           brand_names: Mapping[str, Iterable[str]] | None = None, workers: int = 1) -> BacktestResult:
    """Run the streaming detector over ``classified`` with one state per brand, as the live worker does;
    ``brand_names``: the brands' own names (``BrandCatalog.own_names``), kept out of emerging terms as live.

    ``workers`` > 1 splits the brands over that many processes, as Kafka splits them over partitions: a brand's
    mentions all go to one process, in order, and each brand's state sees only its own, so the alerts (and their
    order: by input mention, then as the detector emitted them) and the counters are those of one process.
    """
    start = time.perf_counter()
    groups = brand_groups(classified, workers)
    if len(groups) > 1 and "fork" not in multiprocessing.get_all_start_methods():
        groups = groups[:1]  # no fork here (Windows): one process, the same alerts
    if len(groups) <= 1:
        parts = [_detect_brands(classified, config, brand_names, None)]
    else:
        parts = _detect_in_processes(classified, config, brand_names, groups)
    seconds = time.perf_counter() - start
    emitted = sorted((item for part in parts for item in part[0]), key=_first)  # one process per mention: no ties
    alerts = [alert for _, out in emitted for alert in out]
    stats = {brand: s for part in parts for brand, s in part[1].items()}
    replies = {brand: r for part in parts for brand, r in part[2].items()}
    complaint_intents = frozenset((config or DetectorConfig()).complaint_intents)
    first_seen = dict.fromkeys(cm.enrichment.brand_id for cm in classified)  # one process's order of brands
    hourly: dict[str, dict[int, list[int]]] = defaultdict(dict)  # [mentions, negatives, complaints]
    counted: set[tuple[str, str]] = set()  # a redelivered mention is counted once, as the detector counts it
    for cm in classified:
        if cm.enrichment.is_brand_account or (key := (cm.enrichment.brand_id, cm.mention.id)) in counted:
            continue
        counted.add(key)
        hour = cm.mention.created_at - cm.mention.created_at % HOUR_MS
        cell = hourly[cm.enrichment.brand_id].setdefault(hour, [0, 0, 0])
        cell[0] += 1
        cell[1] += cm.is_negative
        # A complaint as the detector tracks one (care.track_complaint): negative, the author's own words.
        cell[2] += (cm.is_negative and cm.mention.reposts_id is None
                    and not complaint_intents.isdisjoint(cm.classification.intents))
    return BacktestResult(alerts=alerts, hourly=dict(hourly), detect_seconds=seconds, detected=len(classified),
                          detector_stats={b: stats[b] for b in first_seen}, processes=max(len(groups), 1),
                          replies={b: replies[b] for b in first_seen if replies.get(b)},
                          answer_deadline_ms=(config or DetectorConfig()).answer_deadline_ms)


_first = itemgetter(0)
# (mention index, alerts), brand -> its stats, brand -> (complaint time, first reply time) of its answered complaints
Emitted = tuple[list[tuple[int, list[Alert]]], dict[str, dict[str, int]], dict[str, list[tuple[int, int]]]]


def brand_groups(classified: list[ClassifiedMention], workers: int) -> list[frozenset[str]]:
    """The brands split into at most ``workers`` groups of about as many mentions each (largest brand first into
    the lightest group; ties by brand id, so the split is the same every run). 0 workers: one per CPU."""
    workers = workers or os.cpu_count() or 1
    counts = Counter(cm.enrichment.brand_id for cm in classified)
    loads: list[tuple[int, int, list[str]]] = [(0, i, []) for i in range(min(workers, len(counts)))]
    for brand, n in sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))):
        load, i, brands = heapq.heappop(loads)
        brands.append(brand)
        heapq.heappush(loads, (load + n, i, brands))
    return [frozenset(brands) for _, _, brands in sorted(loads, key=lambda item: item[1]) if brands]


def _detect_brands(classified: list[ClassifiedMention], config: DetectorConfig | None,
                   brand_names: Mapping[str, Iterable[str]] | None, indices: list[int] | None = None) -> Emitted:
    """The live pipeline's detection over ``classified`` (only the mentions at ``indices``, ascending, when given),
    in input order, as one batch."""
    step = BrandStep(_no_classifier, SnowballDetector(config, brand_names=brand_names))
    indices = list(range(len(classified))) if indices is None else indices
    state = BrandState()
    batch = step.detect([classified[i] for i in indices], state)
    for failure in batch.failures:
        raise failure.error
    state.apply(batch)
    emitted = [(indices[source], alerts) for source, alerts in batch.alerts]
    detector = step.detector
    return (emitted, {b: detector.stats(s) for b, s in state.detectors.items()},
            {b: [tuple(r) for r in detector.take_replies(s)] for b, s in state.detectors.items()})


def _no_classifier(mentions: Any) -> Any:
    raise TypeError("the backtest's detection takes classified mentions")


# What forked workers read from the parent's memory instead of a pickled copy: (mentions, config, brand names,
# each group's mention indices). Set only while the pool runs.
_FORKED: tuple[Any, ...] = ()


def _detect_forked(group: int) -> Emitted:
    classified, config, brand_names, indices = _FORKED
    return _detect_brands(classified, config, brand_names, indices[group])


def _detect_in_processes(classified: list[ClassifiedMention], config: DetectorConfig | None,
                         brand_names: Mapping[str, Iterable[str]] | None,
                         groups: list[frozenset[str]]) -> list[Emitted]:
    """One process per group, forked so that the mentions are shared, not sent: only the alerts come back.

    Each process reads only its own brands' mentions (their indices are listed before the fork), and the
    collector's generations are frozen across the fork: a child then writes to (so copies) the memory of its own
    mentions, not of the whole history."""
    global _FORKED
    group_of = {brand: g for g, brands in enumerate(groups) for brand in brands}
    indices: list[list[int]] = [[] for _ in groups]
    for i, cm in enumerate(classified):
        indices[group_of[cm.enrichment.brand_id]].append(i)
    _FORKED = (classified, config, brand_names, indices)
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(len(groups)) as pool:
            return pool.map(_detect_forked, range(len(groups)), chunksize=1)
    finally:
        gc.unfreeze()
        _FORKED = ()


def run_backtest(path: Path, brands_file: Path, mapping: dict[str, str] | None = None,
                 sentiment_column: str | None = None, model_dir: Path | None = None, use_model: bool = False,
                 config: DetectorConfig | None = None, workers: int = 1) -> BacktestResult:
    counts: Counter = Counter()
    problems: list[str] = []
    mentions = load_mentions(path, mapping, sentiment_column, counts, problems)
    classified = classify(mentions, brands_file, model_dir, use_model or not sentiment_column, counts)
    from streams.enrichment import BrandCatalog

    result = detect(classified, config, BrandCatalog.from_yaml(brands_file).own_names(), workers)
    result.counts = counts
    result.problems = problems
    return result


def write_alerts(alerts: Iterable[Alert], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for alert in alerts:
            handle.write(json.dumps(alert.to_record(), ensure_ascii=False) + "\n")
            count += 1
    return count
