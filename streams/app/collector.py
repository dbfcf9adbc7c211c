"""The worker's garbage-collector settings: fewer, cheaper collections of what a batch leaves behind.

CPython's collector looks at its young objects every 700 allocations. A batch of mentions keeps thousands of
records, models and dicts alive until it is done, so they survive young collections, are looked at again in the
older generations, and their churn triggers full collections that walk everything the worker built at start
(classifier tables, catalogs, modules). Frozen after start-up, that is left out of every collection; young
collections run every ``YOUNG_THRESHOLD`` allocations, by when most of a batch's garbage is freed by reference
counting already. Cycles are still collected: later, never missed. Nothing the pipeline outputs depends on it.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # allocations between young collections (CPython's default: 700)


def settle_after_startup(young_threshold: int = YOUNG_THRESHOLD) -> None:
    """Collect once, freeze what survives (it lives as long as the process) and space out young collections."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)
