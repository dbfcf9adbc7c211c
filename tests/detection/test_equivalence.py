"""The detector's fast paths against the plain loops they replace: the same floats, the same choices.

The golden test (test_golden.py) checks whole replays; these check the pieces on random inputs, edge cases
included (short series, zeros, day boundaries, ties, out-of-order complaints).
"""

from __future__ import annotations

import math
import random
from itertools import accumulate

from streams.detection import SnowballDetector, day_scale, stats
from streams.detection.config import DetectorConfig
from streams.timeunits import DAY_MS
from tests.detection.helpers import MIN, T0, cm


def _reference_glr_scan(observed, expected, min_window, dispersion=1.0):
    """The GLR scan as one loop adding a bucket at a time (the code before the speed work)."""
    best, best_k, best_o, best_e = 0.0, 0, 0.0, 0.0
    o = e = 0.0
    n = len(observed)
    for k in range(1, n + 1):
        o += observed[n - k]
        e += expected[n - k]
        if k < min_window or o <= e or e <= 0:
            continue
        llr = o * math.log(o / e) - (o - e)
        if llr > best:
            best, best_k, best_o, best_e = llr, k, o, e
    if best_k == 0:
        k = min(min_window, n)
        best_k, best_o, best_e = k, sum(observed[n - k:]), sum(expected[n - k:])
    return best / max(dispersion, 1.0), best_k, best_o, best_e


def _series(rng, n):
    observed = [rng.choice([0.0, 0.0, 0.25, 1.0, 2.5, 7.0, rng.random() * 10]) for _ in range(n)]
    expected = [max(rng.random() * rng.choice([0.1, 1.0, 5.0]), 0.05) for _ in range(n)]
    return observed, expected


def test_glr_scans_match_the_loop_exactly():
    rng = random.Random(1)
    for _ in range(5000):
        observed, expected = _series(rng, rng.randint(0, 40))
        min_window, dispersion = rng.randint(1, 4), rng.choice([0.5, 1.0, 1.7])
        got = stats.glr_scans(observed, expected, min_window, dispersion, 6)
        assert got[:4] == _reference_glr_scan(observed, expected, min_window, dispersion)
        assert got[4] == _reference_glr_scan(observed[-6:], expected[-6:], 1, dispersion)[0]
    # ties: the shortest window of equal statistics wins, as in the loop
    assert stats.glr_scan([0.0, 4.0, 0.0], [1.0, 1.0, 1.0], 1) == _reference_glr_scan([0.0, 4.0, 0.0], [1.0] * 3, 1)


def _glr_below(observed, expected, min_window, dispersion, threshold):
    """``stats.glr_below_sums`` on a whole series, as the detector's running sums feed it."""
    if not observed:
        return threshold > 0
    older_o = list(accumulate(reversed(observed[:-1]), initial=0.0))
    older_e = list(accumulate(reversed(expected[:-1]), initial=0.0))
    return stats.glr_below_sums(observed[-1], expected[-1], older_o, older_e, min_window, dispersion, threshold)


def test_glr_below_is_a_bound():
    rng = random.Random(2)
    pruned = 0
    for _ in range(5000):
        observed, expected = _series(rng, rng.randint(0, 37))
        dispersion, threshold = rng.choice([0.5, 1.0, 1.7]), rng.choice([1.0, 8.0, 16.0])
        below = _glr_below(observed, expected, 3, dispersion, threshold)
        pruned += below
        assert not below or _reference_glr_scan(observed, expected, 3, dispersion)[0] < threshold
    assert pruned > 1000  # it does prune


