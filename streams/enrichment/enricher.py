"""Enrichment core: a raw mention becomes one enriched mention per brand it is about."""

from __future__ import annotations

from dataclasses import replace

from streams.enrichment.brands import BrandCatalog, fold
from streams.models import EnrichedMention, Enrichment, RawMention

_TIERS = ((1_000_000, "large"), (10_000, "medium"), (0, "small"))


def author_tier(mention: RawMention) -> str:
    if mention.author is None:
        return "unknown"
    if mention.author.verified:
        return "verified"
    return next(tier for floor, tier in _TIERS if mention.author.followers >= floor)


class Enricher:
    """Pure: the same mention and catalog always give the same enriched mentions."""

    def __init__(self, catalog: BrandCatalog) -> None:
        self.catalog = catalog

    def enrich(self, mention: RawMention) -> list[EnrichedMention]:
        handle = mention.author.handle if mention.author else None
        brands = self.catalog.match(mention.text, mention.brand_hint)
        # A brand's own account speaks for that brand even when its reply does not name it.
        brands += [b for b in self.catalog.owners_of(handle) if b not in brands]
        normalized = fold(mention.text)
        root_id = mention.reposts_id or mention.quotes_id or mention.in_reply_to_id or mention.id
        out = []
        for brand_id in brands:
            is_own = mention.from_brand_account or self.catalog.brands[brand_id].is_own_account(handle)
            out.append(
                EnrichedMention(
                    mention=replace(mention, from_brand_account=is_own),
                    enrichment=Enrichment(
                        brand_id=brand_id,
                        brands=list(brands),
                        topics=self.catalog.topics(brand_id, mention.text),
                        normalized_text=normalized,
                        root_id=root_id,
                        is_brand_account=is_own,
                        author_tier=author_tier(mention),
                    ),
                )
            )
        return out
