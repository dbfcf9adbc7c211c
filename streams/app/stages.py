"""The batch pipeline on records: decode, call the core (``streams.pipeline``), encode, dead-letter.

The live worker hands these methods a batch of Kafka records of one step and that step's state
(mappings: a Faust table's store live, dicts in tests) and gets back the records to send and the
state to write, once per key and batch. Anything that cannot be processed becomes a dead-letter
output with its reason and original bytes, so a partition never stops on a bad record.
``snowball backtest`` calls the same core on decoded mentions: same input, same alerts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.app.letter_log import DeadLetterLog
from streams.classification import Classifier
from streams.detection import SnowballDetector
from streams.enrichment import Enricher
from streams.metrics import PipelineMetrics
from streams.models import DeadLetter, EnrichedMention, InvalidMention, RawMention
from streams.models.parse import validate_raw_mention
from streams.pipeline import BrandBatch, BrandState, BrandStep, EnrichStep, in_event_order
from streams.pipeline.brand_step import classifier_step
from streams.serialization import Codec, DecodeError

log = logging.getLogger(__name__)

# librdkafka refuses records over 1,000,000 bytes (message.max.bytes) and Kafka's default limit is ~1 MiB: a
# letter keeps its original bytes up to this, with room for its error (2,000 characters at most) and fields.
MAX_LETTER_VALUE_BYTES = 900_000

# Table names of the state each step returns (``Step.writes``), as the worker's Faust tables are named.
SEEN = "seen"
CONTEXTS = "contexts"
DETECTORS = "detectors"
AUTHORS = "authors"


@dataclass(frozen=True, slots=True)
class Record:
    """One Kafka record as read: where it came from (for dead letters and commits), key and value."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True, slots=True)
class Output:
    """A record to send: ``role`` is a field of TopicSettings (enriched, classified, alerts, dead_letter)."""

    role: str
    key: bytes | None
    value: bytes


@dataclass(slots=True)
class Step:
    """What a step of a batch gives: records to send, and each table's new values (key -> value, once each)."""

    outputs: list[Output] = field(default_factory=list)
    writes: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Codecs:
    raw: Codec
    enriched: Codec
    classified: Codec
    alerts: Codec
    dead_letter: Codec


def keep_brand_writes(state: BrandState, step: Step) -> None:
    """A brand step's writes kept in plain mappings (in-process runs, tests; live, the worker writes its tables)."""
    state.update(step.writes[CONTEXTS], step.writes[DETECTORS], step.writes[AUTHORS])


