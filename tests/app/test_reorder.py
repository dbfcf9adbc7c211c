import random

import pytest

from streams.app.reorder import ArrivalHold


def test_nothing_leaves_before_its_hold():
    hold = ArrivalHold(2000)
    hold.admit((5, "b"), "b", now_ms=0)
    hold.admit((1, "a"), "a", now_ms=500)
    assert hold.release(1999) == []
    assert len(hold) == 2


def test_a_due_item_takes_out_every_held_item_before_it_in_event_order():
    hold = ArrivalHold(2000)
    hold.admit((5, "late-in-time"), "e5", now_ms=0)
    hold.admit((1, "x"), "e1", now_ms=1500)  # arrived later, earlier in event time
    hold.admit((9, "x"), "e9", now_ms=1500)
    assert hold.release(2000) == ["e1", "e5"]
    assert hold.release(3000) == []
    assert hold.release(3500) == ["e9"]
    assert len(hold) == 0


def test_an_item_let_out_early_does_not_move_the_frontier_when_its_own_hold_ends():
    hold = ArrivalHold(1000)
    hold.admit((5, "a"), "e5", now_ms=0)
    hold.admit((3, "b"), "e3", now_ms=500)  # let out with e5 at 1000
    hold.admit((4, "c"), "e4", now_ms=900)
    assert hold.release(1000) == ["e3", "e4", "e5"]
    hold.admit((2, "d"), "e2", now_ms=1200)
    assert hold.release(1500) == []  # e3's own hold ends here: nothing new is due
    assert hold.release(2200) == ["e2"]


def test_equal_times_leave_in_id_order_and_a_zero_hold_sorts_each_release():
    hold = ArrivalHold(0)
    for key in [(7, "b"), (7, "a"), (3, "z")]:
        hold.admit(key, key, now_ms=10)
    assert hold.release(10) == [(3, "z"), (7, "a"), (7, "b")]


def test_arrivals_out_of_order_within_the_hold_leave_sorted_whatever_the_release_ticks():
    rng = random.Random(7)
    times = list(range(300))
    arrivals = sorted(times, key=lambda t: t + rng.uniform(-20, 20))  # disorder narrower than the hold
    hold = ArrivalHold(100)
    out, now = [], 0
    for t in arrivals:
        now += rng.choice([0, 1, 2])
        hold.admit((t, str(t)), t, now_ms=now)
        if rng.random() < 0.3:
            out += hold.release(now)
    out += hold.release(now + 100)
    assert out == times


def test_drain_lets_everything_out_in_event_order():
    hold = ArrivalHold(60_000)
    for t in (4, 2, 9):
        hold.admit((t, ""), t, now_ms=0)
    hold.release(0)
    assert hold.drain() == [2, 4, 9] and len(hold) == 0 and hold.release(10**9) == []


def _reference_release(held, now, hold_ms):
    """The rule in words: the largest key among items held hold_ms or longer; every held item up to it, sorted."""
    due = [key for key, arrived in held if arrived <= now - hold_ms]
    if not due:
        return []
    frontier = max(due)
    out = sorted(key for key, _ in held if key <= frontier)
    held[:] = [(key, arrived) for key, arrived in held if key > frontier]
    return out


def test_release_follows_its_rule_and_forgets_what_it_let_out():
    rng = random.Random(11)
    for _ in range(300):
        hold_ms = rng.choice([0, 5, 50])
        hold, held, now = ArrivalHold(hold_ms), [], 0
        for number in range(rng.randint(1, 60)):
            now += rng.choice([0, 1, 10, 100])  # bursts and gaps
            key = (rng.randint(0, 40), f"{number:03d}")
            hold.admit(key, key, now_ms=now)
            held.append((key, now))
            if rng.random() < 0.5:
                assert hold.release(now) == _reference_release(held, now, hold_ms)
        now += hold_ms
        assert hold.release(now) == _reference_release(held, now, hold_ms)
        assert len(hold) == len(held) == 0
        assert not hold._released and not hold._by_arrival  # nothing left behind by items let out early


def test_a_negative_hold_is_refused():
    with pytest.raises(ValueError, match="hold_ms"):
        ArrivalHold(-1)
