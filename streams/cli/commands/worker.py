"""snowball worker: run the pipeline (enrichment, then classification and detection) against Kafka."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from streams.cli.options import build_settings, settings_options

if TYPE_CHECKING:
    from streams.settings import TopicSettings


@click.command(name="worker")
@settings_options
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Classifier model directory (default: the built-in model). [env SNOWBALL_MODEL_DIR]")
@click.option("--metrics-port", type=int, help="Port of /metrics; 0 disables it. [env SNOWBALL_METRICS_PORT]")
@click.option("--partitions", type=int,
              help="Partitions of pipeline topics and tables. [env SNOWBALL_TOPICS__PARTITIONS]")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def command(**flags: object) -> None:
    """Run the pipeline against the configured Kafka (or an embedded broker when none is configured).

    Creates missing topics (Faust's changelogs included) with the partition counts it needs,
    serves Prometheus metrics, and stops cleanly on SIGTERM or Ctrl-C. Workers with the same app id
    split the partitions between them, and take over those of one that stops or dies.
    """
    from importlib.metadata import version

    import faust

    from streams.app import build_stages, create_app, topic_specs
    from streams.app.collector import settle_after_startup
    from streams.app.health import WorkerHealth
    from streams.enrichment import BrandCatalog
    from streams.kafka.admin import ensure_topics
    from streams.kafka.broker_watch import BrokerWatch
    from streams.kafka.clients import check_reachable
    from streams.kafka.embedded import EmbeddedBroker, is_embedded
    from streams.metrics import PipelineMetrics

    partitions = flags.pop("partitions")
    settings = build_settings(**flags)
    if partitions is not None:
        settings.topics = _with_partitions(settings.topics, partitions)
    if settings.broker:
        check_reachable(settings.broker)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    metrics = PipelineMetrics(BrandCatalog.from_yaml(settings.brands_file).ids, topics=settings.topics)
    stages = build_stages(settings, metrics)
    metrics.set_info(version("snowball-streams"), stages.classifier.name, stages.classifier.version)
    health = WorkerHealth()
    if settings.metrics_port:  # before any broker is started: a port in use stops the worker at once
        metrics.serve(settings.metrics_port, settings.metrics_host, health)
    with contextlib.ExitStack() as stack:
        bootstrap = settings.broker
        if not bootstrap:
            broker = stack.enter_context(EmbeddedBroker())
            bootstrap = broker.bootstrap
            click.echo(f"no --broker given: embedded broker on {bootstrap} (in-memory, gone on exit)", err=True)
            embedded = True
        elif embedded := is_embedded(bootstrap):
            logging.getLogger("snowball").info("the broker at %s is another worker's embedded broker: this worker "
                                               "stops if it goes", bootstrap)
        created = ensure_topics(bootstrap, topic_specs(settings))
        if created:
            logging.getLogger("snowball").info("created topics: %s", ", ".join(sorted(created)))
        app = create_app(settings, bootstrap, stages, health)
        BrokerWatch(bootstrap, embedded).install()  # the client modules and their loggers exist now
        settle_after_startup()  # what start-up built stays out of every collection from here
        worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True, redirect_stdouts=False)
        worker.execute_from_commandline()


def _with_partitions(topics: TopicSettings, partitions: int) -> TopicSettings:
    """``topics`` with the --partitions flag, validated as the environment variable is."""
    from pydantic import ValidationError

    from streams.cli.options import describe_errors
    from streams.settings import TopicSettings

    try:
        return TopicSettings.model_validate({**topics.model_dump(), "partitions": partitions})
    except ValidationError as exc:
        raise click.ClickException(f"--partitions: {describe_errors(exc).removeprefix('partitions: ')}") from None
