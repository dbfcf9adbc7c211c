"""One typed settings object, read from ``SNOWBALL_*`` environment variables and CLI flags."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.detection.config import DetectorConfig
from streams.timeunits import HOUR_MS, MINUTE_MS

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


_DEFAULTS = DetectorConfig()


class DetectionSettings(BaseModel):
    """The detector knobs a team tunes, in human units; everything else keeps ``DetectorConfig``'s defaults.

    The same values reach the live worker (``SNOWBALL_DETECTION__*``) and ``snowball backtest`` (also ``--set``),
    so a threshold tried on history is the one that runs. The time grid (buckets, horizon) is not here: a state
    in a changelog is laid out on it.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    answer_deadline_minutes: float = Field(_DEFAULTS.answer_deadline_ms / MINUTE_MS, ge=1,
                                           description="A complaint with no reply from the brand this long alerts.")
    # At least a minute: an evaluation is at most once an event-time minute, and 0 would re-send every one.
    update_interval_minutes: float = Field(_DEFAULTS.update_interval_ms / MINUTE_MS, ge=1,
                                           description="Same-severity updates of an episode at most this often.")
    resolve_hold_minutes: float = Field(_DEFAULTS.resolve_hold_ms / MINUTE_MS, ge=0,
                                        description="Calm must last this long before an episode resolves.")
    reopen_window_minutes: float = Field(_DEFAULTS.reopen_window_ms / MINUTE_MS, ge=0,
                                         description="A wave back this soon after resolving keeps its alert id.")
    brand_silence_minutes: float = Field(_DEFAULTS.brand_silence_ms / MINUTE_MS, ge=1,
                                         description="A warning or critical wave with no public word from the "
                                                     "brand this long alerts the community managers.")
    watch_glr: float = Field(_DEFAULTS.watch_glr, gt=0, description="Volume evidence (GLR) a watch needs.")
    warning_glr: float = Field(_DEFAULTS.warning_glr, gt=0, description="...a warning needs.")
    critical_glr: float = Field(_DEFAULTS.critical_glr, gt=0, description="...a critical needs.")
    repeat_count: int = Field(_DEFAULTS.repeat_count, ge=2, le=50,  # each author's state keeps this many times
                              description="Negative mentions by one author that make a repeat critic...")
    repeat_window_hours: float = Field(_DEFAULTS.repeat_window_ms / HOUR_MS, gt=0, le=24 * 31,
                                       description="...within this.")
    # At most the very-high-reach level (1M): enrichment marks such authors "large", and they always alert.
    high_reach_followers: int = Field(_DEFAULTS.high_reach_followers, ge=1, le=_DEFAULTS.very_high_reach_followers,
                                      description="Followers from which a negative post alerts on its own.")

    @model_validator(mode="after")
    def _levels_in_order(self) -> DetectionSettings:
        # Above the level an episode resolves under (resolve_glr), or open and resolve would chase each other.
        if not _DEFAULTS.resolve_glr < self.watch_glr <= self.warning_glr <= self.critical_glr:
            raise ValueError(f"resolve_glr ({_DEFAULTS.resolve_glr:g}) < watch_glr <= warning_glr <= critical_glr "
                             f"is needed, got {self.watch_glr:g}, {self.warning_glr:g}, {self.critical_glr:g}")
        return self

    def to_config(self, base: DetectorConfig = _DEFAULTS) -> DetectorConfig:
        return dataclasses.replace(
            base,
            answer_deadline_ms=round(self.answer_deadline_minutes * MINUTE_MS),
            update_interval_ms=round(self.update_interval_minutes * MINUTE_MS),
            resolve_hold_ms=round(self.resolve_hold_minutes * MINUTE_MS),
            reopen_window_ms=round(self.reopen_window_minutes * MINUTE_MS),
            brand_silence_ms=round(self.brand_silence_minutes * MINUTE_MS),
            watch_glr=self.watch_glr, warning_glr=self.warning_glr, critical_glr=self.critical_glr,
            repeat_count=self.repeat_count, repeat_window_ms=round(self.repeat_window_hours * HOUR_MS),
            high_reach_followers=self.high_reach_followers,
        )


class GroupSettings(BaseModel):
    """The consumer group's timeouts. Short by default: a worker that dies is replaced within seconds (the session
    timeout, then a rebalance), on Apache Kafka as on the embedded broker."""

    # 6 s: Apache Kafka's default floor (group.min.session.timeout.ms). Heartbeats come from Faust's consumer
    # thread, whatever the batch at hand; the embedded broker adds ~5 s to every join on top of this.
    session_timeout_seconds: float = Field(6.0, ge=1, le=300,
                                           description="A worker silent this long leaves the group.")
    heartbeat_interval_seconds: float = Field(1.0, gt=0, le=60)
    rebalance_timeout_seconds: float = Field(10.0, ge=1, le=300,
                                             description="How long a rebalance waits for members to rejoin.")

    @model_validator(mode="after")
    def _heartbeats_fit(self) -> GroupSettings:
        if self.heartbeat_interval_seconds * 3 > self.session_timeout_seconds:
            raise ValueError("heartbeat_interval_seconds must be at most a third of session_timeout_seconds")
        return self


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
    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    metrics_port: int = Field(9108, ge=0, description="Port of the /metrics endpoint; 0 disables it.")
    metrics_host: str = "127.0.0.1"
    model_dir: Path | None = Field(None, description="Classifier model directory; unset uses the built-in model.")
    group: GroupSettings = Field(default_factory=GroupSettings)
    classify_batch_size: int = Field(256, ge=1, description="Mentions per classifier call.")
    consume_batch_size: int = Field(2000, ge=1, le=100_000,
                                    description="Records the worker reads at most per batch (one commit each).")
    reorder_hold_seconds: float = Field(
        2.0, ge=0, le=60,
        description="Wall time each enriched mention waits before classification, so that the mentions of a "
                    "burst or a replay, merged out of order from the raw partitions, go on in event order.",
    )
    data_dir: Path = Field(Path("/tmp/snowball"), description="Faust's local state directory.")
    log_level: str = "INFO"
