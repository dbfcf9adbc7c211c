"""Build the stages of one process from its settings."""

from __future__ import annotations

from streams.app.stages import Codecs, Stages
from streams.classification import load_classifier
from streams.detection import SnowballDetector
from streams.enrichment import BrandCatalog, Enricher
from streams.metrics import PipelineMetrics
from streams.serialization import TOPIC_SCHEMAS, SchemaStore, make_codec
from streams.settings import Settings


def build_codecs(settings: Settings, registry: object | None = None) -> Codecs:
    store = SchemaStore(settings.schema_dir)
    return Codecs(
        **{
            role: make_codec(store, schema, getattr(settings.topics, role), settings.schema_registry_url, registry)
            for role, schema in TOPIC_SCHEMAS.items()
        }
    )


def build_stages(settings: Settings, metrics: PipelineMetrics | None = None) -> Stages:
    catalog = BrandCatalog.from_yaml(settings.brands_file)
    return Stages(
        codecs=build_codecs(settings),
        enricher=Enricher(catalog),
        classifier=load_classifier(settings.model_dir),
        detector=SnowballDetector(settings.detection.to_config(), brand_names=catalog.own_names()),
        metrics=metrics or PipelineMetrics(catalog.ids, topics=settings.topics),
        classify_batch_size=settings.classify_batch_size,
    )
