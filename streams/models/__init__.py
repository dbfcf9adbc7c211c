"""Plain data that flows between pipeline stages.

Each stage adds a part and never redefines an earlier one: an enriched mention is the raw
mention plus an ``Enrichment``, a classified mention adds a ``Classification``. The Avro
schemas in ``schemas/`` mirror these classes one to one.
"""

from streams.models.alert import Alert, AlertKind, Severity
from streams.models.dead_letter import DeadLetter
from streams.models.mention import (
    Author,
    Classification,
    ClassifiedMention,
    Engagement,
    EnrichedMention,
    Enrichment,
    RawMention,
    Sentiment,
)
from streams.models.parse import InvalidMention, parse_raw_mention, parse_timestamp_ms

__all__ = [
    "Alert",
    "AlertKind",
    "Author",
    "Classification",
    "ClassifiedMention",
    "DeadLetter",
    "Engagement",
    "EnrichedMention",
    "Enrichment",
    "InvalidMention",
    "RawMention",
    "Sentiment",
    "Severity",
    "parse_raw_mention",
    "parse_timestamp_ms",
]
