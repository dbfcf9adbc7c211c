"""The worker's collector settings: start-up objects frozen, young collections spaced out."""

import gc

from streams.app.collector import YOUNG_THRESHOLD, settle_after_startup


def test_settle_after_startup_freezes_and_spaces_young_collections():
    before = gc.get_threshold()
    try:
        settle_after_startup()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
