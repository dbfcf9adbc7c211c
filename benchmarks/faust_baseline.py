"""A trivial Faust agent: counts the records of a topic, nothing else. The baseline ``make bench`` compares the
worker with, measured in the same run: what any design moving each record through Faust's streams pays.

Run by benchmarks/run.py as its own process; prints one JSON line (records, seconds from the first record to the
last) and exits.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid

import faust


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--broker", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()

    app = faust.App(f"bench-trivial-{uuid.uuid4().hex[:8]}", broker=f"kafka://{args.broker}", store="memory://",
                    web_enabled=False, consumer_auto_offset_reset="earliest", topic_disable_leader=True,
                    broker_session_timeout=10.0, broker_heartbeat_interval=1.0, broker_rebalance_timeout=10.0)
    topic = app.topic(args.topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw",
                      partitions=args.partitions)
    seen = {"n": 0, "first": 0.0}

    @app.agent(topic)
    async def count(stream: faust.StreamT) -> None:
        async for _ in stream:
            seen["n"] += 1
            if seen["n"] == 1:
                seen["first"] = time.perf_counter()
            elif seen["n"] >= args.count:
                seconds = time.perf_counter() - seen["first"]
                print(json.dumps({"records": seen["n"] - 1, "seconds": seconds}), flush=True)
                os._exit(0)  # the figure is out: no need to wait for a clean leave of the group

    faust.Worker(app, loglevel="INFO", quiet=True, redirect_stdouts=False).execute_from_commandline()


if __name__ == "__main__":
    main()
