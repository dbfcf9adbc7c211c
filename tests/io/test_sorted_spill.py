"""More records than memory holds come back sorted, ties in the order added."""

from __future__ import annotations

import random

from streams.io.sorted_spill import RECORD_OVERHEAD_BYTES, SpillingSorter


def test_sorted_across_runs_on_disk_with_ties_in_the_order_added():
    rng = random.Random(3)
    items = [((rng.randint(0, 50), "id"), f"k{i}".encode(), b"v" * 10) for i in range(1000)]
    sorter = SpillingSorter(max_bytes=40 * (RECORD_OVERHEAD_BYTES + 14))  # about 40 records held at a time
    for order, key, value in items:
        sorter.add(order, key, value)
    assert sorter.runs >= 20 and sorter.count == 1000
    assert list(sorter) == sorted(items, key=lambda item: item[0])  # sorted() is stable: ties as added


def test_few_records_never_touch_the_disk():
    sorter = SpillingSorter()
    for n in (3, 1, 2):
        sorter.add(n, None, b"x")
    assert sorter.runs == 0 and [order for order, _, _ in sorter] == [1, 2, 3]
