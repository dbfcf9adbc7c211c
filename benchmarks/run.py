"""make bench (live part): the worker end to end against its baselines, on one broker, in one run.

Printed, each as a rate and as a ratio to raw librdkafka consumption measured in the same run:

- raw librdkafka consumption of the same mentions (the ceiling);
- a trivial Faust agent counting the same records (what any design moving each record through Faust's
  streams pays; benchmarks/faust_baseline.py);
- the batch pipeline in process, without Kafka (what the cores and Avro cost: the worker's CPU per mention
  minus this is the shell's), with the worker's collector settings, and each core timed alone on the same
  mentions; the same for the mentions packed into one hour of event time (a firehose: every brand-minute busy);
- the worker end to end (enrich, then classify and detect, every topic and changelog written, offsets
  committed), with one process and with two (the partitions split between them), timed from the first
  produced mention until the detector's changelog accounts for every mention (start-up and group joins
  excluded: a warm-up goes through first), with the worker's CPU per mention;
- latency at about half the measured one-worker capacity: produce to ``mentions.classified`` and produce to
  ``snowball.alerts`` (p50, p99), the event-order hold included.

The mentions are the demo scenario replayed day after day (a sparse history: 383 mentions a day over two brands).
The embedded broker by default, a fresh one per phase; ``--broker`` for a real Kafka with fresh topics.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from streams.app import build_codecs, topic_specs
from streams.app.collector import settle_after_startup
from streams.app.faust_app import TABLE_NAMES, changelog_topic
from streams.app.stages import DETECTORS
from streams.enrichment import BrandCatalog, Enricher
from streams.kafka.admin import TopicSpec, ensure_topics
from streams.kafka.clients import make_consumer, make_producer, poll_messages, produce_all
from streams.kafka.embedded import EmbeddedBroker
from streams.kafka.worker_process import WorkerProcess
from streams.scenarios import build_scenario
from streams.settings import Settings

BENCH = Path(__file__).resolve().parent


def bench_mentions(count: int, start_seed: int = 0, span_ms: int | None = None, start_ms: int | None = None):
    """``count`` distinct synthetic mentions: the demo scenario replayed with fresh ids (seeds after
    ``start_seed``). Each replay on its own day by default (a sparse history); with ``span_ms``, all of them
    evenly over that span from ``start_ms``, in the replays' order (a firehose: a dense stream)."""
    out, seed = [], start_seed
    while len(out) < count:
        seed += 1
        shift = seed * 86_400_000  # each replay on its own day, so event time moves forward as in a live feed
        for m in sorted(build_scenario("demo", seed=seed), key=lambda m: m.event_order):
            out.append(dataclasses.replace(m, id=f"{m.id}-s{seed}", created_at=m.created_at + shift))
    out = out[:count]
    if span_ms is not None:
        start = out[0].created_at if start_ms is None else start_ms
        out = [dataclasses.replace(m, created_at=start + i * span_ms // count) for i, m in enumerate(out)]
    return out


@contextlib.contextmanager
def worker_collector():
    """The worker's garbage-collector settings (``settle_after_startup``) for the in-process runs, so that they
    cost what the same work costs in a worker; the defaults back after."""
    threshold = gc.get_threshold()
    settle_after_startup()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def detected_until(consumer, target: int, timeout: float) -> int:
    """Follow the detector's table changelog until its states account for ``target`` mentions."""
    latest: dict[bytes, int] = {}
    for msg in poll_messages(consumer, timeout=timeout):
        if msg.value() is None:  # an end-of-flush marker
            continue
        counts = json.loads(msg.value()).get("stats", {})
        latest[msg.key()] = sum(counts.get(k, 0) for k in ("mentions", "duplicates", "no_brand"))
        if sum(latest.values()) >= target:
            break
    return sum(latest.values())


def count_until(consumer, target: int, timeout: float) -> tuple[int, float]:
    """Read until ``target`` messages arrived; (count, seconds from the first message)."""
    start, seen = None, 0
    for _ in poll_messages(consumer, timeout=timeout):
        start = start or time.perf_counter()
        seen += 1
        if seen >= target:
            break
    return seen, time.perf_counter() - (start or time.perf_counter())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far: less sensitive than wall time to other load on the machine."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass
class Run:
    rate: float
    seconds: float
    cpu_us: float  # worker CPU per mention, all processes


class Bench:
    def __init__(self, args: argparse.Namespace, logs: Path) -> None:
        self.args = args
        self.logs = logs
        self.settings = Settings()
        self.codecs = build_codecs(self.settings)
        self.enricher = Enricher(BrandCatalog.from_yaml(self.settings.brands_file))

    def encode(self, mentions):
        return [(m.id.encode(), self.codecs.raw.encode(m.to_record())) for m in mentions]

    def brand_mentions(self, mentions) -> int:
        return sum(len(self.enricher.enrich(m)) for m in mentions)

    @contextlib.contextmanager
    def broker(self, name: str):
        with contextlib.ExitStack() as stack:
            bootstrap = self.args.broker or stack.enter_context(
                EmbeddedBroker(log_path=self.logs / f"broker-{name}.log")).bootstrap
            ensure_topics(bootstrap, topic_specs(self.settings))
            yield bootstrap

    def baselines(self, bootstrap: str, values) -> tuple[float, float]:
        """Raw mentions on a topic of their own (the worker's input stays empty for its runs)."""
        topic = "bench.baseline"
        ensure_topics(bootstrap, [TopicSpec(topic, self.settings.topics.partitions)])
        produce_all(make_producer(bootstrap), topic, values)
        reader = make_consumer(bootstrap, [topic])
        consumed, seconds = count_until(reader, len(values), self.args.timeout)
        reader.close()
        raw_rate = (consumed - 1) / seconds
        trivial = subprocess.run(
            [sys.executable, str(BENCH / "faust_baseline.py"), "--broker", bootstrap, "--topic", topic,
             "--count", str(len(values)),
             "--partitions", str(self.settings.topics.partitions)],
            capture_output=True, text=True, timeout=self.args.timeout)
        (self.logs / "faust-baseline.log").write_text(trivial.stdout + trivial.stderr)
        line = next((ln for ln in trivial.stdout.splitlines() if ln.startswith("{")), None)
        if line is None:
            raise RuntimeError(f"the trivial Faust agent gave no figure; see {self.logs / 'faust-baseline.log'}")
        result = json.loads(line)
        return raw_rate, result["records"] / result["seconds"]

    def in_process(self, mentions) -> tuple[Run, dict[str, list[bytes]]]:
        """The batch pipeline with no Kafka: what the worker's cores cost (Avro included), one process; with the
        Avro values it read and wrote (raw, enriched, classified), for ``cores``."""
        from streams.app import build_stages
        from streams.app.stages import SEEN, Record, keep_brand_writes
        from streams.pipeline import BrandState

        stages = build_stages(self.settings)
        encoded = self.encode(mentions)
        raw = [Record(self.settings.topics.raw, 0, i, key, value) for i, (key, value) in enumerate(encoded)]
        seen: dict = {}
        state = BrandState({}, {}, {})
        outputs: dict[str, list[bytes]] = {"raw": [value for _, value in encoded], "enriched": [], "classified": []}
        cpu0, t0 = time.process_time(), time.perf_counter()
        for start in range(0, len(raw), self.settings.consume_batch_size):
            step = stages.enrich(raw[start:start + self.settings.consume_batch_size], seen)
            seen.update(step.writes[SEEN])
            enriched = [Record(self.settings.topics.enriched, 0, i, o.key, o.value)
                        for i, o in enumerate(step.outputs) if o.role == "enriched"]
            step = stages.brand_records(enriched, state)
            keep_brand_writes(state, step)
            outputs["enriched"] += [r.value for r in enriched]
            outputs["classified"] += [o.value for o in step.outputs if o.role == "classified"]
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        return Run(len(raw) / seconds, seconds, cpu / len(raw) * 1e6), outputs

    def cores(self, out: dict[str, list[bytes]]) -> dict[str, float]:
        """Where ``in_process``'s CPU goes: each core timed alone on the values of its run (``out``), in
        microseconds per raw mention. Avro is every decode and encode the pipeline does: the raw mention, the
        enriched one written and read back, the classified one written."""
        from streams.classification import load_classifier
        from streams.detection import SnowballDetector
        from streams.models import ClassifiedMention, EnrichedMention, RawMention
        from streams.pipeline.brand_step import BrandStep
        from streams.pipeline.enrich_step import EnrichStep

        codecs, n = self.codecs, len(out["raw"])
        enriched = [codecs.enriched.decode(v) for v in out["enriched"]]
        classified = [codecs.classified.decode(v) for v in out["classified"]]

        def timed(work) -> float:
            start = time.process_time()
            work()
            return (time.process_time() - start) / n * 1e6

        def avro() -> None:
            for value in out["raw"]:
                codecs.raw.decode(value)
            for value, record in zip(out["enriched"], enriched, strict=True):
                codecs.enriched.encode(record)
                codecs.enriched.decode(value)
            for record in classified:
                codecs.classified.encode(record)

        raw_mentions = [RawMention.from_record(codecs.raw.decode(v)) for v in out["raw"]]
        texts = [r["mention"]["text"] for r in enriched]
        hints = [r["mention"]["lang_hint"] for r in enriched]
        classifier = load_classifier(None)
        detector, states = SnowballDetector(), {}
        models = [ClassifiedMention.from_record(r) for r in classified]
        enriched_models = [EnrichedMention.from_record(r) for r in enriched]

        def detect() -> None:
            for cm in models:
                brand = cm.enrichment.brand_id
                states[brand] = detector.process(states.get(brand), cm)[0]

        return {
            "Avro (2 decodes, 2 encodes)": timed(avro),
            "enrichment": timed(lambda: EnrichStep(Enricher(self.enricher.catalog)).run(raw_mentions, {})),
            "brand contexts (cascades, near-duplicates)": timed(
                lambda: BrandStep.contextualize(enriched_models, {})),
            "classification": timed(lambda: classifier.classify(texts, hints)),
            "detection": timed(detect),
        }

    def worker_run(self, bootstrap: str, workers: list[WorkerProcess], mentions) -> Run:
        changelog = changelog_topic(self.settings, TABLE_NAMES[DETECTORS])
        done = make_consumer(bootstrap, [changelog])
        producer = make_producer(bootstrap)
        # Warm-up: a day of mentions of every brand, so that every worker has read, judged and committed.
        warmup = bench_mentions(383, start_seed=-1)  # the demo day itself, before the runs
        produce_all(producer, self.settings.topics.raw, self.encode(warmup))
        warm = self.brand_mentions(warmup)
        if detected_until(done, warm, 180) < warm:
            raise RuntimeError(f"the workers did not start; see {self.logs}")
        expected = self.brand_mentions(mentions)
        values = self.encode(mentions)
        cpu0 = sum(cpu_seconds(w.process.pid) for w in workers)
        t0 = time.perf_counter()
        produce_all(producer, self.settings.topics.raw, values)
        processed = detected_until(done, expected + warm, self.args.timeout) - warm
        seconds = time.perf_counter() - t0
        cpu = sum(cpu_seconds(w.process.pid) for w in workers) - cpu0
        done.close()
        if processed < expected:
            raise RuntimeError(f"{processed}/{expected} brand mentions detected in {seconds:.0f} s; see {self.logs}")
        return Run(len(values) / seconds, seconds, cpu / len(values) * 1e6)

    def latency(self, bootstrap: str, rate: float) -> dict[str, list[float]]:
        """Mentions stamped with the wall clock, paced at ``rate``: seconds from produce to each output."""
        topics = self.settings.topics
        classified = make_consumer(bootstrap, [topics.classified], from_beginning=False)
        alerts = make_consumer(bootstrap, [topics.alerts], from_beginning=False)
        for reader in (classified, alerts):  # fetch once, so "the end" is now, before anything is produced
            list(poll_messages(reader, timeout=1, idle_timeout=0.5))
        producer = make_producer(bootstrap)
        template = bench_mentions(2_000, start_seed=500)  # ids and times replaced below
        count = int(rate * self.args.latency_seconds)
        sent: dict[str, float] = {}
        start = time.time()
        for i in range(count):
            due = start + i / rate
            now = time.time()
            if due > now:
                time.sleep(due - now)
            m = dataclasses.replace(template[i % len(template)], id=f"lat-{i}", created_at=int(time.time() * 1000))
            producer.produce(topics.raw, key=m.id.encode(), value=self.codecs.raw.encode(m.to_record()))
            sent[m.id] = time.time()
            producer.poll(0)
        producer.flush(30)
        out: dict[str, list[float]] = {"classified": [], "alerts": []}
        expected = self.brand_mentions(template[i % len(template)] for i in range(count))
        for msg in poll_messages(classified, timeout=60, idle_timeout=10):
            mention_id = self.codecs.classified.decode(msg.value())["mention"]["id"]
            out["classified"].append(produced_at(msg) - sent[mention_id])
            if len(out["classified"]) >= expected:
                break
        for msg in poll_messages(alerts, timeout=15, idle_timeout=5):
            out["alerts"].append(produced_at(msg) - self.codecs.alerts.decode(msg.value())["event_time"] / 1000)
        classified.close()
        alerts.close()
        return out


def wait_for_split(workers: list[WorkerProcess], partitions: int, timeout: float = 120) -> None:
    """Until the workers read every source partition between them, each some, all in one group generation."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = [w.assignment() for w in workers]
        if None not in last and len({g for _, g in last}) == 1 and sum(n for n, _ in last) == 2 * partitions \
                and all(n for n, _ in last):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the workers did not split the partitions within {timeout:.0f} s")


def produced_at(msg) -> float:
    """When the worker produced an output (its record's create time, epoch seconds): read after the paced run,
    the outputs' arrival would count the run's length."""
    return msg.timestamp()[1] / 1000


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=60_000, help="mentions per throughput run (default 60000)")
    parser.add_argument("--latency-seconds", type=float, default=10.0, help="length of the paced run (default 10)")
    parser.add_argument("--broker", help="bootstrap servers of a real Kafka (default: an embedded Tansu per phase)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="snowball-bench-"))
    bench = Bench(args, logs)
    mentions = bench_mentions(args.mentions)
    env = {"SNOWBALL_METRICS_PORT": "0"}

    with worker_collector():
        # A firehose: the same number of mentions within one hour of event time (every brand-minute busy).
        dense, dense_values = bench.in_process(bench_mentions(args.mentions, span_ms=3_600_000))
        dense_parts = bench.cores(dense_values)
        core, values = bench.in_process(mentions)
        parts = bench.cores(values)
    with bench.broker("one") as bootstrap:
        raw_rate, faust_rate = bench.baselines(bootstrap, bench.encode(bench_mentions(args.mentions, 1_000)))
        with WorkerProcess(bootstrap, env=env, log_path=logs / "worker-one.log") as worker:
            one = bench.worker_run(bootstrap, [worker], mentions)
            latencies = bench.latency(bootstrap, one.rate / 2)
    with bench.broker("two") as bootstrap, \
            WorkerProcess(bootstrap, env=env, log_path=logs / "worker-two-a.log") as a, \
            WorkerProcess(bootstrap, env=env, log_path=logs / "worker-two-b.log") as b:
        wait_for_split([a, b], bench.settings.topics.partitions)
        two = bench.worker_run(bootstrap, [a, b], mentions)

    def split(run: Run, parts: dict[str, float]) -> str:
        return (", ".join(f"{name} {us:.0f}" for name, us in parts.items())
                + f"; the rest {run.cpu_us - sum(parts.values()):.0f} (models, event order, records, metrics)")

    def row(name: str, rate: float, extra: str = "") -> None:
        print(f"  {name:<44}{rate:>10,.0f} mentions/s   {rate / raw_rate:>6.3f} of raw{extra}")

    print(f"Snowball live benchmark: {args.mentions:,} mentions per run, {bench.settings.topics.partitions} "
          f"partitions, {'embedded Tansu' if not args.broker else args.broker}; logs in {logs}")
    row("raw librdkafka consumption (ceiling)", raw_rate)
    row("trivial Faust agent (count only)", faust_rate)
    row("batch pipeline in process, no Kafka", core.rate, f"   {core.cpu_us:.0f} us CPU/mention")
    print("    of which, each core timed alone on the same mentions (us CPU/mention): " + split(core, parts))
    row("the same, the mentions within one hour (dense)", dense.rate, f"   {dense.cpu_us:.0f} us CPU/mention")
    print("    of which: " + split(dense, dense_parts))
    row("worker end to end, 1 process", one.rate,
        f"   {one.rate / faust_rate:.2f}x the trivial agent; {one.cpu_us:.0f} us CPU/mention "
        f"({one.cpu_us - core.cpu_us:+.0f} us against the pipeline in process)")
    row("worker end to end, 2 processes", two.rate,
        f"   {two.rate / one.rate:.2f}x one process; {two.cpu_us:.0f} us CPU/mention")
    print(f"  latency at {one.rate / 2:,.0f} mentions/s (half of one process), {args.latency_seconds:g} s paced:")
    for name, values in (("produce to mentions.classified", latencies["classified"]),
                         ("produce to snowball.alerts", latencies["alerts"])):
        if values:
            print(f"    {name:<42}p50 {quantile(values, 50):5.2f} s   p99 {quantile(values, 99):5.2f} s"
                  f"   ({len(values):,} records)")
        else:
            print(f"    {name:<42}no records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