def _reference_day_sums(dow, dv, cur, live, kmax, cfg, days):
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    start_min = cfg.day_min_window_hours * 3_600_000 // bms
    step = 3_600_000 // bms
    recent = cfg.day_recent_hours * 3_600_000 // bms
    nd = len(dv)
    ks, os_, rs = [], [], []
    recent_sums = None
    o = r = 0.0
    for k in range(live + 1, kmax + 1):
        t = cur - (k - 1) * bms
        i = nd - (k - live)
        o += dv[i]
        today = dow[(t // DAY_MS + 3) % 7]
        for j in range(1, days + 1):
            r += dv[i - j * per_day] * today / dow[((t - j * DAY_MS) // DAY_MS + 3) % 7]
        if k == recent:
            recent_sums = (o, r)
        if k >= start_min and not k % step:
            ks.append(k)
            os_.append(o)
            rs.append(r)
    return [cur, live, ks, os_, rs, recent_sums]


def test_day_sums_match_the_loop_exactly():
    cfg = DetectorConfig()
    rng = random.Random(3)
    per_day = 86_400_000 // cfg.bucket_ms
    for _ in range(300):
        dv = [round(rng.choice([0.0, 0.25, 1.0, 3.0, rng.random() * 20]), 3) for _ in range(rng.randint(360, 1152))]
        dow = [rng.uniform(0.2, 5.0) for _ in range(7)]
        cur = rng.randint(0, 10**6) * cfg.bucket_ms
        live = rng.randint(6, 8)
        days = day_scale.reference_days(len(dv) + live, cfg)
        kmax = min(144, len(dv) + live - days * per_day)
        got = day_scale._day_sums(dow, cfg, dv, cur, live, kmax, days)
        assert got == _reference_day_sums(dow, dv, cur, live, kmax, cfg, days)


def test_learned_terms_carried_from_bucket_to_bucket_match_a_fresh_computation():
    """The day scale's reference terms, kept from one bucket to the next (``caches.day_terms``), are the floats a
    fresh computation gives: through trims of the record, new weekday factors, more reference days, a skipped
    fold (a silence folded as one week) and a restart (no cache)."""
    from streams.detection.state import Baseline, BrandState

    cfg = DetectorConfig()
    bms = cfg.bucket_ms
    per_day = 86_400_000 // bms
    keep = cfg.day_reference_days * per_day + 144
    rng = random.Random(5)
    state = BrandState(baseline=Baseline(level=1.0), day_voices_start=0)
    state.day_voices = [round(rng.random() * 5, 3) for _ in range(3 * per_day)]
    cur = 7 * bms + (len(state.day_voices) - 1) * bms  # live = 7 buckets after the newest learned one
    live = 7
    reused = 0
    for step in range(1500):
        gap = 1 if step % 400 else 1 + cfg.fold_max_buckets  # now and then a long silence, folded as a week
        cur += gap * bms
        state.day_voices.append(round(rng.choice([0.0, 0.25, 1.0, rng.random() * 9]), 3))
        if len(state.day_voices) > keep:
            state.day_voices_start += (len(state.day_voices) - keep) * bms
            del state.day_voices[: len(state.day_voices) - keep]
        if step % 144 == 0:
            state.baseline.dow[:] = [rng.uniform(0.2, 5.0) for _ in range(7)]
        if step % 500 == 250:
            state.caches = type(state.caches)()  # restored from the changelog: no cache
        dv = state.day_voices
        days = day_scale.reference_days(len(dv) + live, cfg)
        kmax = min(144, len(dv) + live - days * per_day)
        had = state.caches.day_terms
        got = day_scale._learned_terms(state, cfg, cur, live, kmax, days)
        reused += had is not None and had[2] is not got and had[0] == state.caches.day_terms[0]
        assert got == day_scale._reference_terms(state.baseline.dow, dv, cur, live, live + 1, kmax, days, bms)
    assert reused > 1000  # the cache does carry over


def test_overdue_complaints_expire_the_same_in_or_out_of_order():
    """Complaints that fall overdue out of due order leave the ordered fast path; both forget the same ones."""
    det = SnowballDetector()
    cfg = det.config
    rng = random.Random(4)
    # Complaints every 7 minutes; every fourth arrives 40 minutes late (so falls overdue after later ones).
    arrivals = sorted((T0 + i * 7 * MIN + (40 * MIN if i % 4 == 0 else 0), T0 + i * 7 * MIN) for i in range(40))
    state = None
    paths = set()
    for n, (_, t) in enumerate(arrivals):
        state, _ = det.process(state, cm(f"c{n}", t, author=f"a{n}", intents=["complaint"]))
    complaints = {f"c{n}": t for n, (_, t) in enumerate(arrivals)}
    for minute in range(0, 30 * 60, rng.choice([3, 5])):
        now = max(complaints.values()) + 40 * MIN + minute * MIN
        state, _ = det.process(state, cm(f"n{minute}", now, negative=False, author="x"))
        paths.add(state.overdue_sorted)
        kept = {mid for mid, t in complaints.items()
                if t + cfg.answer_deadline_ms + cfg.overdue_retention_ms > state.watermark}
        assert set(state.pending) | set(state.overdue) == kept  # forgotten exactly a day past due
    assert paths == {False, True}  # out of order, then in order again once the stragglers are gone


def test_oldest_overdue_complaints_are_listed_as_a_full_sort_lists_them():
    """The unanswered-complaints alert's list: the first inserted when they are the oldest, else a full sort; the
    same (time, id) order either way, ties and stragglers included."""
    from streams.detection import care
    from streams.detection.state import OverdueComplaint

    rng = random.Random(6)
    fast = 0
    for _ in range(3000):
        overdue = {}
        t = T0
        for i in range(rng.randint(0, 80)):
            t += rng.choice([0, 0, 1000, 60_000])
            at = t - (rng.choice([0, 3_600_000]) if rng.random() < 0.05 else 0)  # now and then a straggler
            overdue[f"m{rng.randint(0, 10**6)}-{i}"] = OverdueComplaint(at, at + 7_200_000, None)
        listed = rng.choice([0, 1, 5, 50])
        expected = sorted((c.at, mid) for mid, c in overdue.items())[:listed]
        assert care._oldest(overdue, listed) == expected
        fast += len(overdue) > listed > 0 and set(list(overdue)[:listed]) == {mid for _, mid in expected}
    assert fast > 100  # the first inserted are often the oldest


def test_vocabulary_eviction_drops_what_sorting_rank_term_pairs_drops():
    """Terms evicted from the decayed vocabulary: the lowest decayed counts, ties by term, as sorting (rank, term)
    pairs ranked by ``stats.decayed`` chooses them (zeros, ties at the cut, entries newer than now)."""
    from streams.detection import terms
    from streams.detection.state import Decayed

    rng = random.Random(7)
    half_life = 86_400_000
    for _ in range(500):
        t = T0 + 10 * 600_000
        vocab = {f"w{rng.randint(0, 999):03d}": Decayed(rng.choice([0.0, 1.0, 2.0, round(rng.random() * 9, 3)]),
                                                        T0 + rng.randint(0, 12) * 600_000)
                 for _ in range(rng.randint(5, 120))}
        drop = rng.randint(1, len(vocab))
        ranks = {k: stats.decayed(v.value, v.at, t, half_life) for k, v in vocab.items()}
        expected = [k for k in vocab if k not in {k for _, k in sorted((r, k) for k, r in ranks.items())[:drop]}]
        terms._evict(vocab, drop, t, half_life)
        assert list(vocab) == expected


def test_author_eviction_drops_the_least_recently_seen_then_smallest_ids():
    det = SnowballDetector(DetectorConfig(max_authors=10))
    state = None
    # 11 authors, two pairs seen at the same time: the eviction cut falls inside a tie.
    seen = [0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 7]
    for i, minute in enumerate(seen):
        state, _ = det.process(state, cm(f"m{i}", T0 + minute * MIN, author=f"u{10 - i:02d}"))
    records = {f"u{10 - i:02d}": T0 + minute * MIN for i, minute in enumerate(seen)}
    drop = len(records) - 10 + 10 // 5
    expected = sorted((t, k) for k, t in records.items())[drop:]
    assert sorted(state.authors) == sorted(k for _, k in expected)
    assert state.stats["authors_evicted"] == drop


def _replay(detector, mentions):
    from streams.detection import codec

    states, alerts, gauges = {}, [], []
    for cm_ in mentions:
        brand = cm_.enrichment.brand_id
        states[brand], out = detector.process(states.get(brand), cm_)
        alerts += [a.to_record() for a in out]
        gauges.append(detector.gauges(states[brand]))
    return alerts, gauges, {b: codec.to_record(s) for b, s in states.items()}


def test_an_episode_evaluated_without_what_cannot_escalate_it_takes_the_same_course(monkeypatch):
    """While an episode is open, ``window.compute`` leaves out the day scale (above watch) and the topics that cannot
    reach the next severity (once the episode has its topic). The replays of the scenarios with watch, warning and
    critical episodes give the same alerts, gauges and states as evaluations that compute everything."""
    from streams.backtest.evaluation import classify_gold
    from streams.detection import snowball, window
    from streams.scenarios import build_labelled

    partial = []

    def counted(state, cfg, episode=None):
        sig = window.compute(state, cfg, episode)
        partial.append(sig.partial)
        return sig

    for name in ("slow_burn", "explosive", "abrupt_10x"):
        mentions = classify_gold(build_labelled(name))
        monkeypatch.setattr(snowball, "compute", counted)
        fast = _replay(SnowballDetector(), mentions)
        monkeypatch.setattr(snowball, "compute", lambda state, cfg, episode=None: window.compute(state, cfg))
        assert _replay(SnowballDetector(), mentions) == fast, name
    assert sum(partial) > 100  # evaluations did leave parts out

