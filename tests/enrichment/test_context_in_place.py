"""A batch may update the brand context it owns in place: same states and mentions as the pure calls."""

import copy
import json

from streams.enrichment import BrandCatalog, Enricher
from streams.enrichment.context import update_brand_context
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
