"""Which Avro record each topic carries: the documented contract for downstream consumers."""

from __future__ import annotations

from streams.settings import TopicSettings

# Topic role (a field of TopicSettings) -> full name of the value schema.
TOPIC_SCHEMAS: dict[str, str] = {
    "raw": "snowball.RawMention",
    "enriched": "snowball.EnrichedMention",
    "classified": "snowball.ClassifiedMention",
    "alerts": "snowball.Alert",
    "dead_letter": "snowball.DeadLetter",
}


def topic_schema_names(topics: TopicSettings) -> dict[str, str]:
    """Actual topic name -> value schema name, for the configured topic names."""
    return {getattr(topics, role): schema for role, schema in TOPIC_SCHEMAS.items()}
