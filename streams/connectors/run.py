"""Run a source until it stops: the shell around ``ConnectorRunner`` that the CLI and compose services use."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from streams.connectors.base import Source
from streams.connectors.log import CURSOR_SCHEMA, CURSOR_TOPIC, KafkaMentionLog
from streams.connectors.metrics import ConnectorMetrics
from streams.connectors.runner import ConnectorRunner
from streams.settings import Settings

log = logging.getLogger(__name__)


def read_secret(env_name: str, file: Path | None, environ: dict[str, str]) -> str | None:
    """A credential from its file (a mounted secret) or its environment variable: never from a flag (ps shows
    flags to every user of the machine)."""
    if file is not None:
        return file.read_text(encoding="utf-8").strip() or None
    return environ.get(env_name) or None


def run_sources(sources: list[Source], settings: Settings, *, metrics_port: int = 0,
                cursor_topic: str = CURSOR_TOPIC) -> None:
    """Run every source concurrently (one cursor each) until they end, a fatal error, or SIGTERM/SIGINT."""
    from prometheus_client import CollectorRegistry, start_http_server

    from streams.app import build_codecs
    from streams.serialization.avro import SchemaStore, make_codec

    codecs = build_codecs(settings)
    cursor_codec = make_codec(SchemaStore(settings.schema_dir), CURSOR_SCHEMA, cursor_topic,
                              settings.schema_registry_url)
    registry = CollectorRegistry()
    metrics = ConnectorMetrics(sources[0].source, registry)
    if metrics_port:
        start_http_server(metrics_port, registry=registry)
    runners = [ConnectorRunner(source, KafkaMentionLog(settings.broker, cursor_codec, cursor_topic), codecs.raw,
                               codecs.dead_letter, settings.topics, metrics) for source in sources]

    async def main() -> None:
        tasks = [asyncio.create_task(runner.run()) for runner in runners]
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: [t.cancel() for t in tasks])
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            log.info("stopped")
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
