import json

from streams.detection import SnowballDetector, codec
from streams.scenarios import build_labelled
from tests.detection.helpers import HOUR, MIN, T0, background, cm, run
from tests.scenarios.support import classified


def test_state_json_round_trip_gives_the_same_alerts():
    det = SnowballDetector()
    mentions = classified(build_labelled("demo"))
    half = len(mentions) // 2
    state, first = run(det, mentions[:half])
    copy = codec.loads(codec.dumps(state))
    _, direct = run(det, mentions[half:], state)
    _, restored = run(det, mentions[half:], copy)
    assert [a.to_record() for a in direct] == [a.to_record() for a in restored]


def test_deterministic():
    mentions = classified(build_labelled("explosive"))
    a = run(SnowballDetector(), mentions)[1]
    b = run(SnowballDetector(), mentions)[1]
    assert [x.to_record() for x in a] == [x.to_record() for x in b] and a


def test_state_stays_bounded():
    det = SnowballDetector()
    cfg = det.config
    state = None
    for i in range(30_000):  # 30k distinct authors over ~10 days
        state, _ = det.process(state, cm(f"m{i}", T0 + i * 30_000, author=f"u{i}", negative=i % 3 == 0,
                                         text=f"text {i} words here"))
    assert len(state.authors) <= cfg.max_authors
    assert len(state.seen) <= cfg.max_seen_ids
    assert len(state.pending) <= cfg.max_pending
    assert len(state.vocab) <= cfg.max_vocab
    assert len(state.buckets) <= cfg.horizon_buckets + 1
    assert len(codec.dumps(state)) < 1_500_000


def test_bad_input_is_counted_never_raises():
    det = SnowballDetector()
    state, _ = run(det, background(8))
    dup = cm("bg3", T0 + 3 * HOUR)
    late = cm("old", T0 - 2 * HOUR)
    no_author = cm("anon", T0 + 8 * HOUR, author=None)
    no_brand = cm("nob", T0 + 8 * HOUR + MIN, brand="")
    state, _ = run(det, [dup, late, no_author, no_brand], state)
    stats = det.stats(state)
    assert stats["duplicates"] == 1 and stats["late"] == 1 and stats["no_author"] == 1 and stats["no_brand"] == 1
    # out of order inside the horizon is counted in its own bucket
    before = state.buckets[(T0 + 7 * HOUR) - (T0 + 7 * HOUR) % det.config.bucket_ms].total
    state, _ = det.process(state, cm("ooo", T0 + 7 * HOUR, author="z"))
    assert state.buckets[(T0 + 7 * HOUR) - (T0 + 7 * HOUR) % det.config.bucket_ms].total == before + 1
    # a saved state of another version is replaced, not trusted
    state, _ = det.process(codec.loads(json.dumps({"v": 1, "whatever": True})), cm("x", T0))
    assert det.stats(state)["reset_old_state"] == 1 and det.stats(state)["mentions"] == 1
