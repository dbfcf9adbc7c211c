"""make bench: the worker's end-to-end throughput against raw librdkafka consumption, same broker, same run.

Both read the same N encoded mentions from ``mentions.raw`` on the embedded broker (or
``--broker``). The ceiling is a bare confluent-kafka consumer reading them; the worker's figure
is mentions through all three agents (enrich, classify, detect), timed until the detector's
checkpoints in its table changelog account for every classified mention. Worker start-up and group join are
excluded: a warm-up mention goes through first.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from streams.app import build_codecs, topic_specs
from streams.app.faust_app import DETECTOR_TABLE
from streams.enrichment import BrandCatalog, Enricher
from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.worker_process import WorkerProcess
from streams.scenarios import build_scenario
from streams.settings import Settings


def bench_mentions(count: int):
    """``count`` distinct synthetic mentions: the demo scenario replayed day after day with fresh ids."""
    out, seed = [], 0
    while len(out) < count:
        seed += 1
        shift = seed * 86_400_000  # each replay on its own day, so event time moves forward as in a live feed
        for m in build_scenario("demo", seed=seed):
            out.append(dataclasses.replace(m, id=f"{m.id}-s{seed}", created_at=m.created_at + shift))
    return out[:count]


def detected_until(consumer, target: int, timeout: float) -> int:
    """Follow the detector's table changelog until its checkpoints account for ``target`` mentions."""
    latest: dict[bytes, int] = {}
    for msg in poll_messages(consumer, timeout=timeout):
        if msg.value() is None:
            continue
        counts = json.loads(msg.value()).get("stats", {})
        latest[msg.key()] = sum(counts.get(k, 0) for k in ("mentions", "duplicates", "no_brand"))
        if sum(latest.values()) >= target:
            break
    return sum(latest.values())


def count_until(consumer, target: int, timeout: float) -> tuple[int, float]:
    """Read until ``target`` messages arrived; (count, seconds from the first poll)."""
    start, seen = time.perf_counter(), 0
    for _ in poll_messages(consumer, timeout=timeout):
        seen += 1
        if seen >= target:
            break
    return seen, time.perf_counter() - start


def peak_rss_mib(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far: less sensitive than wall time to other load on the machine."""
    import os

    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=20_000, help="mentions to push through (default 20000)")
    parser.add_argument("--broker", help="bootstrap servers of a real Kafka (default: embedded Tansu)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()

    settings = Settings()
    codecs = build_codecs(settings)
    enricher = Enricher(BrandCatalog.from_yaml(settings.brands_file))
    mentions = bench_mentions(args.mentions + 1)
    warmup, mentions = mentions[0], mentions[1:]
    expected = sum(len(enricher.enrich(m)) for m in mentions)
    values = [(m.id.encode(), codecs.raw.encode(m.to_record())) for m in mentions]
    logs = Path(tempfile.mkdtemp(prefix="snowball-bench-"))
    with contextlib.ExitStack() as stack:
        bootstrap = args.broker or stack.enter_context(EmbeddedBroker(log_path=logs / "broker.log")).bootstrap
        ensure_topics(bootstrap, topic_specs(settings))
        changelog = f"{settings.app_id}-{DETECTOR_TABLE}-changelog"
        worker = stack.enter_context(WorkerProcess(bootstrap, env={"SNOWBALL_METRICS_PORT": "0"},
                                                   log_path=logs / "worker.log"))
        done = make_consumer(bootstrap, [changelog])
        producer = make_producer(bootstrap)
        produce_all(producer, settings.topics.raw, [(warmup.id.encode(), codecs.raw.encode(warmup.to_record()))])
        warm = len(enricher.enrich(warmup))
        if detected_until(done, warm, 120) < warm:
            print(f"worker did not start; see {logs / 'worker.log'}", file=sys.stderr)
            return 1

        cpu0 = cpu_seconds(worker.process.pid)
        t0 = time.perf_counter()
        produce_all(producer, settings.topics.raw, values)
        produce_seconds = time.perf_counter() - t0
        processed = detected_until(done, expected + warm, args.timeout) - warm
        worker_seconds = time.perf_counter() - t0
        cpu1 = cpu_seconds(worker.process.pid)
        rss = peak_rss_mib(worker.process.pid)

        raw_reader = make_consumer(bootstrap, [settings.topics.raw], **{"fetch.min.bytes": 1})
        consumed, raw_seconds = count_until(raw_reader, len(values) + 1, args.timeout)
        raw_reader.close()
        done.close()

    raw_rate = consumed / raw_seconds
    worker_rate = len(values) / worker_seconds
    print(f"Snowball benchmark: {len(values)} mentions ({expected} brand-mentions), "
          f"{settings.topics.partitions} partitions, broker {'embedded Tansu' if not args.broker else bootstrap}")
    print(f"  produce (librdkafka)                 {len(values) / produce_seconds:>10,.0f} mentions/s")
    print(f"  raw consume (librdkafka, ceiling)    {raw_rate:>10,.0f} mentions/s")
    print(f"  worker end to end (enrich+classify+detect) {worker_rate:>4,.0f} mentions/s"
          f"   ({processed}/{expected} detections in {worker_seconds:.1f}s)")
    print(f"  ratio worker / raw consume           {worker_rate / raw_rate:>10.5f}"
          f"   (1 : {raw_rate / worker_rate:,.0f})")
    if cpu0 is not None and cpu1 is not None:
        cpu = cpu1 - cpu0
        print(f"  worker CPU                           {cpu:>10.1f} s   ({cpu / len(values) * 1e3:.2f} ms/mention, "
              f"{cpu / worker_seconds:.0%} of one core; {len(values) / cpu:,.0f} mentions per CPU-second)")
    if rss is not None:
        print(f"  worker peak RSS                      {rss:>10.0f} MiB")
    return 0 if processed >= expected else 1


if __name__ == "__main__":
    sys.exit(main())
