"""Helpers shared by tests of several packages."""

from __future__ import annotations

from streams.app import Stages, build_codecs
from streams.classification import load_classifier
from streams.detection import SnowballDetector
from streams.enrichment import BrandCatalog, Enricher
from streams.metrics import PipelineMetrics
from streams.settings import Settings


def make_stages(settings: Settings | None = None) -> tuple[Stages, PipelineMetrics]:
    settings = settings or Settings()
    catalog = BrandCatalog.from_yaml(settings.brands_file)
    metrics = PipelineMetrics(catalog.ids)
    stages = Stages(
        codecs=build_codecs(settings),
        enricher=Enricher(catalog),
        classifier=load_classifier(None),
        detector=SnowballDetector(),
        metrics=metrics,
        wall_clock_ms=lambda: 1_800_000_000_000,
    )
    return stages, metrics
