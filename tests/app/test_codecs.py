"""The detector-state codec: the changelog gets the state without its caches, and nothing changes for that."""

from faust.serializers import codecs

from streams.app.codecs import DETECTOR_STATE_CODEC
from streams.backtest.evaluation import classify_gold
from streams.detection import SnowballDetector
from streams.detection.state import Caches
from streams.scenarios import build_labelled
from tests.detection.helpers import run_brands as _run


def test_restored_state_without_caches_gives_the_same_alerts():
    mentions = classify_gold(build_labelled("slow_burn"))
    half = len(mentions) * 2 // 3  # inside the wave, with caches filled
    detector = SnowballDetector()
    states: dict = {}
    _run(detector, mentions[:half], states)
    assert any(s.caches != Caches() for s in states.values()), "caches were filled"

    written = {b: codecs.dumps(DETECTOR_STATE_CODEC, s) for b, s in states.items()}
    restored = {b: codecs.loads(DETECTOR_STATE_CODEC, v) for b, v in written.items()}
    assert all(s.caches == Caches() for s in restored.values())

    in_memory = _run(detector, mentions[half:], states)
    after_restart = _run(SnowballDetector(), mentions[half:], restored)
    assert in_memory and after_restart == in_memory
