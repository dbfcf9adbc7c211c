"""Authors: influence tier and per brand x author history."""

from __future__ import annotations

import json

import pytest

from streams.enrichment import author_tier, update_author_history
from streams.enrichment.authors import AuthorConfig, author_history
from streams.models import Author, Classification, ClassifiedMention, Enrichment, RawMention, Sentiment

T0 = 1_772_431_200_000


@pytest.mark.parametrize("author, tier", [
    (None, "unknown"),
    (Author("a", followers=0), "small"),
    (Author("a", followers=9_999), "small"),
    (Author("a", followers=10_000), "medium"),
    (Author("a", followers=1_000_000), "large"),
    (Author("a", followers=50_000, verified=True), "verified"),
    (Author("a", followers=12, verified=True), "small"),  # a bought badge with no audience
    (Author("a", followers=3_000_000, verified=True), "large"),
])
def test_influence_tier(author, tier):
    assert author_tier(RawMention(id="m", source="t", text="", created_at=T0, author=author)) == tier


def classified(mid: str, author: str | None, t: int, sentiment: Sentiment, own: bool = False) -> ClassifiedMention:
    raw = RawMention(id=mid, source="t", text="", created_at=t, author=Author(author) if author else None)
    return ClassifiedMention(raw, Enrichment(brand_id="acme", is_brand_account=own),
                             Classification(language="fr", sentiment=sentiment, score=0.9))


def test_history_counts_mentions_and_negatives_with_first_and_last_seen():
    state, h = update_author_history(None, classified("1", "bob", T0 + 100, Sentiment.NEGATIVE))
    state, h = update_author_history(state, classified("2", "bob", T0, Sentiment.POSITIVE))
    state, h = update_author_history(state, classified("3", "bob", T0 + 50, Sentiment.NEGATIVE))
    assert (h.mentions, h.negatives, h.first_at, h.last_at) == (3, 2, T0, T0 + 100)
    assert author_history(state, "bob") == h
    assert author_history(state, "alice") is None
    assert json.loads(json.dumps(state)) == state


def test_brand_accounts_and_anonymous_mentions_are_not_recorded():
    state, h = update_author_history(None, classified("1", "acme_support", T0, Sentiment.NEUTRAL, own=True))
    assert h is None and state["authors"] == {}
    state, h = update_author_history(state, classified("2", None, T0, Sentiment.NEGATIVE))
    assert h is None and state["authors"] == {}


def test_history_is_bounded_least_recently_seen_first():
    config = AuthorConfig(max_authors=2)
    state = None
    for i, name in enumerate(["a", "b", "a", "c"]):
        state, _ = update_author_history(state, classified(str(i), name, T0 + i, Sentiment.NEGATIVE), config)
    assert list(state["authors"]) == ["a", "c"]
    assert state["evicted"] == 1


def test_update_does_not_change_its_input():
    state, _ = update_author_history(None, classified("1", "bob", T0, Sentiment.NEGATIVE))
    snapshot = json.dumps(state)
    update_author_history(state, classified("2", "bob", T0, Sentiment.NEGATIVE))
    assert json.dumps(state) == snapshot
