"""Near-duplicates: SimHash fingerprints and the per-brand memory of recent ones."""

from __future__ import annotations

import itertools
import json

from streams.enrichment import fingerprint, mark_near_duplicate, normalize_text
from streams.enrichment.near_duplicates import NearDuplicateConfig, distance
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
