"""Near-duplicates: SimHash fingerprints and the per-brand memory of recent ones."""

from __future__ import annotations

import copy
import itertools
import json
import random

import pytest

from streams.enrichment import fingerprint, mark_near_duplicate, normalize_text
from streams.enrichment.near_duplicates import NearDuplicateConfig, NearDuplicateMemory, distance
from streams.scenarios import texts

T0 = 1_772_431_200_000
HOUR = 3_600_000
CAMPAIGN = "Boycott @acme ! Ils coupent le réseau sans prévenir depuis 3 jours, honte à vous #boycottacme"


def fp(text: str) -> str | None:
    return fingerprint(normalize_text(text))


def test_copies_with_other_handles_links_emojis_case_or_accents_have_the_same_fingerprint():
    copies = [
        "Boycott @acme_support ! Ils coupent le réseau sans prévenir depuis 3 jours, honte à vous #boycottacme 😡",
        "boycott @acme ! ils coupent le reseau sans prevenir depuis 3 jours, honte a vous #boycottacme https://t.co/x",
    ]
    assert {fp(c) for c in copies} == {fp(CAMPAIGN)}


def test_a_changed_word_stays_close_and_other_texts_are_far():
    edited = "Boycott @acme ! Ils coupent le réseau sans prévenir depuis 4 jours, honte à vous #boycottacme"
    assert distance(fp(CAMPAIGN), fp(edited)) <= NearDuplicateConfig().max_distance
    other = "Super service chez Acme, le conseiller a réglé mon problème de facture en 5 minutes"
    assert distance(fp(CAMPAIGN), fp(other)) > 20


def test_distinct_complaints_of_the_demo_are_not_near_duplicates():
    pool = {t.format(name="Acme", handle="@acme_support") for lang in ("fr", "en") for t in texts.NEGATIVE[lang]}
    prints = [p for p in (fp(t) for t in pool) if p is not None]
    assert len(prints) >= 4
    for a, b in itertools.combinations(prints, 2):
        assert a == b or distance(a, b) > NearDuplicateConfig().max_distance


def test_short_texts_get_no_fingerprint():
    assert fp("merci @acme 👍") is None
    assert fp("https://t.co/abc @acme @globex") is None


def test_a_copy_points_at_the_first_mention_of_its_cluster():
    state, dup = mark_near_duplicate(None, "m1", fp(CAMPAIGN), T0)
    assert dup is None
    state, dup = mark_near_duplicate(state, "m2", fp(CAMPAIGN.replace("3 jours", "trois jours")), T0 + 1)
    assert dup == "m1"
    state, dup = mark_near_duplicate(state, "m3", fp(CAMPAIGN + " !!"), T0 + 2)
    assert dup == "m1"
    assert json.loads(json.dumps(state)) == state


def test_same_mention_again_is_idempotent():
    state, _ = mark_near_duplicate(None, "m1", fp(CAMPAIGN), T0)
    state, dup = mark_near_duplicate(state, "m2", fp(CAMPAIGN), T0 + 1)
    again, dup_again = mark_near_duplicate(state, "m2", fp(CAMPAIGN), T0 + 1)
    assert dup == dup_again == "m1" and again == state
    _, first_again = mark_near_duplicate(state, "m1", fp(CAMPAIGN), T0)
    assert first_again is None


def test_old_fingerprints_are_forgotten_and_the_memory_is_bounded():
    config = NearDuplicateConfig(max_entries=3, max_age_ms=HOUR)
    state, _ = mark_near_duplicate(None, "old", fp(CAMPAIGN), T0, config)
    state, dup = mark_near_duplicate(state, "new", fp(CAMPAIGN), T0 + 2 * HOUR, config)
    assert dup is None and "old" not in state["recent"]
    for i in range(5):
        state, _ = mark_near_duplicate(state, f"x{i}", f"{i:016x}", T0 + 2 * HOUR, config)
    assert len(state["recent"]) == 3


def test_no_fingerprint_no_mark():
    state, dup = mark_near_duplicate(None, "m1", None, T0)
    assert dup is None and state["recent"] == {}


def _scan(state: dict | None, mention_id: str, fp: str, event_time: int, config: NearDuplicateConfig):
    """The specification ``NearDuplicateMemory`` indexes: a scan of every remembered fingerprint, the closest
    in distance winning, then the earliest in event time, then the first remembered."""
    state = copy.deepcopy(state) if state is not None else {"recent": {}, "watermark": None}
    recent = state["recent"]
    if mention_id in recent:
        return state, recent[mention_id][2] if recent[mention_id][2] != mention_id else None
    watermark = event_time if state["watermark"] is None else max(state["watermark"], event_time)
    state["watermark"] = watermark
    best = None
    for other_id, (other_fp, other_t, origin) in list(recent.items()):
        if other_t < watermark - config.max_age_ms:
            del recent[other_id]
        elif abs(other_t - event_time) <= config.max_age_ms and distance(fp, other_fp) <= config.max_distance:
            if best is None or (distance(fp, other_fp), other_t) < best[:2]:
                best = (distance(fp, other_fp), other_t, origin)
    recent[mention_id] = [fp, event_time, best[2] if best else mention_id]
    while len(recent) > config.max_entries:
        del recent[next(iter(recent))]
    return state, best[2] if best else None


@pytest.mark.parametrize("max_distance", [0, 3, 6, 20, 64])
def test_the_indexed_memory_marks_and_remembers_what_a_scan_of_every_fingerprint_does(max_distance):
    # Clusters of fingerprints a few bits apart, same-time ties, late arrivals, repeats, expiry and eviction.
    rng = random.Random(max_distance)
    config = NearDuplicateConfig(max_entries=40, max_age_ms=HOUR, max_distance=max_distance)
    centres = [rng.getrandbits(64) for _ in range(6)]
    indexed, memory, scanned = None, NearDuplicateMemory(None, config), None
    for i in range(1500):
        value = rng.choice(centres)
        for _ in range(rng.randrange(0, 10)):
            value ^= 1 << rng.randrange(64)
        mention_id = f"m{rng.randrange(i + 1)}" if rng.random() < 0.05 else f"m{i}"
        event_time = T0 + i * 20_000 - rng.choice([0, 0, 0, 5 * 60_000, 2 * HOUR]) - (i % 3 == 0) * (i * 20_000 % 7)
        fp = f"{value:016x}"
        scanned, expected = _scan(scanned, mention_id, fp, event_time, config)
        indexed, found = mark_near_duplicate(indexed, mention_id, fp, event_time, config)
        assert found == expected and indexed == scanned and list(indexed["recent"]) == list(scanned["recent"])
        assert memory.mark(mention_id, fp, event_time) == expected  # one memory over the whole run
        assert json.dumps(memory.state) == json.dumps(scanned)
