"""The enrich step: one enriched mention per brand, redeliveries dropped, a bug costs one mention."""

from __future__ import annotations

import dataclasses

from streams.enrichment import BrandCatalog, Enricher
from streams.pipeline import EnrichStep
from streams.scenarios import build_scenario
from streams.settings import Settings


def step() -> EnrichStep:
    return EnrichStep(Enricher(BrandCatalog.from_yaml(Settings().brands_file)))


def test_each_mention_is_enriched_once_per_brand_and_remembered():
    mentions = build_scenario("demo")[:20]
    batch = step().run(mentions, {})
    assert len(batch.enriched) == 20 and all(found for found in batch.enriched)
    assert batch.seen == {m.id: m.created_at for m in mentions}


def test_an_id_seen_before_or_earlier_in_the_batch_is_a_redelivery():
    first, second = build_scenario("demo")[:2]
    batch = step().run([first, second, dataclasses.replace(second, text="edited")], {first.id: 1})
    assert batch.redelivered == {0, 2} and batch.enriched[0] == batch.enriched[2] == []
    assert set(batch.seen) == {second.id}


def test_a_mention_that_breaks_the_enricher_is_a_failure_and_the_next_goes_on():
    class Broken(Enricher):
        def enrich(self, raw):
            if raw.id == "boom":
                raise RuntimeError("bug")
            return super().enrich(raw)

    good = build_scenario("demo")[0]
    batch = EnrichStep(Broken(BrandCatalog.from_yaml(Settings().brands_file))).run(
        [dataclasses.replace(good, id="boom"), good], {})
    assert [(f.index, f.stage) for f in batch.failures] == [(0, "enrich")]
    assert batch.enriched[1] and "boom" not in batch.seen
