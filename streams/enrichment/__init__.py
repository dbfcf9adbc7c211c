"""Enrichment: which brands and topics a mention is about, and the context detection needs."""

from streams.enrichment.brands import Brand, BrandCatalog, fold
from streams.enrichment.enricher import Enricher, author_tier

__all__ = ["Brand", "BrandCatalog", "Enricher", "author_tier", "fold"]
