"""Live sources: the webhook's throughput and a connector's CPU per item, each against a same-run baseline.

- **Webhook**: JSON-lines batches POSTed over real HTTP (httpx -> uvicorn, one process, so the client's
  cost is counted too: a conservative figure) to the webhook producing to an in-memory log (the broker is
  not the webhook's cost). Reported: mentions per second of wall clock and per CPU-second, against the
  same records through what `snowball ingest` does per record (validate, Avro-encode) in the same run.
- **Connector**: a Mastodon status through ``ConnectorRunner.handle`` (dedup, adapter, validation, Avro,
  dead-letter check, cursor begin/commit with its 2,000 seen ids, produce to an in-memory log), in
  batches of 1 (a stream) and 40 (a timeline page). The platform client's own work is decoding the
  status from the wire (``json.loads``): its CPU per item is the baseline, measured in the same run; the
  connector's overhead is the runner's CPU per item, and is compared with it.

    .venv/bin/python benchmarks/sources.py [--mentions 20000] [--batch 500] [--items 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from streams.app import build_codecs  # noqa: E402
from streams.connectors.base import Batch, Item  # noqa: E402
from streams.connectors.log import CURSOR_SCHEMA, CURSOR_TOPIC, MemoryMentionLog  # noqa: E402
from streams.connectors.mastodon import MastodonSource  # noqa: E402
from streams.connectors.metrics import ConnectorMetrics  # noqa: E402
from streams.connectors.runner import ConnectorRunner  # noqa: E402
from streams.models.parse import decode_json, parse_raw_mention  # noqa: E402
from streams.serialization.avro import SchemaStore, make_codec  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.sources import ADAPTERS  # noqa: E402
from streams.webhook.app import create_app  # noqa: E402
from streams.webhook.tokens import Tokens  # noqa: E402
from tests.connectors.fake_mastodon import status  # noqa: E402
from tests.webhook.support import serving  # noqa: E402

SETTINGS = Settings()
CODECS = build_codecs(SETTINGS)
NOW = 1_800_000_000.0
TOKEN = "bench-token-0123456789abcdef"


def mention_lines(count: int) -> list[bytes]:
    return [json.dumps({"id": f"b{n}", "source": "api", "text": f"@acme_support la fibre est en panne depuis {n} jours",
                        "created_at": "2026-03-02T07:41:12Z", "lang_hint": "fr",
                        "author": {"id": str(n % 997), "handle": f"user{n % 997}", "followers": n % 5000},
                        "engagement": {"likes": n % 40, "reposts": n % 7}}).encode() for n in range(count)]


def ingest_baseline(lines: list[bytes]) -> tuple[float, float]:
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for line in lines:
        mention = parse_raw_mention(decode_json(line), now_ms=int(NOW * 1000))
        CODECS.raw.encode(mention.to_record())
    return time.perf_counter() - start_wall, time.process_time() - start_cpu


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


class _Replay:
    """A stream that has its items already: one item per batch, as an SSE or websocket stream yields them."""

    connector_id, source, adapter = "mastodon:tag:bench@local", "mastodon", "mastodon"
    seen_capacity = MastodonSource.seen_capacity

    def __init__(self, statuses: list[dict]) -> None:
        self.statuses = statuses

    async def batches(self, position):
        for value in self.statuses:
            yield Batch([Item(value["id"], value)], value["id"])


def _runner(source: _Replay) -> ConnectorRunner:
    cursor_codec = make_codec(SchemaStore(SETTINGS.schema_dir), CURSOR_SCHEMA, CURSOR_TOPIC)
    mention_log = MemoryMentionLog(clock=lambda: NOW, cursor_codec=cursor_codec)  # cursors Avro-encoded as live
    return ConnectorRunner(source, mention_log, CODECS.raw, CODECS.dead_letter, SETTINGS.topics,
                           ConnectorMetrics("mastodon"), wall_clock=lambda: NOW)


def connector(wire: list[bytes]) -> dict[str, float]:
    """CPU seconds per item of: the platform client's decoding, the adapter's mapping alone, the connector on a
    busy stream (run: items merged while a batch is produced), and on a quiet one (one item per batch)."""
    start = time.process_time()
    decoded = [json.loads(data) for data in wire]
    figures = {"client": (time.process_time() - start) / len(wire)}
    adapter = ADAPTERS["mastodon"]
    start = time.process_time()
    for value in decoded:
        for record in adapter.records(value):
            CODECS.raw.encode(parse_raw_mention(record, now_ms=int(NOW * 1000)).to_record())
    figures["mapping"] = (time.process_time() - start) / len(decoded)

    busy = _runner(_Replay(decoded))
    start = time.process_time()
    asyncio.run(busy.run())
    figures["busy"] = (time.process_time() - start) / len(decoded)
    assert len(busy.log.values(SETTINGS.topics.raw)) == len(decoded)

    quiet = _runner(_Replay([]))
    batches = [Batch([Item(s["id"], s)], s["id"]) for s in decoded[:2000]]

    async def one_by_one() -> float:
        begin = time.process_time()
        for batch in batches:
            await quiet.handle(batch)
        return time.process_time() - begin

    figures["quiet"] = asyncio.run(one_by_one()) / len(batches)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()

    lines = mention_lines(args.mentions)
    base_wall, base_cpu = ingest_baseline(lines)
    wall, cpu, produced = webhook(lines, args.batch)
    assert produced == len(lines)
    print(f"webhook, batches of {args.batch}: {len(lines) / wall:,.0f} mentions/s wall, "
          f"{len(lines) / cpu:,.0f} per CPU-second (server and client in one process; target >= 5,000/s)")
    print(f"  baseline, ingest's per-record work alone: {len(lines) / base_cpu:,.0f} per CPU-second; "
          f"webhook/baseline = {base_cpu / cpu:.2f}")

    wire = [json.dumps(status(n)).encode() for n in range(args.items)]
    us = {k: v * 1e6 for k, v in connector(wire).items()}
    print(f"connector (Mastodon statuses): platform client's decoding {us['client']:.1f} us/item (baseline); "
          f"adapter mapping alone (what ingest --format mastodon does) {us['mapping']:.1f} us/item")
    for name, label in (("busy", "busy stream, items merged into batches"), ("quiet", "quiet stream, one per batch")):
        print(f"  {label}: {us[name]:.1f} us/item, {us[name] / us['client']:.1f}x the client; on top of the "
              f"mapping: {us[name] - us['mapping']:.1f} us/item (target < 50)")


if __name__ == "__main__":
    main()
