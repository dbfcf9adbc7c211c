"""docker-compose.yml's structure (no Docker engine here): services, KRaft, wiring, mounts, ports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ops_support import ALERTMANAGER_DIR, PROMETHEUS_DIR, REPO

from streams.settings import TopicSettings

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
EXPECTED = {"kafka", "schema-registry", "kafka-init", "worker", "simulator", "prometheus", "alertmanager", "grafana"}


def env(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in SERVICES[service].get("environment", {}).items()}


def command_text(service: str) -> str:
    command = SERVICES[service].get("command", [])
    return " ".join(command) if isinstance(command, list) else str(command)


def bind_mounts() -> list[tuple[str, str, str]]:
    """(service, host path, container path) of every bind mount."""
    mounts = []
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if source.startswith((".", "/")):
                mounts.append((name, source, target))
    return mounts


def test_all_services_are_there() -> None:
    assert EXPECTED <= set(SERVICES)
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown service {dependency}"


def test_kafka_runs_in_kraft_mode_from_the_official_image() -> None:
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")
    kafka = env("kafka")
    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(kafka["KAFKA_NODE_ID"] + "@kafka:")
    assert not any("zookeeper" in name or "ZOOKEEPER" in " ".join(env(name)) for name in SERVICES)


def test_schema_registry_is_confluent_compatible_and_on_the_broker() -> None:
    assert "schema-registry" in SERVICES["schema-registry"]["image"]
    assert env("schema-registry")["SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"].endswith("kafka:19092")


def test_topic_init_creates_every_pipeline_topic() -> None:
    topics = TopicSettings()
    script = command_text("kafka-init")
    assert "kafka-topics.sh" in script and "--if-not-exists" in script
    for topic in (topics.raw, topics.enriched, topics.classified, topics.alerts, topics.dead_letter):
        assert re.search(rf"(^|\s){re.escape(topic)}(\s|;|$)", script), f"{topic} not created"
    partitions = env("worker")["SNOWBALL_TOPICS__PARTITIONS"]
    assert f"--partitions {partitions}" in script


def test_worker_and_simulator_built_from_the_repo_dockerfile() -> None:
    build = SERVICES["worker"]["build"]
    assert (REPO / build["context"] / build["dockerfile"]).is_file()
    assert SERVICES["simulator"]["image"] == SERVICES["worker"]["image"]
    assert command_text("worker") == "worker"
    assert "snowball simulate" in command_text("simulator") and "snowball ingest" in command_text("simulator")
    advertised = env("kafka")["KAFKA_ADVERTISED_LISTENERS"]
    for service in ("worker", "simulator"):
        variables = env(service)
        assert f"://{variables['SNOWBALL_BROKER']}" in advertised
        assert variables["SNOWBALL_SCHEMA_REGISTRY_URL"] == "http://schema-registry:8081"
    assert env("worker")["SNOWBALL_METRICS_HOST"] == "0.0.0.0"
    assert "9108" in [str(p) for p in SERVICES["worker"]["expose"]]


def test_dockerfile_copies_what_the_wheel_needs() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for source in re.findall(r"^COPY\s+(.+?)\s+\S+$", dockerfile, re.MULTILINE):
        for path in source.split():
            assert (REPO / path).exists(), f"Dockerfile copies missing {path}"
            assert path not in ignored, f"{path} is excluded by .dockerignore"
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)


@pytest.mark.parametrize(("service", "source", "target"), bind_mounts())
def test_every_mounted_file_exists(service: str, source: str, target: str) -> None:
    assert (REPO / source).exists(), f"{service} mounts missing {source}"


def test_prometheus_wiring() -> None:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    targets = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert targets == ["alertmanager:9093"]
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "snowball")
    assert job["dns_sd_configs"][0]["names"] == ["worker"] and job["dns_sd_configs"][0]["port"] == 9108
    mounts = {target: source for name, source, target in bind_mounts() if name == "prometheus"}
    rules_dir = Path(config["rule_files"][0]).parent.as_posix()
    assert mounts[rules_dir] == "./deploy/prometheus/rules"
    assert mounts["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus/prometheus.yml"


def test_alertmanager_mounts_what_its_config_references() -> None:
    text = (ALERTMANAGER_DIR / "alertmanager.yml").read_text()
    mounts = {target: source for name, source, target in bind_mounts() if name == "alertmanager"}
    for directory in set(re.findall(r"(/etc/alertmanager/\w+)/", text)):
        assert directory in mounts, f"{directory} is referenced but not mounted"


def test_published_ports_are_documented() -> None:
    docs = (REPO / "docs" / "ops.md").read_text()
    for name, service in SERVICES.items():
        for mapping in service.get("ports", []):
            host_port = str(mapping).split(":")[0]
            assert re.search(rf"\|\s*`?{name}`?\s*\|\s*{host_port}\b", docs), f"port {host_port} of {name} undocumented"
    assert "9108" in docs


def test_kafka_keeps_its_log_directory_on_the_mounted_volume() -> None:
    # Any KAFKA_* variable replaces the image's default configuration whole: log.dirs must be set, or Kafka
    # writes to /tmp/kafka-logs inside the container and the volume stays empty.
    log_dirs = env("kafka")["KAFKA_LOG_DIRS"].split(",")
    volumes = {target: source for source, target in (v.split(":")[:2] for v in SERVICES["kafka"]["volumes"])}
    for directory in log_dirs:
        assert any(directory == target or directory.startswith(target.rstrip("/") + "/") for target in volumes), (
            f"Kafka log directory {directory} is not on a mounted volume ({', '.join(volumes)})")
    assert all(volumes[target] in COMPOSE["volumes"] for target in volumes if not volumes[target].startswith("."))
    # A re-created container formats nothing: the cluster id of the kept log directory must stay the same.
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env("kafka")["CLUSTER_ID"])


def test_the_simulator_waits_for_a_worker_that_reads_its_partitions() -> None:
    check = SERVICES["worker"]["healthcheck"]
    assert check["test"] == ["CMD", "python", "-m", "streams.app.health", "ready"]
    assert SERVICES["simulator"]["depends_on"]["worker"]["condition"] == "service_healthy"
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r'^HEALTHCHECK .*\\\n\s+CMD \["python", "-m", "streams.app.health", "ready"\]', dockerfile,
                     re.MULTILINE)
    # The probe asks the port the worker serves on, from the same variable.
    assert env("worker")["SNOWBALL_METRICS_PORT"] == "9108" and "SNOWBALL_METRICS_PORT=9108" in dockerfile
