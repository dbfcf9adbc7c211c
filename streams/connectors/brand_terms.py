"""The terms of the brands file a connector selects posts with, where the platform cannot filter for it
(the Bluesky firehose) or needs them spelled as its own rules (X filtered stream)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.enrichment import BrandCatalog


@dataclass(frozen=True)
class BrandTerms:
    """Brand id -> its names, aliases, products, handles and hashtags (without ``@``/``#``)."""

    by_brand: dict[str, tuple[str, ...]]

    @classmethod
    def from_catalog(cls, catalog: BrandCatalog) -> BrandTerms:
        return cls({brand: tuple(dict.fromkeys(t.lstrip("@#").strip() for t in terms if t.lstrip("@#").strip()))
                    for brand, terms in catalog.own_names().items()})

    def pattern(self) -> re.Pattern[str]:
        """Any term, case-insensitive, not inside a longer word: a cheap first cut, the enricher decides."""
        terms = sorted({t for ts in self.by_brand.values() for t in ts}, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)
