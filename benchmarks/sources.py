"""Live sources: the webhook's throughput and each connector's CPU per item, each against a same-run baseline.

- **Webhook**: JSON-lines batches POSTed over real HTTP (httpx -> uvicorn, one process, so the client's
  cost is counted too: a conservative figure) to the webhook producing to an in-memory log (the broker is
  not the webhook's cost). Reported: mentions per second of wall clock and per CPU-second, against the
  same records through what `snowball ingest` does per record (validate, Avro-encode) in the same run.
- **Connectors** (Mastodon, Bluesky, X, Reddit, RSS), each with its own seen-ids window (200 to 2,000
  ids) and payloads shaped as the platform sends them. The platform client's own work is decoding what
  came off the wire (``json.loads``; feedparser for a feed): its CPU per item is the baseline. The
  connector's work is the source's per-item code (the client's decoding included, subtracted) and
  ``ConnectorRunner``: dedup, adapter, validation, Avro, cursor written with its window as the broker
  gets it (Avro-encoded), produce to an in-memory log, metrics. Measured on three streams: busy (items
  merged into batches while one is produced), quiet (one item per batch, the next within the runner's
  commit delay: one cursor write per item) and sparse (one item per batch, each followed by the delayed
  write of the committed cursor: two cursor writes per item, the worst case). "Overhead" is the source's
  own work plus the runner's beyond what ``ingest --format`` does per item (the adapter, the validation
  and the Avro encoding: the same code, shared with files, timed alone as "mapping"): the runner is timed
  again with each item's mapping done beforehand, which measures its own work directly.

Each figure is the median of ``--repeats`` runs (the machine is shared: single runs swing).

    .venv/bin/python benchmarks/sources.py [--mentions 20000] [--batch 500] [--items 5000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import feedparser  # noqa: E402
import httpx  # noqa: E402

from streams.app import build_codecs  # noqa: E402
from streams.connectors import mastodon, twitter  # noqa: E402
from streams.connectors.base import Batch, Item  # noqa: E402
from streams.connectors.bluesky import JetstreamSource  # noqa: E402
from streams.connectors.brand_terms import BrandTerms  # noqa: E402
from streams.connectors.cursor import MAX_SEEN_IDS  # noqa: E402
from streams.connectors.log import CURSOR_SCHEMA, CURSOR_TOPIC, MemoryMentionLog  # noqa: E402
from streams.connectors.mastodon import MastodonSource  # noqa: E402
from streams.connectors.metrics import ConnectorMetrics  # noqa: E402
from streams.connectors.reddit import Credentials, Listing, RedditSource  # noqa: E402
from streams.connectors.rss import FeedSource  # noqa: E402
from streams.connectors.runner import ConnectorRunner  # noqa: E402
from streams.models.parse import decode_json, parse_raw_mention  # noqa: E402
from streams.serialization.avro import SchemaStore, make_codec  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.sources import ADAPTERS  # noqa: E402
from streams.webhook.app import create_app  # noqa: E402
from streams.webhook.tokens import Tokens  # noqa: E402
from tests.connectors.fake_feeds import rss_item  # noqa: E402
from tests.connectors.fake_jetstream import post  # noqa: E402
from tests.connectors.fake_mastodon import status  # noqa: E402
from tests.connectors.fake_reddit import comment  # noqa: E402
from tests.connectors.fake_x import tweet_event  # noqa: E402
from tests.webhook.support import serving  # noqa: E402

SETTINGS = Settings()
CODECS = build_codecs(SETTINGS)
CURSOR_CODEC = make_codec(SchemaStore(SETTINGS.schema_dir), CURSOR_SCHEMA, CURSOR_TOPIC)
NOW = 1_800_000_000.0
TOKEN = "bench-token-0123456789abcdef"
FEED_ENTRIES = 50
STREAMS = ("busy", "quiet", "sparse")  # a feed's usual length: each poll answers the whole feed


def mention_lines(count: int) -> list[bytes]:
    return [json.dumps({"id": f"b{n}", "source": "api", "text": f"@acme_support la fibre est en panne depuis {n} jours",
                        "created_at": "2026-03-02T07:41:12Z", "lang_hint": "fr",
                        "author": {"id": str(n % 997), "handle": f"user{n % 997}", "followers": n % 5000},
                        "engagement": {"likes": n % 40, "reposts": n % 7}}).encode() for n in range(count)]


def ingest_baseline(lines: list[bytes]) -> float:
    start = time.process_time()
    for line in lines:
        mention = parse_raw_mention(decode_json(line), now_ms=int(NOW * 1000))
        CODECS.raw.encode(mention.to_record())
    return time.process_time() - start


def webhook(lines: list[bytes], batch: int) -> tuple[float, float, int]:
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    app = create_app(Tokens.parse(TOKEN, "bench"), mention_log, CODECS.raw, CODECS.dead_letter, SETTINGS.topics,
                     max_body_bytes=16 << 20, requests_per_second=1_000_000, wall_clock=lambda: NOW)
    bodies = [b"\n".join(lines[i:i + batch]) for i in range(0, len(lines), batch)]
    with serving(app) as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        client.post("/mentions", content=bodies[0])  # warm-up
        mention_log.records.clear()
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        for body in bodies:
            assert client.post("/mentions", content=body).status_code == 202
        wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    return wall, cpu, sum(1 for _at, (topic, _k, _v) in mention_log.records if topic == SETTINGS.topics.raw)


@dataclass
class Platform:
    """One connector as the benchmark drives it. ``wire`` is what the platform sends (one unit per item, or
    pages) and ``client`` what the platform's client library does with a unit. ``source`` is the source's
    code from the wire to its items, ``(item, position)``: where it calls the client inside (a Jetstream
    message, a streamed X line, a Reddit page) its own work is ``source`` minus ``client``; where it
    takes the client's result (``own``: a Mastodon status, a parsed feed) its own work is timed alone."""

    name: str
    adapter: str
    seen_capacity: int
    wire: list[Any]
    client: Callable[[Any], Any]
    source: Callable[[list[Any]], list[tuple[Item, str]]]
    own: Callable[[list[Any]], list[tuple[Item, str]]] | None = None


