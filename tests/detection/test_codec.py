"""The saved form of a brand state: every older version still loads, and a round trip loses nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from streams.backtest.evaluation import classify_gold
from streams.detection import SnowballDetector, codec
from streams.detection.state import Caches
from streams.scenarios import build_labelled
from tests.detection.helpers import run_brands

# States saved by the detector before the typed state (version 2, dicts with short keys), half-way through the demo
# scenario, with the digest of the alerts that detector went on to give on the second half.
V2_STATES = Path(__file__).with_name("state_v2_demo.json")


def _continue(states, mentions):
    return run_brands(SnowballDetector(), mentions, states)


def test_a_version_2_state_loads_and_goes_on_as_the_old_detector_did():
    saved = json.loads(V2_STATES.read_text(encoding="utf-8"))
    assert {s["v"] for s in saved["states"].values()} == {2}
    states = {b: codec.from_record(s) for b, s in saved["states"].items()}
    mentions = classify_gold(build_labelled(saved["scenario"]))
    alerts = _continue(states, mentions[saved["split"]:])
    assert len(alerts) == saved["alerts_after"]
    digest = hashlib.sha256(json.dumps(alerts, sort_keys=True, default=str).encode()).hexdigest()
    assert digest == saved["alerts_digest"]


def test_round_trip_keeps_everything_but_the_caches():
    mentions = classify_gold(build_labelled("slow_burn"))
    states: dict = {}
    _continue(states, mentions[: len(mentions) * 2 // 3])
    for state in states.values():
        restored = codec.loads(codec.dumps(state))
        assert restored.caches == Caches()
        state.caches = Caches()
        assert restored == state
        assert codec.dumps(restored) == codec.dumps(state)


def test_an_unknown_version_loads_as_a_new_state():
    for saved in ({"v": 1, "b": {}}, {"whatever": True}, [1, 2], None):
        state = codec.from_record(saved)
        assert state.watermark is None and state.stats["reset_old_state"] == 1
