"""The saved form of a brand state: every older version still loads, and a round trip loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

from streams.backtest.evaluation import classify_gold
from streams.detection import SnowballDetector, codec
from streams.detection.state import Caches
from streams.scenarios import build_labelled
from tests.detection.helpers import run_brands

# States saved by the detector before the typed state (version 2, dicts with short keys), part-way through the explosive
# scenario, with the snowball alerts that detector went on to give on the second half.
V2_STATES = Path(__file__).with_name("state_v2_explosive.json")
# What snowball alerts have said since then: the brand's voice (community-manager guidance).
NEW_SIGNALS = {"brand_posts_since_open", "minutes_since_brand_post"}


def _continue(states, mentions):
    return run_brands(SnowballDetector(), mentions, states)


def _as_before(alert):
    return {**alert, "signals": {k: v for k, v in alert["signals"].items() if k not in NEW_SIGNALS},
            "reasons": [r for r in alert["reasons"] if not r.startswith("brand voice:")], "complaints": []}


def test_a_version_2_state_loads_and_goes_on_as_the_old_detector_did():
    saved = json.loads(V2_STATES.read_text(encoding="utf-8"))
    assert {s["v"] for s in saved["states"].values()} == {2}
    states = {b: codec.from_record(s) for b, s in saved["states"].items()}
    mentions = classify_gold(build_labelled(saved["scenario"]))
    alerts = _continue(states, mentions[saved["split"]:])
    snowball = [_as_before(a) for a in alerts if a["kind"] == "snowball"]
    assert snowball and snowball == [{**a, "complaints": []} for a in saved["snowball_alerts_after"]]
    assert sum(s.stats["mentions"] for s in states.values()) == len(mentions)


def test_round_trip_keeps_everything_but_the_caches():
    mentions = classify_gold(build_labelled("slow_burn"))
    states: dict = {}
    _continue(states, mentions[: len(mentions) * 2 // 3])
    for state in states.values():
        assert set(codec.to_record(state)) == set(codec.KEYS)  # every saved key is named
        assert set(codec.KEYS.values()) - {"version"} == set(type(state).__slots__) - {"caches", "replies"}
        restored = codec.loads(codec.dumps(state))
        assert restored.caches == Caches()
        state.caches = Caches()
        assert restored == state
        assert codec.dumps(restored) == codec.dumps(state)


def test_an_unknown_version_loads_as_a_new_state():
    for saved in ({"v": 1, "b": {}}, {"whatever": True}, [1, 2], None):
        state = codec.from_record(saved)
        assert state.watermark is None and state.stats["reset_old_state"] == 1