def _feed(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<channel><title>Presse Example</title><link>https://presse.example/</link><language>fr-FR</language>"
            + "".join(entries) + "</channel></rss>").encode()


def _parse_feed(page: bytes) -> Any:
    """feedparser as the RSS source calls it, with the headers of the answer."""
    return feedparser.parse(page, response_headers=dict(httpx.Response(200, content=page).headers))


def platforms(count: int) -> list[Platform]:
    bluesky = JetstreamSource(BrandTerms({"acme": ("Acme", "acme_support")}).pattern())
    reddit = RedditSource(Credentials("bench", "bench"), [Listing.subreddit_comments("france")])
    feeds = FeedSource("https://presse.example/feed.xml")
    pages = [{"kind": "Listing", "data": {"children": [comment(n) for n in range(i, min(i + 100, count))]}}
             for i in range(0, count, 100)]

    def mastodon_items(statuses: list[Any]) -> list[tuple[Item, str]]:
        return [(item, item.id) for item in map(mastodon._item, statuses)]

    def bluesky_items(wire: list[str]) -> list[tuple[Item, str]]:
        return [(item, str(time_us)) for item, time_us in map(bluesky._item, wire)]

    def reddit_items(wire: list[bytes]) -> list[tuple[Item, str]]:
        return [(item, item.id) for page in wire
                for item in reddit._new_items(httpx.Response(200, content=page), None)[0]]

    def feed_items(parsed_pages: list[Any]) -> list[tuple[Item, str]]:
        return [(item, item.id) for parsed in parsed_pages for item in feeds.items_of(parsed)]

    return [
        Platform("mastodon", "mastodon", MastodonSource.seen_capacity,
                 [json.dumps(status(n)) for n in range(count)], json.loads,
                 lambda wire: [(item, item.id) for item in map(mastodon._stream_item, wire)], mastodon_items),
        Platform("bluesky", "bluesky", JetstreamSource.seen_capacity,
                 [json.dumps(post(n, f"Acme : toujours pas de fibre ({n})")) for n in range(count)], json.loads,
                 bluesky_items),
        Platform("twitter", "twitter-v2", MAX_SEEN_IDS, [json.dumps(tweet_event(n)) for n in range(count)],
                 json.loads, lambda wire: [(item, item.id) for item in map(twitter._item, wire)]),
        Platform("reddit", "reddit", RedditSource.seen_capacity, [json.dumps(p).encode() for p in pages], json.loads,
                 reddit_items),
        Platform("rss", "rss", MAX_SEEN_IDS,
                 [_feed([rss_item(n) for n in range(i, min(i + FEED_ENTRIES, count))])
                  for i in range(0, count, FEED_ENTRIES)], _parse_feed,
                 lambda wire: feed_items([_parse_feed(page) for page in wire]), feed_items),
    ]


class _Replay:
    """A source whose batches are ready: the runner's own cost, without the network."""

    def __init__(self, platform: Platform, batches: list[Batch]) -> None:
        self.connector_id = self.source = platform.name
        self.adapter = platform.adapter
        self.seen_capacity = platform.seen_capacity
        self._batches = batches

    async def batches(self, position):
        for batch in self._batches:
            yield batch


def _runner(platform: Platform, batches: list[Batch], mapped: dict[str, Any] | None = None) -> ConnectorRunner:
    mention_log = MemoryMentionLog(clock=lambda: NOW, cursor_codec=CURSOR_CODEC)  # cursors Avro-encoded as live
    runner = ConnectorRunner(_Replay(platform, batches), mention_log, CODECS.raw, CODECS.dead_letter,
                             SETTINGS.topics, ConnectorMetrics(platform.name), wall_clock=lambda: NOW)
    if mapped is not None:
        runner._map = lambda item, now_ms: mapped[item.id]
    return runner


