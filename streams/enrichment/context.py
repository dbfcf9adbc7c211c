"""Per-brand context of an enriched mention: its cascade and whether it nearly copies another.

One call for the step that reads the brand-keyed enriched topic, with one JSON-able state
per brand (table ``brand_context[brand_id]``)::

    {"cascades": <cascades state>, "near_duplicates": <near_duplicates state>}

See ``cascades`` and ``near_duplicates`` for both layouts and their bounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from streams.enrichment.cascades import CascadeConfig, update_cascades, with_cascade
from streams.enrichment.near_duplicates import NearDuplicateConfig, NearDuplicateMemory
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
    owns the state (a batch passing back what an earlier call of the same batch returned). A batch of
    many mentions keeps a ``BrandContexts`` instead, which indexes each brand's memory once.
    """
    state = state or {}
    memory = NearDuplicateMemory(state.get("near_duplicates"), config.near_duplicates, in_place=in_place)
    return _update(state, memory, mention, config, in_place=in_place)


def _update(state: State, memory: NearDuplicateMemory, mention: EnrichedMention, config: ContextConfig, *,
            in_place: bool) -> tuple[State, EnrichedMention]:
    cascades, summary = update_cascades(state.get("cascades"), mention, config.cascades, in_place=in_place)
    raw = mention.mention
    near_duplicates, marks = state.get("near_duplicates"), {}
    if relation_of(raw)[0] is not Relation.REPOST:  # reposts are linked through their cascade instead
        marks["near_duplicate_of"] = memory.mark(raw.id, mention.enrichment.fingerprint, raw.created_at)
        near_duplicates = memory.state
    enrichment = with_cascade(mention.enrichment, summary, **marks)
    return {"cascades": cascades, "near_duplicates": near_duplicates}, EnrichedMention(raw, enrichment)


class BrandContexts:
    """The brand contexts a batch updates, over ``contexts`` (read, never written): each brand's state is
    copied on its first mention and updated in place after, its near-duplicate memory indexed once."""

    def __init__(self, contexts: Mapping[str, State], config: ContextConfig = ContextConfig()) -> None:
        self.contexts = contexts
        self.config = config
        self.written: dict[str, State] = {}  # brand id -> its new state, for every brand the batch touched
        self._memories: dict[str, NearDuplicateMemory] = {}

    def update(self, mention: EnrichedMention) -> EnrichedMention:
        """The mention with root, cascade and near-duplicate fields filled in; its brand's state updated."""
        brand_id = mention.enrichment.brand_id
        owned = brand_id in self.written
        state = self.written[brand_id] if owned else self.contexts.get(brand_id) or {}
        memory = self._memories.get(brand_id)
        if memory is None:
            memory = self._memories[brand_id] = NearDuplicateMemory(state.get("near_duplicates"),
                                                                    self.config.near_duplicates)
        self.written[brand_id], mention = _update(state, memory, mention, self.config, in_place=owned)
        return mention
