"""Helpers shared by tests of several packages."""

from __future__ import annotations

import io
from pathlib import Path

import fastavro
from fastavro.schema import fingerprint, load_schema, to_parsing_canonical_form

from streams.app import Stages, build_codecs
from streams.classification import load_classifier
from streams.detection import SnowballDetector
from streams.enrichment import BrandCatalog, Enricher
from streams.metrics import PipelineMetrics
from streams.settings import Settings


def make_stages(settings: Settings | None = None) -> tuple[Stages, PipelineMetrics]:
    settings = settings or Settings()
    catalog = BrandCatalog.from_yaml(settings.brands_file)
    metrics = PipelineMetrics(catalog.ids, topics=settings.topics)
    stages = Stages(
        codecs=build_codecs(settings),
        enricher=Enricher(catalog),
        classifier=load_classifier(None),
        detector=SnowballDetector(brand_names=catalog.own_names()),
        metrics=metrics,
        wall_clock_ms=lambda: 1_800_000_000_000,
    )
    return stages, metrics


SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def plain_fastavro_decode(data: bytes) -> dict:
    """What a downstream consumer with nothing but the .avsc files and fastavro does."""
    assert data[:2] == b"\xc3\x01", "Avro single-object marker"
    by_fingerprint = {}
    for path in SCHEMA_DIR.glob("*.avsc"):
        schema = load_schema(str(path))
        by_fingerprint[bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))] = schema
    return fastavro.schemaless_reader(io.BytesIO(data[10:]), by_fingerprint[data[2:10]], None)
