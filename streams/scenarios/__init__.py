"""Synthetic, deterministic scenarios for the demo, the simulator and tests."""

from streams.scenarios.generator import SCENARIOS, ScenarioSpec, build_scenario

__all__ = ["SCENARIOS", "ScenarioSpec", "build_scenario"]
