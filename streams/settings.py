"""One typed settings object, read from ``SNOWBALL_*`` environment variables and CLI flags."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries the schemas inside the package; a source checkout has them at the top level.
DEFAULT_SCHEMA_DIR = next(
    (d for d in (PACKAGE_DIR / "schemas", PACKAGE_DIR.parent / "schemas") if d.is_dir()), PACKAGE_DIR / "schemas"
)
DEFAULT_BRANDS_FILE = PACKAGE_DIR / "config" / "brands.yaml"


class TopicSettings(BaseModel):
    """Topic names and partition counts. Keys: mention id on raw, brand id after enrichment."""

    raw: str = "mentions.raw"
    enriched: str = "mentions.enriched"
    classified: str = "mentions.classified"
    alerts: str = "snowball.alerts"
    dead_letter: str = "snowball.deadletter"
    partitions: int = Field(4, ge=1, description="Partitions of every pipeline topic and table.")
    replication_factor: int = Field(1, ge=1)


class Settings(BaseSettings):
    """Every knob of a Snowball process. Nested fields use ``__``: ``SNOWBALL_TOPICS__RAW``."""

    model_config = SettingsConfigDict(env_prefix="SNOWBALL_", env_nested_delimiter="__", extra="ignore")

    broker: str | None = Field(None, description="Kafka bootstrap servers; unset means start the embedded broker.")
    schema_registry_url: str | None = Field(
        None, description="Confluent Schema Registry URL; unset means Avro single-object encoding."
    )
    schema_dir: Path = Field(DEFAULT_SCHEMA_DIR, description="Directory of the Avro .avsc files.")
    brands_file: Path = Field(DEFAULT_BRANDS_FILE, description="YAML file of the brands to watch.")
    app_id: str = Field("snowball", description="Faust application id (consumer group, table prefix).")
    topics: TopicSettings = Field(default_factory=TopicSettings)
    metrics_port: int = Field(9108, ge=0, description="Port of the /metrics endpoint; 0 disables it.")
    metrics_host: str = "127.0.0.1"
    model_dir: Path | None = Field(None, description="Classifier model directory; unset uses the built-in model.")
    classify_batch_size: int = Field(256, ge=1)
    data_dir: Path = Field(Path("/tmp/snowball"), description="Faust's local state directory.")
    embedded_profile: bool = Field(
        False, description="Short group timeouts suited to the single-node embedded broker."
    )
    log_level: str = "INFO"
