"""The abrupt-wave scenarios are what they claim: a realistic trickle, then a jump of many distinct voices."""

import pytest

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
