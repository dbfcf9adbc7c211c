"""Per-brand context of an enriched mention: its cascade and whether it nearly copies another.

One call for the step that reads the brand-keyed enriched topic, with one JSON-able state
per brand (table ``brand_context[brand_id]``)::

    {"cascades": <cascades state>, "near_duplicates": <near_duplicates state>}

See ``cascades`` and ``near_duplicates`` for both layouts and their bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from streams.enrichment.cascades import CascadeConfig, update_cascades, with_cascade
from streams.enrichment.near_duplicates import NearDuplicateConfig, mark_near_duplicate
from streams.enrichment.threads import Relation, relation_of
from streams.models import EnrichedMention

State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ContextConfig:
    cascades: CascadeConfig = field(default_factory=CascadeConfig)
    near_duplicates: NearDuplicateConfig = field(default_factory=NearDuplicateConfig)


def update_brand_context(
    state: State | None, mention: EnrichedMention, config: ContextConfig = ContextConfig(), *, in_place: bool = False
) -> tuple[State, EnrichedMention]:
    """Pure: the brand's new state, and the mention with root, cascade and near-duplicate fields filled in.

    ``in_place=True`` lets the update reuse ``state``'s maps instead of copying them: for a caller that
    owns the state (a batch passing back what an earlier call of the same batch returned).
    """
    state = state or {}
    cascades, summary = update_cascades(state.get("cascades"), mention, config.cascades, in_place=in_place)
    enrichment = with_cascade(mention.enrichment, summary)
    near_duplicates = state.get("near_duplicates")
    if relation_of(mention.mention)[0] is not Relation.REPOST:
        near_duplicates, original = mark_near_duplicate(
            near_duplicates, mention.mention.id, enrichment.fingerprint, mention.mention.created_at,
            config.near_duplicates, in_place=in_place,
        )
        enrichment = replace(enrichment, near_duplicate_of=original)
    return {"cascades": cascades, "near_duplicates": near_duplicates}, EnrichedMention(mention.mention, enrichment)
