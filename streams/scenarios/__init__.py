"""Synthetic, deterministic scenarios for the demo, the simulator, tests and the labelled evaluation suite."""

from streams.scenarios.generator import (
    SCENARIOS,
    SUITE,
    LabelledScenario,
    ScenarioSpec,
    build_labelled,
    build_scenario,
    sized,
)

__all__ = ["SCENARIOS", "SUITE", "LabelledScenario", "ScenarioSpec", "build_labelled", "build_scenario", "sized"]
