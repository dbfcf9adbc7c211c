"""Scenario mentions enriched with the sample brands and labelled with their gold tone."""

from __future__ import annotations

from streams.backtest.labels import with_gold
from streams.enrichment import BrandCatalog, Enricher
from streams.models import ClassifiedMention, Sentiment
from streams.scenarios import LabelledScenario
from streams.settings import DEFAULT_BRANDS_FILE


def classified(scenario: LabelledScenario) -> list[ClassifiedMention]:
    enricher = Enricher(BrandCatalog.from_yaml(DEFAULT_BRANDS_FILE))
    return [ClassifiedMention(e.mention, e.enrichment, with_gold(Sentiment(scenario.tones[m.id])))
            for m in scenario.mentions for e in enricher.enrich(m)]
