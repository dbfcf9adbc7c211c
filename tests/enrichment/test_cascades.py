"""Threads and cascades: replies, reposts and quotes linked to their root, per-root state, bounded."""

from __future__ import annotations

import json

import pytest

from streams.enrichment import update_cascades
from streams.enrichment.cascades import CascadeConfig
from streams.enrichment.threads import Relation, relation_of
from streams.models import Author, EnrichedMention, Enrichment, RawMention

T0 = 1_772_431_200_000
MINUTE = 60_000


def em(mid: str, t: int, followers: int = 100, **links) -> EnrichedMention:
    raw = RawMention(id=mid, source="test", text="x", created_at=t, author=Author(f"a-{mid}", followers=followers),
                     **links)
    return EnrichedMention(raw, Enrichment(brand_id="acme"))


@pytest.mark.parametrize("links, relation, parent", [
    ({}, Relation.POST, "m"),
    ({"in_reply_to_id": "p"}, Relation.REPLY, "p"),
    ({"reposts_id": "p"}, Relation.REPOST, "p"),
    ({"quotes_id": "p"}, Relation.QUOTE, "p"),
    ({"quotes_id": "q", "in_reply_to_id": "p"}, Relation.QUOTE, "q"),
])
def test_relation_to_the_parent(links, relation, parent):
    assert relation_of(em("m", T0, **links).mention) == (relation, parent)


def test_replies_reposts_and_quotes_join_the_root_cascade():
    state, s = update_cascades(None, em("root", T0, followers=1000))
    assert (s.root_id, s.size, s.reach, s.first_at) == ("root", 1, 1000, T0)
    state, s = update_cascades(state, em("r1", T0 + MINUTE, followers=10, in_reply_to_id="root"))
    state, s = update_cascades(state, em("rt", T0 + 2 * MINUTE, followers=5, reposts_id="root"))
    state, s = update_cascades(state, em("q", T0 + 3 * MINUTE, followers=1, quotes_id="root"))
    assert (s.root_id, s.size, s.reach, s.first_at) == ("root", 4, 1016, T0)
    stats = state["roots"]["root"]
    assert (stats["replies"], stats["reposts"], stats["quotes"], stats["root_seen"]) == (1, 1, 1, True)
    assert stats["last_at"] == T0 + 3 * MINUTE


def test_a_reply_to_a_reply_reaches_the_root():
    state, _ = update_cascades(None, em("root", T0))
    state, _ = update_cascades(state, em("r1", T0 + 1, in_reply_to_id="root"))
    state, s = update_cascades(state, em("r2", T0 + 2, in_reply_to_id="r1"))
    assert s.root_id == "root" and s.size == 3


def test_replies_before_their_root_arrives_and_late_events():
    state, s = update_cascades(None, em("r1", T0 + 10 * MINUTE, in_reply_to_id="root"))
    assert s.root_id == "root" and not state["roots"]["root"]["root_seen"]
    state, s = update_cascades(state, em("root", T0))
    assert s.size == 2 and s.first_at == T0
    assert state["roots"]["root"]["last_at"] == T0 + 10 * MINUTE


def test_speed_follows_the_rate():
    config = CascadeConfig(half_life_ms=15 * MINUTE)
    state, s = update_cascades(None, em("root", T0), config)
    for i in range(1, 121):  # one mention every 30 s for an hour: 120 an hour
        state, s = update_cascades(state, em(f"r{i}", T0 + i * MINUTE // 2, in_reply_to_id="root"), config)
    assert s.speed_per_hour == pytest.approx(120, rel=0.1)
    # After a quiet hour one more mention: the speed has fallen.
    state, later = update_cascades(state, em("late", T0 + 3 * 60 * MINUTE, in_reply_to_id="root"), config)
    assert later.speed_per_hour < 10


def test_state_is_bounded_and_evicts_the_least_recently_updated_roots():
    config = CascadeConfig(max_roots=3, max_members=5)
    state = None
    for i in range(6):
        state, _ = update_cascades(state, em(f"p{i}", T0 + i), config)
    state, _ = update_cascades(state, em("r", T0 + 10, in_reply_to_id="p3"), config)
    assert list(state["roots"]) == ["p4", "p5", "p3"]
    assert len(state["parents"]) == 5
    assert state["evicted"] == 3


def test_update_is_pure_and_state_is_json():
    state, _ = update_cascades(None, em("root", T0))
    before = json.dumps(state)
    again, _ = update_cascades(state, em("r1", T0 + 1, in_reply_to_id="root"))
    assert json.dumps(state) == before
    assert json.loads(json.dumps(again)) == again
