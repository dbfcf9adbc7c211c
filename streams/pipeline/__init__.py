"""The batch pipeline core: what every Snowball run does to a batch of mentions, live or offline.

Pure, deterministic Python over plain data: no Kafka, no clock, no globals. The live worker
(``streams.app``) decodes records, calls these steps and writes what they return to its tables and
topics; ``snowball backtest`` calls the same steps over a file's history. Same input, same alerts.
"""

from streams.pipeline.brand_step import BrandBatch, BrandState, BrandStep, Classify, Failure
from streams.pipeline.enrich_step import EnrichBatch, EnrichStep
from streams.pipeline.order import in_event_order

__all__ = ["BrandBatch", "BrandState", "BrandStep", "Classify", "EnrichBatch", "EnrichStep", "Failure",
           "in_event_order"]
