"""Classify and detect a batch of enriched mentions of one brand partition, in event order.

State is one mapping per table (brand contexts, detector states, author histories), read through
``BrandState`` and never written: the step returns the new value of each key it touched, once per
batch, and the caller stores them (live: a Faust table's store and its changelog; offline: dicts).
Detector states are the exception the detector is built on: ``SnowballDetector.process`` updates a
state in place, so a detector state read here is the one returned (the caller owns both).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.detection import BrandState as DetectorState
from streams.detection import SnowballDetector
from streams.enrichment.authors import track_author
from streams.enrichment.context import BrandContexts
from streams.models import Alert, Classification, ClassifiedMention, EnrichedMention
from streams.pipeline.enrich_step import Failure

# Enriched mentions in, one classification (or None: leave the mention out) per mention out, in order.
Classify = Callable[[Sequence[EnrichedMention]], Sequence[Classification | None]]


def classifier_step(classifier: Any, batch_size: int = 1024) -> Classify:
    """A ``Classifier`` (texts and language hints, ``batch_size`` per call) as the step's ``Classify``."""

    def classify(mentions: Sequence[EnrichedMention]) -> Sequence[Classification | None]:
        out: list[Classification | None] = []
        for start in range(0, len(mentions), batch_size):
            chunk = mentions[start:start + batch_size]
            out += classifier.classify([e.mention.text for e in chunk], [e.mention.lang_hint for e in chunk])
        return out

    return classify


_ABSENT = object()


class _WritesOverTable(ChainMap):
    """The batch's writes over a table: a ChainMap whose ``get`` asks each mapping's own ``get``, where ChainMap's
    tests ``in`` on every mapping and then reads through a KeyError from the batch's (~2 us a look-up)."""

    def get(self, key: Any, default: Any = None) -> Any:
        for mapping in self.maps:
            value = mapping.get(key, _ABSENT)
            if value is not _ABSENT:
                return value
        return default


@dataclass(slots=True)
class BrandState:
    """What a brand partition remembers, one mapping per table, keyed as the tables are."""

    contexts: Mapping[str, dict] = field(default_factory=dict)  # brand id -> cascades and near-duplicates
    detectors: Mapping[str, DetectorState] = field(default_factory=dict)  # brand id -> detector state
    authors: Mapping[str, dict] = field(default_factory=dict)  # brand|author -> the author's history

    def apply(self, batch: BrandBatch) -> None:
        """Store a batch's writes in these mappings (offline runs, tests; the live shell writes its tables)."""
        self.update(batch.contexts, batch.detectors, batch.authors)

    def update(self, contexts: Mapping[str, dict], detectors: Mapping[str, DetectorState],
               authors: Mapping[str, dict]) -> None:
        for mapping, writes in ((self.contexts, contexts), (self.detectors, detectors), (self.authors, authors)):
            mapping.update(writes)  # type: ignore[attr-defined]


@dataclass(slots=True)
class BrandBatch:
    classified: list[ClassifiedMention] = field(default_factory=list)  # in the order taken
    sources: list[int] = field(default_factory=list)  # the input index of each classified mention
    alerts: list[tuple[int, list[Alert]]] = field(default_factory=list)  # (input index, the alerts it raised)
    unclassified: list[int] = field(default_factory=list)  # input indices the classification left out
    failures: list[Failure] = field(default_factory=list)  # by input index
    contexts: dict[str, dict] = field(default_factory=dict)  # the new state of every key touched
    detectors: dict[str, DetectorState] = field(default_factory=dict)
    authors: dict[str, dict] = field(default_factory=dict)

    def all_alerts(self) -> list[Alert]:
        return [alert for _, alerts in self.alerts for alert in alerts]


class BrandStep:
    def __init__(self, classify: Classify, detector: SnowballDetector) -> None:
        self.classify = classify
        self.detector = detector

    def run(self, mentions: Sequence[EnrichedMention], state: BrandState) -> BrandBatch:
        """``mentions`` in event order (``in_event_order``). If classification fails, every mention is a
        failure (stage ``classify``) and nothing is written: a bug costs these mentions, not the partition."""
        in_context, contexts = self.contextualize(mentions, state.contexts)
        if not in_context:
            return BrandBatch()
        try:
            classifications = self.classify(in_context)
        except Exception as exc:
            return BrandBatch(failures=[Failure(i, "classify", exc) for i in range(len(in_context))])
        batch = BrandBatch(contexts=contexts)
        for index, (enriched, classification) in enumerate(zip(in_context, classifications, strict=True)):
            if classification is None:
                batch.unclassified.append(index)
            else:
                batch.classified.append(ClassifiedMention(enriched.mention, enriched.enrichment, classification))
                batch.sources.append(index)
        self._detect_into(batch, state)
        return batch

    @staticmethod
    def contextualize(mentions: Sequence[EnrichedMention],
                      contexts: Mapping[str, dict]) -> tuple[list[EnrichedMention], dict[str, dict]]:
        """Each mention with its cascade root and near-duplicate mark, in order; the brands' new contexts."""
        batch = BrandContexts(contexts)
        return [batch.update(enriched) for enriched in mentions], batch.written

    def detect(self, classified: Sequence[ClassifiedMention], state: BrandState) -> BrandBatch:
        """Detection alone, over mentions already classified (in event order): backtests on gold labels."""
        batch = BrandBatch(classified=list(classified), sources=list(range(len(classified))))
        self._detect_into(batch, state)
        return batch

    def _detect_into(self, batch: BrandBatch, state: BrandState) -> None:
        detectors = _WritesOverTable(batch.detectors, state.detectors)
        authors = _WritesOverTable(batch.authors, state.authors)
        process = self.detector.process
        for index, mention in zip(batch.sources, batch.classified, strict=True):
            brand_id = mention.enrichment.brand_id
            try:
                detectors[brand_id], alerts = process(detectors.get(brand_id), mention)
                track_author(authors, mention, alerts)  # reads the table's history first, writes the batch's
            except Exception as exc:  # this mention only: the next one of the brand goes on
                batch.failures.append(Failure(index, "detect", exc))
                continue
            if alerts:
                batch.alerts.append((index, alerts))
