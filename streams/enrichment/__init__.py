"""Enrichment: which brands and topics a mention is about, and the context detection needs."""

from streams.enrichment.authors import AuthorHistory, author_tier, update_author_history
from streams.enrichment.brands import Brand, BrandCatalog, BrandMatch, fold
from streams.enrichment.cascades import CascadeSummary, update_cascades
from streams.enrichment.context import ContextConfig, update_brand_context
from streams.enrichment.enricher import Enricher
from streams.enrichment.near_duplicates import fingerprint, mark_near_duplicate
from streams.enrichment.privacy import PiiKind, PiiMasker
from streams.enrichment.text import normalize_text

__all__ = [
    "AuthorHistory",
    "Brand",
    "BrandCatalog",
    "BrandMatch",
    "CascadeSummary",
    "ContextConfig",
    "Enricher",
    "PiiKind",
    "PiiMasker",
    "author_tier",
    "fingerprint",
    "fold",
    "mark_near_duplicate",
    "normalize_text",
    "update_author_history",
    "update_brand_context",
    "update_cascades",
]
