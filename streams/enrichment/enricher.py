"""Enrichment core: a raw mention becomes one enriched mention per brand it is about.

Stateless and pure: brands and topics, normalised text, personal data masked, relation to the
parent post, author tier, near-duplicate fingerprint. What needs per-brand state (the
cascade a mention belongs to, whether it nearly copies a recent one, the author's history)
is added downstream, where the topics are keyed by brand: see ``context`` and ``authors``.
"""

from __future__ import annotations

from streams.enrichment.authors import author_tier
from streams.enrichment.brands import BrandCatalog, terms_found
from streams.enrichment.near_duplicates import fingerprint
from streams.enrichment.privacy import PiiMasker
from streams.enrichment.text import normalize_text
from streams.enrichment.threads import relation_of
from streams.models import EnrichedMention, Enrichment, RawMention
from streams.models.mention import replaced

__all__ = ["Enricher", "author_tier"]


class Enricher:
    """Pure: the same mention and catalog always give the same enriched mentions."""

    def __init__(self, catalog: BrandCatalog, masker: PiiMasker | None = None) -> None:
        self.catalog = catalog
        self.masker = masker or PiiMasker()

    def enrich(self, mention: RawMention) -> list[EnrichedMention]:
        handle = mention.author.handle if mention.author else None
        author_id = mention.author.id if mention.author else None
        matches = self.catalog.analyse(mention.text, mention.brand_hint)
        brands = [m.brand_id for m in matches]
        # A brand's own account speaks for that brand even when its reply does not name it.
        own_accounts_of = self.catalog.owners_of(handle, author_id)
        owners = [b for b in own_accounts_of if b not in brands]
        if not brands and not owners:
            return []
        topics_by_brand = {m.brand_id: m for m in matches}
        brands += owners
        masked = self.masker.mask(mention.text)
        normalized = normalize_text(masked.text)
        relation, parent = relation_of(mention)
        tier = author_tier(mention)
        fp = fingerprint(normalized)
        # Mentions are never changed in place: one that masking and ownership leave as it is goes on as it is,
        # instead of an equal copy per brand.
        as_masked = mention if masked.text == mention.text else replaced(mention, text=masked.text)
        out = []
        for brand_id in brands:
            brand = self.catalog.brands[brand_id]
            match = topics_by_brand.get(brand_id)
            is_own = mention.from_brand_account or brand_id in own_accounts_of
            out.append(
                EnrichedMention(
                    mention=as_masked if is_own == as_masked.from_brand_account else replaced(
                        as_masked, from_brand_account=is_own),
                    enrichment=Enrichment(
                        brand_id=brand_id,
                        brands=list(brands),
                        topics=list(match.topics) if match else self.catalog.topics(brand_id, mention.text),
                        terms=terms_found(match, brand, mention.text) if match else [],
                        normalized_text=normalized,
                        root_id=parent,
                        relation=relation.value,
                        is_brand_account=is_own,
                        author_tier=tier,
                        fingerprint=fp,
                        pii_masked=masked.total,
                        pii_by_kind=dict(masked.counts),
                    ),
                )
            )
        return out
