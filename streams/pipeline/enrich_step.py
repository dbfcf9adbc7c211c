"""Enrich a batch of raw mentions of one ``mentions.raw`` partition, dropping redeliveries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from streams.enrichment import Enricher
from streams.enrichment.dedup import first_seen_value, is_redelivery
from streams.models import EnrichedMention, RawMention


@dataclass(slots=True)
class Failure:
    """A mention a step could not process: its index in the step's input, and why."""

    index: int
    stage: str
    error: Exception


@dataclass(slots=True)
class EnrichBatch:
    enriched: list[list[EnrichedMention]]  # per input mention: one per brand it is about ([] if none or redelivered)
    redelivered: set[int] = field(default_factory=set)  # input indices already seen
    failures: list[Failure] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # the redelivery guard's new entries (mention id -> time)


class EnrichStep:
    def __init__(self, enricher: Enricher) -> None:
        self.enricher = enricher

    def run(self, mentions: Sequence[RawMention], seen: Mapping[str, int]) -> EnrichBatch:
        """``seen`` is the partition's redelivery guard (mention id -> first event time); it is only read."""
        batch = EnrichBatch(enriched=[])
        for index, raw in enumerate(mentions):
            # A copy later in the same batch is a redelivery too (two look-ups: a ChainMap's cost several times more).
            if is_redelivery(batch.seen, raw) or is_redelivery(seen, raw):
                batch.redelivered.add(index)
                batch.enriched.append([])
                continue
            try:
                found = self.enricher.enrich(raw)
            except Exception as exc:  # a bug costs this mention, not the batch
                batch.failures.append(Failure(index, "enrich", exc))
                batch.enriched.append([])
                continue
            batch.seen[raw.id] = first_seen_value(None, raw)
            batch.enriched.append(found)
        return batch
