"""The same mentions give the same saved states byte for byte in every process, whatever its string hashing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs the detector over a scenario and prints the hash of every brand's saved state (codec.dumps).
SAVED_STATES = """
import hashlib
from streams.backtest.evaluation import classify_gold
from streams.detection import SnowballDetector, codec
from streams.scenarios import build_labelled
from tests.detection.helpers import run_brands

states = {}
run_brands(SnowballDetector(), classify_gold(build_labelled("demo")), states)
for brand in sorted(states):
    print(brand, hashlib.sha256(codec.dumps(states[brand])).hexdigest())
"""


def _saved_states(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", SAVED_STATES], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def test_saved_states_do_not_depend_on_the_process_string_hashing():
    first = _saved_states("1")
    assert first.count("\n") >= 2  # both demo brands
    assert _saved_states("2") == first