def brand_key(brand_id: str) -> bytes:
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
        classify_batch_size: int = 256,
    ) -> None:
        self.codecs = codecs
        self.enricher = enricher
        self.classifier = classifier
        self.detector = detector
        self.metrics = metrics
        self.wall_clock_ms = wall_clock_ms
        self.classify_batch_size = classify_batch_size
        self.letter_log = DeadLetterLog()

    # -- dead letters ------------------------------------------------------------------------
    def dead_letter(self, stage: str, reason: str, error: str, record: Record) -> Output:
        self.metrics.record_dead_letter(stage, reason)
        # The reason and position only: message text never goes to the logs.
        self.letter_log.lettered(stage, reason, f"{record.topic}/{record.partition}@{record.offset}")
        error = error[:2000]
        value = record.value
        if value is not None and len(value) > MAX_LETTER_VALUE_BYTES:  # or the letter itself outgrows a record
            error += f" (value cut to its first {MAX_LETTER_VALUE_BYTES} of {len(value)} bytes)"
            value = value[:MAX_LETTER_VALUE_BYTES]
        letter = DeadLetter(
            stage=stage, reason=reason, error=error, topic=record.topic, partition=record.partition,
            offset=record.offset, failed_at=self.wall_clock_ms(), key=record.key, value=value,
        )
        return Output("dead_letter", record.key, self.codecs.dead_letter.encode(letter.to_record()))

    def _processing_error(self, stage: str, exc: Exception, record: Record) -> Output:
        log.error("%s failed for %s/%d@%d: %s", stage, record.topic, record.partition, record.offset,
                  type(exc).__name__, exc_info=exc)
        return self.dead_letter(stage, "processing_error", f"{type(exc).__name__}: {exc}", record)

    def _decoded(self, stage: str, codec: Codec, model: type, record: Record) -> Any:
        """The record as ``model``, or its dead letter (an ``Output``)."""
        try:
            return model.from_record(codec.decode(record.value))
        except DecodeError as exc:
            return self.dead_letter(stage, exc.reason, str(exc), record)
        except (TypeError, ValueError, KeyError) as exc:
            return self.dead_letter(stage, "invalid_record", f"{type(exc).__name__}: {exc}", record)

    # -- enrich: mentions.raw (keyed by mention id) -> mentions.enriched (keyed by brand id) ---
    def decode_raw(self, record: Record) -> RawMention | Output:
        """The valid raw mention, or its dead letter."""
        try:
            return validate_raw_mention(RawMention.from_record(self.codecs.raw.decode(record.value)),
                                        now_ms=self.wall_clock_ms())
        except (DecodeError, InvalidMention) as exc:
            return self.dead_letter("enrich", exc.reason, str(exc), record)
        except (TypeError, ValueError, KeyError) as exc:
            return self.dead_letter("enrich", "invalid_mention", f"{type(exc).__name__}: {exc}", record)

    def enrich(self, records: Sequence[Record], seen: Mapping[str, int]) -> Step:
        """Raw mentions -> one enriched mention per brand each; ``seen`` (the partition's redelivery guard, mention
        id -> first event time) drops what was already enriched. Outputs keep the records' order."""
        step = Step()
        decoded: list[RawMention | Output] = [self.decode_raw(record) for record in records]
        valid = [(record, raw) for record, raw in zip(records, decoded, strict=True) if isinstance(raw, RawMention)]
        batch = EnrichStep(self.enricher).run([raw for _, raw in valid], seen)
        letters = {failure.index: self._processing_error("enrich", failure.error, valid[failure.index][0])
                   for failure in batch.failures}
        found = iter(enumerate(batch.enriched))
        for item in decoded:
            if isinstance(item, Output):
                step.outputs.append(item)
                continue
            index, enriched = next(found)
            if index in letters:
                step.outputs.append(letters[index])
            elif enriched:  # masking is per mention, the same for each brand it is about
                self.metrics.record_pii_masked(enriched[0].enrichment.pii_by_kind)
            elif index not in batch.redelivered:
                self.metrics.record_unmatched()
            step.outputs += [Output("enriched", brand_key(e.enrichment.brand_id), self.codecs.enriched.encode(
                e.to_record())) for e in enriched]
        step.writes[SEEN] = batch.seen
        return step

    # -- brand: mentions.enriched (keyed by brand id) -> mentions.classified, snowball.alerts --
    def decode_enriched(self, record: Record) -> EnrichedMention | Output:
        """The enriched mention, or its dead letter (also when its key is not its brand id: that brand's state
        lives in the partition of its brand id, so a record keyed otherwise has no place here)."""
        enriched = self._decoded("classify", self.codecs.enriched, EnrichedMention, record)
        if isinstance(enriched, EnrichedMention) and record.key != brand_key(enriched.enrichment.brand_id):
            why = f"keyed {record.key!r}, about brand {enriched.enrichment.brand_id!r}"
            return self.dead_letter("classify", "key_not_brand", why, record)
        return enriched

    def brand(self, items: Sequence[tuple[EnrichedMention, Record]], state: BrandState) -> Step:
        """Decoded enriched mentions with their records -> classified mentions and alerts, in event order.

        ``state`` holds the partition's brand contexts, detector states and author histories; each touched
        key's new value is in ``Step.writes``, once per batch."""
        ordered = in_event_order(items, lambda item: item[0].mention)
        timer = _ClassifyTimer(classifier_step(self.classifier, self.classify_batch_size))
        started = time.perf_counter()
        batch = BrandStep(timer, self.detector).run([enriched for enriched, _ in ordered], state)
        if timer.seconds is not None:
            self.metrics.record_classifier_batch(len(ordered), timer.seconds)
            self.metrics.observe_stage("classify", timer.seconds)
        step = self._brand_outputs(batch, [record for _, record in ordered])
        self.metrics.observe_stage("detect", time.perf_counter() - started - (timer.seconds or 0.0))
        return step

    def brand_records(self, records: Sequence[Record], state: BrandState) -> Step:
        """``brand`` on records still to decode: dead letters first, then the batch's outputs."""
        letters: list[Output] = []
        items: list[tuple[EnrichedMention, Record]] = []
        for record in records:
            decoded = self.decode_enriched(record)
            if isinstance(decoded, Output):
                letters.append(decoded)
            else:
                items.append((decoded, record))
        step = self.brand(items, state)
        step.outputs[:0] = letters
        return step

    def _brand_outputs(self, batch: BrandBatch, records: Sequence[Record]) -> Step:
        step = Step(writes={CONTEXTS: batch.contexts, DETECTORS: batch.detectors, AUTHORS: batch.authors})
        failed = {failure.index: failure for failure in batch.failures}
        alerts = dict(batch.alerts)
        classified_at = dict(zip(batch.sources, batch.classified, strict=True))
        encode_classified, encode_alert = self.codecs.classified.encode, self.codecs.alerts.encode
        for index, record in enumerate(records):
            failure = failed.get(index)
            if failure is not None and failure.stage == "classify":
                step.outputs.append(self._processing_error("classify", failure.error, record))
                continue
            mention = classified_at.get(index)
            if mention is None:
                continue
            step.outputs.append(Output("classified", brand_key(mention.brand_id), encode_classified(
                mention.to_record())))
            if failure is not None:
                step.outputs.append(self._processing_error("detect", failure.error, record))
            for alert in alerts.get(index, ()):
                self.metrics.record_alert(alert)
                step.outputs.append(Output("alerts", brand_key(alert.brand_id), encode_alert(alert.to_record())))
        self.metrics.record_classified_batch(batch.classified, ("classify", "detect"))
        for brand_id, detector_state in batch.detectors.items():
            self.metrics.record_brand_gauges(brand_id, self.detector.gauges(detector_state))
            self.metrics.record_detector_stats(brand_id, self.detector.stats(detector_state))
            self.metrics.record_first_replies(brand_id, [(r.replied_at - r.complained_at) / 1000
                                                         for r in self.detector.take_replies(detector_state)])
        return step


class _ClassifyTimer:
    """The step's classify call, timed for the classify stage's metrics."""

    def __init__(self, classify: Callable[[Sequence[EnrichedMention]], Any]) -> None:
        self._classify = classify
        self.seconds: float | None = None

    def __call__(self, mentions: Sequence[EnrichedMention]) -> Any:
        started = time.perf_counter()
        try:
            return self._classify(mentions)
        finally:
            self.seconds = time.perf_counter() - started
