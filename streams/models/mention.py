"""A mention at each stage of the pipeline: raw, enriched, classified."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

# Per dataclass: a function returning the dict literal of its fields (``fields`` is slow per call, and a literal
# builds the dict in one step, where a getter, a zip and dict() each make an object per record).
_RECORD_FUNCTIONS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _record_function(cls: type) -> Callable[[Any], dict[str, Any]]:
    """``lambda obj: {"name": obj.name, ...}`` over the dataclass's fields, in order, compiled as dataclasses
    compiles its ``__init__`` (field names are identifiers)."""
    body = ", ".join(f"{f.name!r}: obj.{f.name}" for f in fields(cls))
    namespace: dict[str, Any] = {}
    exec(f"def record(obj):\n    return {{{body}}}\n", namespace)
    return namespace["record"]


def shallow_record(obj: Any) -> dict[str, Any]:
    """A dataclass as a dict of its fields, without a deep copy: records are only read by the encoder."""
    function = _RECORD_FUNCTIONS.get(type(obj))
    if function is None:
        function = _RECORD_FUNCTIONS[type(obj)] = _record_function(type(obj))
    return function(obj)


def replaced(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` for a dataclass whose fields all go through ``__init__`` (every model here): its
    record with the changes, back through the class. replace() walks the fields' definitions on every call and
    costs about twice as much."""
    record = shallow_record(obj)
    record.update(changes)
    return type(obj)(**record)


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


@dataclass(slots=True, frozen=True)
class Author:
    id: str
    handle: str | None = None
    followers: int = 0
    verified: bool = False


@dataclass(slots=True, frozen=True)
class Engagement:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0


@dataclass(slots=True)
class RawMention:
    """A post that may be about a brand, as received from a source platform."""

    id: str
    source: str
    text: str
    created_at: int  # event time, epoch milliseconds UTC
    author: Author | None = None
    brand_hint: str | None = None
    in_reply_to_id: str | None = None
    reposts_id: str | None = None
    quotes_id: str | None = None
    url: str | None = None
    lang_hint: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    from_brand_account: bool = False

    @property
    def event_order(self) -> tuple[int, str]:
        """The mention's place in an event-time replay: by ``created_at``, ties by id, so that neither the merge
        of partitions (live) nor the order of a file (backtest) decides which of two same-time mentions is first."""
        return self.created_at, self.id

    def to_record(self) -> dict[str, Any]:
        record = shallow_record(self)
        record["author"] = shallow_record(self.author) if self.author is not None else None
        record["engagement"] = shallow_record(self.engagement)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RawMention:
        author = record.get("author")
        engagement = record.get("engagement")
        return cls(
            **{
                **record,
                "author": Author(**author) if author is not None else None,
                "engagement": Engagement(**engagement) if engagement is not None else Engagement(),
            }
        )


@dataclass(slots=True)
class Enrichment:
    """What enrichment learned about a mention, for one brand it is about."""

    brand_id: str
    brands: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    normalized_text: str = ""
    root_id: str = ""
    is_brand_account: bool = False
    author_tier: str = "unknown"
    fingerprint: str | None = None
    near_duplicate_of: str | None = None
    pii_masked: int = 0
    relation: str = "post"  # post, reply, repost, quote
    terms: list[str] = field(default_factory=list)
    cascade_size: int = 0
    cascade_reach: int = 0
    cascade_speed: float = 0.0  # mentions per hour, decayed
    cascade_first_at: int | None = None  # epoch ms
    pii_by_kind: dict[str, int] = field(default_factory=dict)  # email, phone, card, iban


@dataclass(slots=True)
class EnrichedMention:
    mention: RawMention
    enrichment: Enrichment

    def to_record(self) -> dict[str, Any]:
        return {"mention": self.mention.to_record(), "enrichment": shallow_record(self.enrichment)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> EnrichedMention:
        return cls(
            mention=RawMention.from_record(record["mention"]),
            enrichment=Enrichment(**record["enrichment"]),
        )


@dataclass(slots=True)
class Classification:
    """Sentiment and intents of one mention, with the model that said so."""

    language: str
    sentiment: Sentiment
    score: float  # calibrated probability of ``sentiment``
    negative_score: float = 0.0  # calibrated probability of negative, for volume estimates
    intents: list[str] = field(default_factory=list)
    model: str = ""
    model_version: str = ""
    reason: str = ""  # why the label is only a default (empty text, no sentiment cue...); "" when it is not

    def to_record(self) -> dict[str, Any]:
        record = shallow_record(self)
        record["sentiment"] = str(self.sentiment)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Classification:
        return cls(**{**record, "sentiment": Sentiment(record["sentiment"])})


@dataclass(slots=True)
class ClassifiedMention:
    mention: RawMention
    enrichment: Enrichment
    classification: Classification

    @property
    def brand_id(self) -> str:
        return self.enrichment.brand_id

    @property
    def is_negative(self) -> bool:
        return self.classification.sentiment is Sentiment.NEGATIVE

    def to_record(self) -> dict[str, Any]:
        return {
            "mention": self.mention.to_record(),
            "enrichment": shallow_record(self.enrichment),
            "classification": self.classification.to_record(),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ClassifiedMention:
        return cls(
            mention=RawMention.from_record(record["mention"]),
            enrichment=Enrichment(**record["enrichment"]),
            classification=Classification.from_record(record["classification"]),
        )
