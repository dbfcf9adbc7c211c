"""Helpers for connector tests: a runner over an in-memory log, and reading back what it produced."""

from __future__ import annotations

from streams.app import build_codecs
from streams.connectors.base import Source
from streams.connectors.log import MemoryMentionLog
from streams.connectors.metrics import ConnectorMetrics
from streams.connectors.runner import Backoff, ConnectorRunner
from streams.settings import Settings

SETTINGS = Settings()
CODECS = build_codecs(SETTINGS)
NOW = 1_800_000_000.0  # 2027-01-15: after every recorded payload


class Sleeps:
    """Records the waits the runner asks for and waits a token time instead."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        import asyncio

        self.asked.append(seconds)
        await asyncio.sleep(0)


def make_runner(source: Source, mention_log: MemoryMentionLog | None = None, sleeps: Sleeps | None = None,
                metrics: ConnectorMetrics | None = None) -> ConnectorRunner:
    return ConnectorRunner(source, mention_log or MemoryMentionLog(clock=lambda: NOW), CODECS.raw, CODECS.dead_letter,
                           SETTINGS.topics, metrics or ConnectorMetrics(source.source),
                           backoff=Backoff(initial_seconds=0.01, max_seconds=0.05), wall_clock=lambda: NOW,
                           sleep=sleeps or Sleeps())


async def run_until(runner: ConnectorRunner, condition, timeout: float = 10.0) -> None:
    """Run a connector until ``condition()`` holds, then stop it as SIGTERM would (cancel)."""
    import asyncio

    task = asyncio.create_task(runner.run())
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def produced_ids(mention_log: MemoryMentionLog) -> list[str]:
    return [CODECS.raw.decode(v)["id"] for v in mention_log.values(SETTINGS.topics.raw)]


def dead_letters(mention_log: MemoryMentionLog) -> list[dict]:
    return [CODECS.dead_letter.decode(v) for v in mention_log.values(SETTINGS.topics.dead_letter)]


def metric(metrics: ConnectorMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, {"source": metrics.source, **labels}) or 0.0
