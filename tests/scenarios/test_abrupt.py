"""The abrupt-wave scenarios are what they claim: a realistic trickle, then a jump of many distinct voices."""

import pytest

from streams.backtest.evaluation import evaluate_scenario
from streams.models import Severity
from streams.scenarios import build_labelled
from streams.scenarios.generator import DAY_MS, HOUR_MS, MINUTE_MS, SCENARIO_START_MS


def _negatives(scenario, brand, since, until):
    return [m for m in scenario.mentions if m.id.startswith(brand) and scenario.tones[m.id] == "negative"
            and since <= m.created_at < until]


@pytest.mark.parametrize(("name", "multiple"), [("abrupt_10x", 10), ("abrupt_30x", 30)])
def test_a_trickle_past_warm_up_jumps_within_minutes(name, multiple):
    scenario = build_labelled(name)
    onset, _ = scenario.waves["acme"]
    assert onset - SCENARIO_START_MS >= 2 * DAY_MS  # past the detector's 48-hour warm-up
    before = _negatives(scenario, "acme", onset - 2 * DAY_MS, onset)
    per_hour = len(before) / 48
    assert 4 <= per_hour <= 8  # a few negative voices an hour
    plateau = _negatives(scenario, "acme", onset + 5 * MINUTE_MS, onset + 125 * MINUTE_MS)
    assert 0.75 * multiple <= len(plateau) / 2 / per_hour <= 1.25 * multiple
    wave = [m for m in _negatives(scenario, "acme", onset, onset + 3 * HOUR_MS)
            if m.author.id.startswith("acme-witness")]
    assert len({m.author.id for m in wave}) == len(wave)  # every wave voice a distinct person
    assert not any(m.reposts_id for m in wave)  # in their own words
    french_words = ("encore", "toujours", "honte", "arnaque", "quitte", "furieux")  # only in the French texts
    french = sum(any(w in m.text for w in french_words) for m in wave)
    assert 0.25 * len(wave) <= french <= 0.75 * len(wave)  # both languages


@pytest.mark.parametrize("name", ["abrupt_10x", "abrupt_30x"])
def test_an_abrupt_wave_is_warned_within_15_minutes_and_critical_within_30(name):
    scenario = build_labelled(name)
    result = evaluate_scenario(scenario)
    caught = result.caught["acme"]
    assert caught.onset == scenario.waves["acme"][0]
    # Event time: the alerts' own times against the wave's first post, never the wall clock.
    warning, critical = caught.after_onset(Severity.WARNING), caught.after_onset(Severity.CRITICAL)
    assert warning is not None and 0 <= warning <= 15, f"{name}: first warning {warning} min after the onset"
    assert critical is not None and warning <= critical <= 30, f"{name}: first critical {critical} min after the onset"
    assert result.warnings == {"acme": 1, "globex": 0}  # one episode for the wave; the same trickle stays quiet
