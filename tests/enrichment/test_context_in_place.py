"""A batch may update the brand context it owns in place: same states and mentions as the pure calls."""

import copy
import json

from streams.enrichment import BrandCatalog, Enricher
from streams.enrichment.context import BrandContexts, update_brand_context
from streams.scenarios import build_scenario
from streams.settings import Settings


def test_in_place_updates_give_the_same_states_and_mentions_and_the_pure_call_leaves_its_input_intact():
    enricher = Enricher(BrandCatalog.from_yaml(Settings().brands_file))
    mentions = [e for m in build_scenario("demo", seed=3) for e in enricher.enrich(m)]
    pure: dict = {}
    owned: dict = {}
    for i, mention in enumerate(mentions):
        brand = mention.enrichment.brand_id
        before = copy.deepcopy(pure.get(brand))
        pure_state, pure_out = update_brand_context(pure.get(brand), mention)
        assert pure.get(brand) == before  # the input state is not modified
        pure[brand] = pure_state
        in_batch = brand in owned and i % 50 != 0  # a new batch every 50 mentions starts from a copy
        owned[brand], owned_out = update_brand_context(owned.get(brand), mention, in_place=in_batch)
        assert owned_out == pure_out
    assert json.dumps(owned) == json.dumps(pure)  # key order (eviction order) included


def test_a_batch_of_brand_contexts_gives_the_pure_calls_states_and_mentions_and_leaves_its_input_intact():
    enricher = Enricher(BrandCatalog.from_yaml(Settings().brands_file))
    mentions = [e for m in build_scenario("demo", seed=5) for e in enricher.enrich(m)]
    pure: dict = {}
    pure_out = []
    for mention in mentions:
        pure[mention.enrichment.brand_id], out = update_brand_context(pure.get(mention.enrichment.brand_id), mention)
        pure_out.append(out)
    stored: dict = {}
    batch_out = []
    for start in range(0, len(mentions), 40):  # the table between batches
        before = copy.deepcopy(stored)
        batch = BrandContexts(stored)
        batch_out += [batch.update(mention) for mention in mentions[start:start + 40]]
        assert stored == before
        stored.update(batch.written)
    assert batch_out == pure_out
    assert json.dumps(stored) == json.dumps(pure)