def _cpu(work: Callable[[], Any]) -> float:
    """CPU seconds of ``work``, the garbage collector held off as timeit does (its pauses land anywhere)."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        work()
        return time.process_time() - start
    finally:
        gc.enable()


def connector(platform: Platform) -> dict[str, float]:
    """CPU seconds per item of: the platform client, the source's own per-item work, the mapping alone, and
    the runner on a busy, a quiet and a sparse stream."""
    platform.source(platform.wire[:3])  # warm-up: lazy imports and compiled patterns are not per-item costs
    decoded: list[Any] = []
    figures = {"client": _cpu(lambda: decoded.extend(platform.client(unit) for unit in platform.wire))}
    yielded: list[tuple[Item, str]] = []
    if platform.own is not None:
        figures["own"] = _cpu(lambda: yielded.extend(platform.own(decoded)))
    else:
        figures["own"] = _cpu(lambda: yielded.extend(platform.source(platform.wire))) - figures["client"]
    count = len(yielded)
    adapter, now_ms = ADAPTERS[platform.adapter], int(NOW * 1000)

    def mapping() -> None:
        for item, _position in yielded:
            for record in adapter.records(item.payload):
                CODECS.raw.encode(parse_raw_mention(record, now_ms=now_ms).to_record())

    figures["mapping"] = _cpu(mapping)
    one_by_one_batches = [Batch([item], position) for item, position in yielded]
    mapped = {item.id: _runner(platform, [])._map(item, now_ms) for item, _position in yielded}
    for mapping_done in (False, True):
        # With the mapping done beforehand (looked up by id), the runner's time is its own overhead, measured
        # directly rather than as the difference of two figures that swing with the machine.
        suffix = " alone" if mapping_done else ""
        busy = _runner(platform, one_by_one_batches, mapped if mapping_done else None)
        figures["busy" + suffix] = _cpu(lambda busy=busy: asyncio.run(busy.run()))
        assert len(busy.log.values(SETTINGS.topics.raw)) == count
        for name, delayed_write in (("quiet", False), ("sparse", True)):
            runner = _runner(platform, [], mapped if mapping_done else None)

            async def one_by_one(runner: ConnectorRunner = runner, delayed_write: bool = delayed_write) -> None:
                for batch in one_by_one_batches:
                    await runner.handle(batch)
                    if delayed_write:  # what the delay's timer does when no item follows in COMMIT_DELAY_SECONDS
                        await runner._write_commit()

            figures[name + suffix] = _cpu(lambda one_by_one=one_by_one: asyncio.run(one_by_one()))
            assert len(runner.log.values(SETTINGS.topics.raw)) == count
    return {name: seconds / count for name, seconds in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    lines = mention_lines(args.mentions)
    runs = []
    for _ in range(args.repeats):
        base_cpu = ingest_baseline(lines)
        wall, cpu, produced = webhook(lines, args.batch)
        assert produced == len(lines)
        runs.append((len(lines) / wall, len(lines) / cpu, len(lines) / base_cpu, base_cpu / cpu))
    wall_rate, cpu_rate, base_rate, ratio = (statistics.median(r[i] for r in runs) for i in range(4))
    print(f"webhook, batches of {args.batch} (median of {args.repeats}): {wall_rate:,.0f} mentions/s wall, "
          f"{cpu_rate:,.0f} per CPU-second (server and client in one process; target >= 5,000/s)")
    print(f"  baseline, ingest's per-record work alone: {base_rate:,.0f} per CPU-second; "
          f"webhook/baseline = {ratio:.2f}")

    print(f"connectors, us of CPU per item (median of {args.repeats}); overhead = what the connector adds on top "
          f"of the platform client and of the mapping ingest --format does (target < 50):")
    print(f"  {'source':<9} {'window':>6} {'client':>7} {'own':>5} {'mapping':>8}"
          + "".join(f" {n:>7} {'overhead':>9}" for n in STREAMS))
    for platform in platforms(args.items):
        samples = [connector(platform) for _ in range(args.repeats)]
        us = {k: statistics.median(s[k] for s in samples) * 1e6 for k in samples[0]}
        overhead = {name: statistics.median((s["own"] + s[name + " alone"]) * 1e6 for s in samples)
                    for name in STREAMS}
        print(f"  {platform.name:<9} {platform.seen_capacity:>6} {us['client']:>7.1f} {us['own']:>5.1f} "
              f"{us['mapping']:>8.1f}" + "".join(f" {us[n]:>7.1f} {overhead[n]:>9.1f}" for n in STREAMS))
    print("  client: the platform client's decoding; own: the source's per-item code beyond it; mapping: what "
          "ingest --format does;\n  busy / quiet / sparse: the runner, mapping included; overhead: own + the "
          "runner with the mapping done beforehand (target < 50)")


if __name__ == "__main__":
    main()
