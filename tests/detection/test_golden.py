"""Golden replay: the scenario suite's alerts (every field) and final gauges/stats must not change.

Optimisations of the detector must keep its outputs identical. ``golden_scenarios.json`` holds, per scenario,
digests of the gold-labelled input and of the outputs of the detector at the time it was frozen. If only the
input digest differs, enrichment or the scenario generator changed (not the detector): refreeze with

    .venv/bin/python tests/detection/test_golden.py --update

after checking the detector did not change in the same step.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

GOLDEN = Path(__file__).with_name("golden_scenarios.json")


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def replay(name: str) -> dict[str, object]:
    from streams.backtest.evaluation import classify_gold
    from streams.detection import SnowballDetector
    from streams.scenarios import build_labelled

    mentions = classify_gold(build_labelled(name))
    detector = SnowballDetector()
    states: dict[str, dict] = {}
    alerts = []
    for cm in mentions:
        brand = cm.enrichment.brand_id
        state, out = detector.process(states.get(brand), cm)
        states[brand] = state
        alerts.extend(a.to_record() for a in out)
    final = {b: {"gauges": detector.gauges(s), "stats": detector.stats(s)} for b, s in states.items()}
    return {
        "mentions": len(mentions),
        "input": _digest([cm.to_record() for cm in mentions]),
        "alerts": len(alerts),
        "severities": dict(sorted(Counter(f"{a['kind']}:{a['severity']}" for a in alerts).items())),
        "alerts_digest": _digest(alerts),
        "final_digest": _digest(final),
    }


def _names() -> list[str]:
    from streams.scenarios import SCENARIOS

    return list(SCENARIOS)


@pytest.mark.parametrize("name", _names())
def test_scenario_outputs_are_unchanged(name):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    got = replay(name)
    if got["input"] != golden["input"]:
        pytest.fail(f"{name}: the gold-labelled input changed (enrichment or scenarios), not necessarily the "
                    f"detector; check, then refreeze (see this module's docstring)")
    assert got == golden


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    GOLDEN.write_text(json.dumps({n: replay(n) for n in _names()}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
