"""What each agent does to one record, without Faust: decode, call the core, encode.

Agents hand these methods the raw bytes of an event and the table they own (any mutable
mapping: a Faust table live, a dict in tests and replays) and send what comes back. Anything
that cannot be processed becomes a dead-letter output with its reason and original bytes, so
a partition never stops on a bad record.
"""

from __future__ import annotations

import logging
import time
from collections import ChainMap
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from streams.classification import Classifier
from streams.detection import SnowballDetector
from streams.enrichment import Enricher
from streams.enrichment.authors import track_author
from streams.enrichment.context import update_brand_context
from streams.enrichment.dedup import first_seen_value, is_redelivery
from streams.metrics import PipelineMetrics
from streams.models import (
    ClassifiedMention,
    DeadLetter,
    EnrichedMention,
    InvalidMention,
    RawMention,
)
from streams.models.parse import validate_raw_mention
from streams.serialization import Codec, DecodeError

log = logging.getLogger(__name__)

# Kafka's default record limit is 1 MiB: a letter keeps its original bytes up to this, with room for the rest.
MAX_LETTER_VALUE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from, for dead letters."""

    topic: str
    partition: int
    offset: int
    key: bytes | None = None


@dataclass(frozen=True, slots=True)
class Output:
    """A record to send: ``role`` is a field of TopicSettings (enriched, classified, alerts, dead_letter)."""

    role: str
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class Codecs:
    raw: Codec
    enriched: Codec
    classified: Codec
    alerts: Codec
    dead_letter: Codec


def _brand_key(brand_id: str) -> bytes:
    return brand_id.encode("utf-8")


class Stages:
    def __init__(
        self,
        codecs: Codecs,
        enricher: Enricher,
        classifier: Classifier,
        detector: SnowballDetector,
        metrics: PipelineMetrics,
        wall_clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.codecs = codecs
        self.enricher = enricher
        self.classifier = classifier
        self.detector = detector
        self.metrics = metrics
        self.wall_clock_ms = wall_clock_ms

    # -- dead letters ------------------------------------------------------------------------
    def dead_letter(self, stage: str, reason: str, error: str, origin: Origin, value: bytes | None) -> Output:
        self.metrics.record_dead_letter(stage, reason)
        # The reason and position only: message text never goes to the logs.
        log.warning("dead-lettered %s/%d@%d at %s: %s", origin.topic, origin.partition, origin.offset, stage, reason)
        error = error[:2000]
        if value is not None and len(value) > MAX_LETTER_VALUE_BYTES:  # or the letter itself outgrows a record
            error += f" (value cut to its first {MAX_LETTER_VALUE_BYTES} of {len(value)} bytes)"
            value = value[:MAX_LETTER_VALUE_BYTES]
        record = DeadLetter(
            stage=stage, reason=reason, error=error, topic=origin.topic, partition=origin.partition,
            offset=origin.offset, failed_at=self.wall_clock_ms(), key=origin.key, value=value,
        )
        return Output("dead_letter", origin.key, self.codecs.dead_letter.encode(record.to_record()))

    def _decoded(self, stage: str, codec: Codec, model: type, value: bytes, origin: Origin,
                 outputs: list[Output]) -> Any:
        """The record as ``model``, or None after adding its dead letter to ``outputs``."""
        try:
            return model.from_record(codec.decode(value))
        except DecodeError as exc:
            outputs.append(self.dead_letter(stage, exc.reason, str(exc), origin, value))
        except (TypeError, ValueError, KeyError) as exc:
            outputs.append(self.dead_letter(stage, "invalid_record", f"{type(exc).__name__}: {exc}", origin, value))
        return None

    # -- enrich ------------------------------------------------------------------------------
    def enrich(self, value: bytes, origin: Origin, seen: MutableMapping[str, int]) -> list[Output]:
        """Raw mention -> one enriched mention per brand; ``seen`` (keyed by mention id) drops redeliveries."""
        try:
            raw = validate_raw_mention(RawMention.from_record(self.codecs.raw.decode(value)),
                                       now_ms=self.wall_clock_ms())
        except DecodeError as exc:
            return [self.dead_letter("enrich", exc.reason, str(exc), origin, value)]
        except InvalidMention as exc:
            return [self.dead_letter("enrich", exc.reason, str(exc), origin, value)]
        except (TypeError, ValueError, KeyError) as exc:
            return [self.dead_letter("enrich", "invalid_mention", f"{type(exc).__name__}: {exc}", origin, value)]
        if is_redelivery(seen, raw):
            return []
        try:
            enriched = self.enricher.enrich(raw)
        except Exception as exc:  # a bug must not stop the partition: keep the record, log, go on
            log.exception("enrichment failed for %s/%d@%d", origin.topic, origin.partition, origin.offset)
            return [self.dead_letter("enrich", "processing_error", f"{type(exc).__name__}: {exc}", origin, value)]
        seen[raw.id] = first_seen_value(seen.get(raw.id), raw)
        if not enriched:
            self.metrics.record_unmatched()
        else:  # masking is per mention, the same for each brand it is about
            self.metrics.record_pii_masked(enriched[0].enrichment.pii_by_kind)
        return [
            Output("enriched", _brand_key(e.enrichment.brand_id), self.codecs.enriched.encode(e.to_record()))
            for e in enriched
        ]

    # -- classify ----------------------------------------------------------------------------
    def classify(self, batch: Sequence[tuple[bytes, Origin]], contexts: MutableMapping[str, dict]) -> list[Output]:
        """A batch of enriched mentions -> classified mentions, same keys (brand ids), in one go: the in-process
        pipeline (tests); the classify agent decodes, holds and calls ``classify_mentions`` (``HeldClassify``)."""
        outputs: list[Output] = []
        received: list[tuple[EnrichedMention, Origin, bytes]] = []
        for value, origin in batch:
            enriched = self.decode_enriched(value, origin, outputs)
            if enriched is not None:
                received.append((enriched, origin, value))
        return outputs + self.classify_mentions(received, contexts)

    def decode_enriched(self, value: bytes, origin: Origin, outputs: list[Output]) -> EnrichedMention | None:
        """The enriched mention, or None after adding its dead letter to ``outputs``."""
        return self._decoded("classify", self.codecs.enriched, EnrichedMention, value, origin, outputs)

    def classify_mentions(self, received: Sequence[tuple[EnrichedMention, Origin, bytes]],
                          contexts: MutableMapping[str, dict]) -> list[Output]:
        """Decoded enriched mentions (with where each came from and its bytes) -> classified mentions, in event order.

        ``contexts`` holds one brand context (cascades, near-duplicates) per brand id; each brand's
        context is read once and written once per call, so the table's changelog gets one record
        per brand and batch, not per mention. If the work fails, every mention of the call is
        dead-lettered and no context is written: a bug costs these records, not the partition.
        """
        # In event time (stable): a brand's mentions reach this topic merged from several mentions.raw
        # partitions, minutes out of order under a burst or a replay; the backtest sorts them all.
        ordered = sorted(received, key=lambda item: item[0].mention.event_order)
        try:
            return self._classify_in_order([enriched for enriched, _, _ in ordered], contexts)
        except Exception as exc:
            log.exception("classification failed for a batch of %d", len(ordered))
            return [self.dead_letter("classify", "processing_error", f"{type(exc).__name__}: {exc}", origin, value)
                    for _, origin, value in ordered]

    def _classify_in_order(self, received: Sequence[EnrichedMention],
                           contexts: MutableMapping[str, dict]) -> list[Output]:
        decoded: list[EnrichedMention] = []
        touched: dict[str, dict] = {}
        for enriched in received:
            brand_id = enriched.enrichment.brand_id
            # The first mention of a brand copies the table's state; later ones update that copy in place.
            owned = brand_id in touched
            state = touched[brand_id] if owned else contexts.get(brand_id)
            touched[brand_id], enriched = update_brand_context(state, enriched, in_place=owned)
            decoded.append(enriched)
        if not decoded:
            return []
        started = time.perf_counter()
        classifications = self.classifier.classify(
            [e.mention.text for e in decoded], [e.mention.lang_hint for e in decoded]
        )
        self.metrics.record_classifier_batch(len(decoded), time.perf_counter() - started)
        classified = [ClassifiedMention(e.mention, e.enrichment, c)
                      for e, c in zip(decoded, classifications, strict=True)]
        outputs = [Output("classified", _brand_key(c.brand_id), self.codecs.classified.encode(c.to_record()))
                   for c in classified]
        for c in classified:
            self.metrics.record_classified(c)
            self.metrics.record_event_time_lag("classify", c.mention.created_at)
        for brand_id, state in touched.items():  # last: written only once the whole batch is classified
            contexts[brand_id] = state
        return outputs

    # -- detect ------------------------------------------------------------------------------
    def detect(self, batch: Sequence[tuple[bytes, Origin]], states: MutableMapping[str, dict],
               authors: MutableMapping[str, dict] | None = None) -> list[Output]:
        """Classified mentions -> alerts; ``states`` holds one detector state per brand id.

        ``authors`` holds each author's history with a brand (key ``brand|author``); repeat-critic
        alerts carry it. Each touched brand's state and author's history is written back once per
        batch; the agent acks the batch's offsets only after that, so a restart resumes from saved state.
        """
        outputs: list[Output] = []
        touched: dict[str, dict] = {}
        histories: dict[str, dict] = {}
        authors = {} if authors is None else authors
        received: list[tuple[ClassifiedMention, Origin, bytes]] = []
        for value, origin in batch:
            classified = self._decoded("detect", self.codecs.classified, ClassifiedMention, value, origin, outputs)
            if classified is not None:
                received.append((classified, origin, value))
        for classified, origin, value in sorted(received, key=lambda item: item[0].mention.event_order):  # as classify
            brand_id = classified.brand_id
            state = touched[brand_id] if brand_id in touched else states.get(brand_id)
            try:
                state, alerts = self.detector.process(state, classified)
            except Exception as exc:
                log.exception("detection failed for %s/%d@%d", origin.topic, origin.partition, origin.offset)
                outputs.append(self.dead_letter("detect", "processing_error", f"{type(exc).__name__}: {exc}",
                                                origin, value))
                continue
            touched[brand_id] = state
            self.metrics.record_event_time_lag("detect", classified.mention.created_at)
            track_author(ChainMap(histories, authors), classified, alerts)  # reads the batch's first, writes it
            for alert in alerts:
                self.metrics.record_alert(alert)
                outputs.append(Output("alerts", _brand_key(alert.brand_id),
                                      self.codecs.alerts.encode(alert.to_record())))
        for key, recorded in histories.items():
            authors[key] = recorded
        for brand_id, state in touched.items():
            states[brand_id] = state  # assignment writes the table's changelog
            self.metrics.record_brand_gauges(brand_id, self.detector.gauges(state))
            self.metrics.record_detector_stats(brand_id, self.detector.stats(state))
        return outputs
