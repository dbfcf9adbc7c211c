"""make bench (ingest part): the memory `snowball ingest` takes for a large JSON-lines file.

Printed: the peak resident memory of `snowball ingest` on a file of ``--megabytes`` MB (the demo scenario
repeated, `snowball simulate --size`), against the same command on a five-line file measured in the same run
(the process itself: Python, the libraries, the schemas), and what the file adds as a ratio to its size.
A command that read the file whole would add several times the file's size; one that streams it adds at most
its sorter's in-memory budget (32 MB) and the records being sent.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from streams.app import topic_specs
from streams.kafka.admin import ensure_topics
from streams.kafka.embedded import EmbeddedBroker
from streams.settings import Settings


def peak_rss_mb(args: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of a child running ``args``, in MB (each run in a fresh child of its own)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def write_file(path: Path, megabytes: float) -> int:
    """The demo scenario repeated until the file has ``megabytes`` MB; the number of mentions written."""
    import json

    from streams.scenarios import build_scenario, sized

    demo = build_scenario("demo")
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for mention in sized(demo, 10**9):
            handle.write(json.dumps(mention.to_record(), ensure_ascii=False) + "\n")
            count += 1
            if count % 1000 == 0 and handle.tell() >= megabytes * 1e6:
                return count
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=50.0, help="size of the large file (default 50)")
    args = parser.parse_args(argv)
    snowball = [sys.executable, "-m", "streams.cli.main", "ingest"]
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        ensure_topics(broker.bootstrap, topic_specs(Settings()))
        env = {**os.environ, "SNOWBALL_BROKER": broker.bootstrap}
        large, small = Path(tmp) / "large.jsonl", Path(tmp) / "small.jsonl"
        mentions = write_file(large, args.megabytes)
        with large.open(encoding="utf-8") as lines:
            small.write_text("".join(itertools.islice(lines, 5)), encoding="utf-8")
        size_mb = large.stat().st_size / 1e6
        baseline = peak_rss_mb([*snowball, str(small)], env)
        peak = peak_rss_mb([*snowball, str(large)], env)
    print(f"snowball ingest, {size_mb:.0f} MB file ({mentions} mentions): peak {peak:.0f} MB; "
          f"a 5-line file: {baseline:.0f} MB (the process itself)")
    print(f"memory the file adds: {peak - baseline:.0f} MB = {(peak - baseline) / size_mb:.2f} x the file's size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
