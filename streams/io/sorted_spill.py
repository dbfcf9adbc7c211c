"""Sort more records than should sit in memory: sorted runs on disk, merged as they are read back.

``snowball ingest`` produces a file in event-time order whatever the file's own order; a file of any size is
read once, keeping at most ``max_bytes`` of encoded records in memory (the rest in temporary files).
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, Any

RECORD_OVERHEAD_BYTES = 200  # a held (order, key, value) tuple beyond its value's bytes, roughly
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

Item = tuple[Any, bytes | None, bytes]  # (sort key, Kafka key, Kafka value)


class SpillingSorter:
    """``add`` items, then iterate them sorted by their first element (ties in the order added)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._held: list[Item] = []
        self._held_bytes = 0
        self._runs: list[IO[bytes]] = []
        self.count = 0

    def add(self, order: Any, key: bytes | None, value: bytes) -> None:
        self._held.append((order, key, value))
        self._held_bytes += len(value) + len(key or b"") + RECORD_OVERHEAD_BYTES
        self.count += 1
        if self._held_bytes >= self.max_bytes:
            self._spill()

    @property
    def runs(self) -> int:
        """Sorted runs written to disk so far."""
        return len(self._runs)

    def _spill(self) -> None:
        run = tempfile.TemporaryFile()  # noqa: SIM115 - closed when read back
        for item in sorted(self._held, key=itemgetter(0)):
            pickle.dump(item, run, protocol=pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self._runs.append(run)
        self._held, self._held_bytes = [], 0

    def __iter__(self) -> Iterator[Item]:
        held = sorted(self._held, key=itemgetter(0))
        self._held, self._held_bytes = [], 0
        runs, self._runs = self._runs, []
        try:
            # heapq.merge keeps ties in the order of its inputs: earlier runs were added earlier.
            yield from heapq.merge(*(_read_run(run) for run in runs), held, key=itemgetter(0))
        finally:
            for run in runs:
                run.close()


def _read_run(run: IO[bytes]) -> Iterator[Item]:
    while True:
        try:
            yield pickle.load(run)  # noqa: S301 - a temporary file this process wrote
        except EOFError:
            return
