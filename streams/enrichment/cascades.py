"""Threads and cascades of one brand: replies, reposts and quotes linked to their root post.

State is one JSON-able dict per brand (the enriched topic is keyed by brand id, so a Faust
table ``cascades[brand_id]`` is partition-local)::

    {
      "roots": {root_id: {"size": int,        # mentions in the cascade, the root included once seen
                          "reach": int,       # followers summed over those mentions (an upper bound of the audience)
                          "first_at": int,    # earliest event time, epoch ms
                          "last_at": int,     # latest event time, epoch ms
                          "rate": float,      # mentions, each decayed by its age at "last_at" (half-life below)
                          "replies": int, "reposts": int, "quotes": int,
                          "root_seen": bool}},
      "parents": {mention_id: root_id},       # resolves a reply to a reply to its root
      "evicted": int                          # roots dropped by the bound, for a gauge
    }

Both maps are bounded and least recently updated entries are evicted first (see ``bounded``).
A mention whose parent is not in ``parents`` (evicted, or never seen because it did not name
the brand) starts its cascade at that parent: the best root this partition can know.

Speed is an exponentially decayed rate: with a steady flow of r mentions per hour, ``rate``
tends to r * half_life / ln 2, so ``speed_per_hour`` reads r back, and it follows a surge
within a half-life. It is the speed at the cascade's latest event time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from streams.enrichment.bounded import evict_oldest, touch
from streams.enrichment.threads import Relation, relation_of
from streams.models import EnrichedMention, Enrichment
from streams.models.mention import replaced
from streams.timeunits import HOUR_MS

State = dict[str, Any]
_COUNTER = {Relation.REPLY: "replies", Relation.REPOST: "reposts", Relation.QUOTE: "quotes"}


@dataclass(frozen=True, slots=True)
class CascadeConfig:
    max_roots: int = 200
    max_members: int = 1000
    half_life_ms: int = 15 * 60_000


@dataclass(frozen=True, slots=True)
class CascadeSummary:
    """What the detector reads of a cascade, shipped on the Enrichment record."""

    root_id: str
    size: int
    reach: int
    speed_per_hour: float
    first_at: int


def new_state() -> State:
    return {"roots": {}, "parents": {}, "evicted": 0}


def _decay(age_ms: int, half_life_ms: int) -> float:
    return math.pow(2.0, -age_ms / half_life_ms)


def _add(stats: dict[str, Any] | None, t: int, followers: int, relation: Relation, half_life_ms: int) -> dict:
    if stats is None:
        stats = {"size": 0, "reach": 0, "first_at": t, "last_at": t, "rate": 0.0,
                 "replies": 0, "reposts": 0, "quotes": 0, "root_seen": False}
    stats["size"] += 1
    stats["reach"] += max(followers, 0)
    stats["first_at"] = min(stats["first_at"], t)
    if t >= stats["last_at"]:
        stats["rate"] = stats["rate"] * _decay(t - stats["last_at"], half_life_ms) + 1.0
        stats["last_at"] = t
    else:  # late arrival: counted at its age relative to the latest event
        stats["rate"] += _decay(stats["last_at"] - t, half_life_ms)
    if relation is Relation.POST:
        stats["root_seen"] = True
    else:
        stats[_COUNTER[relation]] += 1
    return stats


def speed_per_hour(stats: dict[str, Any], half_life_ms: int) -> float:
    return stats["rate"] * math.log(2) / half_life_ms * HOUR_MS


def update_cascades(
    state: State | None, mention: EnrichedMention, config: CascadeConfig = CascadeConfig(), *, in_place: bool = False
) -> tuple[State, CascadeSummary]:
    """Pure: add one enriched mention (of this state's brand) to its cascade; new state and its summary.

    ``in_place=True`` updates ``state`` itself instead of a copy, for a caller that owns it (a batch
    updating the copy it made on its first mention); the result is the same.
    """
    # Copy what changes (the maps and the one root updated), so the input state stays intact.
    if state is None:
        state = new_state()
    elif not in_place:
        state = {"roots": dict(state["roots"]), "parents": dict(state["parents"]), "evicted": state["evicted"]}
    raw = mention.mention
    relation, parent = relation_of(raw)
    root_id = state["parents"].get(parent, parent)
    followers = raw.author.followers if raw.author else 0
    previous = state["roots"].get(root_id)
    stats = _add(dict(previous) if previous else None, raw.created_at, followers, relation, config.half_life_ms)
    touch(state["roots"], root_id, stats)
    touch(state["parents"], raw.id, root_id)
    state["evicted"] += evict_oldest(state["roots"], config.max_roots)
    evict_oldest(state["parents"], config.max_members)
    summary = CascadeSummary(
        root_id=root_id,
        size=stats["size"],
        reach=stats["reach"],
        speed_per_hour=round(speed_per_hour(stats, config.half_life_ms), 3),
        first_at=stats["first_at"],
    )
    return state, summary


def with_cascade(enrichment: Enrichment, summary: CascadeSummary, **changes: Any) -> Enrichment:
    """The enrichment with its root resolved through the thread and the cascade summary filled in (and any
    other ``changes`` of its fields, in the same copy)."""
    return replaced(
        enrichment,
        **changes,
        root_id=summary.root_id,
        cascade_size=summary.size,
        cascade_reach=summary.reach,
        cascade_speed=summary.speed_per_hour,
        cascade_first_at=summary.first_at,
    )
