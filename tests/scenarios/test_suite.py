"""The labelled suite's targets, with gold tones so detection is judged on its own."""

import pytest

from streams.backtest.evaluation import evaluate_scenario
from streams.scenarios import SCENARIOS, SUITE, build_labelled, build_scenario


def test_build_scenario_is_deterministic_and_keeps_its_api():
    assert [m.to_record() for m in build_scenario("demo", seed=3)] == [m.to_record() for m in build_scenario("demo", 3)]
    assert set(SUITE) <= set(SCENARIOS)
    with pytest.raises(KeyError):
        build_scenario("nope")


@pytest.mark.parametrize("name", SUITE)
def test_suite_targets(name):
    result = evaluate_scenario(build_labelled(name))
    for brand in result.spec.quiet_brands:
        assert result.warnings[brand] == 0, f"{name}: {brand} must get no warning"
    for brand in result.spec.snowball_brands:
        caught = result.caught[brand]
        assert caught.first_watch is not None, f"{name}: {brand} missed"
        targets = result.spec.onset_targets
        if targets is None:
            assert caught.first_watch <= caught.quarter_time, f"{name}: watch came after a quarter of the peak"
        assert caught.target_met(targets), f"{name}: {brand} misses its target"


def test_demo_keeps_its_meaning():
    result = evaluate_scenario(build_labelled("demo"))
    assert result.caught["acme"].first_warning is not None
    assert result.warnings["globex"] == 0
