"""Authors: influence tier, and a per brand x author history for the repeat-critic signal.

The history needs the sentiment, so it is kept where classified mentions are read (the
detect stage, and the backtest after it), in one JSON-able dict per brand and author (key
``brand_id|author_id``: the table ``author-history``, partition-local on the brand-keyed
classified topic)::

    {"authors": {author_id: {"mentions": int, "negatives": int,
                             "first_at": int, "last_at": int}},   # event times, epoch ms
     "evicted": int}                                              # authors dropped by the bound

Bounded: the least recently updated authors go first (see ``bounded``). The brand's own
accounts are not critics and are not recorded; neither are mentions without an author.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from streams.enrichment.bounded import evict_oldest, touch
from streams.models import Alert, AlertKind, ClassifiedMention, RawMention
from streams.timeunits import DAY_MS

State = dict[str, Any]


class AuthorTier(StrEnum):
    UNKNOWN = "unknown"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    VERIFIED = "verified"


_FOLLOWER_TIERS = ((1_000_000, AuthorTier.LARGE), (10_000, AuthorTier.MEDIUM), (0, AuthorTier.SMALL))
# Verification is bought on some platforms now: it lifts an account to "verified" only with a real audience.
VERIFIED_MIN_FOLLOWERS = 1_000


def author_tier(mention: RawMention) -> str:
    """Influence tier from followers and verification: unknown, small, medium, large, verified."""
    author = mention.author
    if author is None:
        return AuthorTier.UNKNOWN.value
    by_followers = next(tier for floor, tier in _FOLLOWER_TIERS if author.followers >= floor)
    if author.verified and author.followers >= VERIFIED_MIN_FOLLOWERS and by_followers is not AuthorTier.LARGE:
        return AuthorTier.VERIFIED.value
    return by_followers.value


@dataclass(frozen=True, slots=True)
class AuthorConfig:
    max_authors: int = 2000


@dataclass(frozen=True, slots=True)
class AuthorHistory:
    author_id: str
    mentions: int
    negatives: int
    first_at: int
    last_at: int


def new_state() -> State:
    return {"authors": {}, "evicted": 0}


def update_author_history(
    state: State | None, mention: ClassifiedMention, config: AuthorConfig = AuthorConfig()
) -> tuple[State, AuthorHistory | None]:
    """Pure: count one classified mention for its author; the author's history including it (None if not counted)."""
    # Copy what changes (the map and the one entry updated), so the input state stays intact.
    state = {"authors": dict(state["authors"]), "evicted": state["evicted"]} if state is not None else new_state()
    author = mention.mention.author
    if author is None or mention.enrichment.is_brand_account:
        return state, None
    t = mention.mention.created_at
    previous = state["authors"].get(author.id)
    entry = dict(previous) if previous else {"mentions": 0, "negatives": 0, "first_at": t, "last_at": t}
    entry["mentions"] += 1
    entry["negatives"] += int(mention.is_negative)
    entry["first_at"] = min(entry["first_at"], t)
    entry["last_at"] = max(entry["last_at"], t)
    touch(state["authors"], author.id, entry)
    state["evicted"] += evict_oldest(state["authors"], config.max_authors)
    return state, AuthorHistory(author.id, **entry)


def author_history(state: State | None, author_id: str) -> AuthorHistory | None:
    """The recorded history of one author, if any."""
    entry = (state or {}).get("authors", {}).get(author_id)
    return AuthorHistory(author_id, **entry) if entry is not None else None


def history_key(brand_id: str, author_id: str) -> str:
    """Table key of one author's history with one brand; the brand part names its partition."""
    return f"{brand_id}|{author_id}"


def brand_of_history_key(key: str) -> str:
    return key.split("|", 1)[0]


def track_author(histories: MutableMapping[str, State], mention: ClassifiedMention, alerts: list[Alert]) -> None:
    """Count ``mention`` in its author's history with its brand (``histories`` by ``history_key``), and give the
    repeat-critic alerts it raised that history (signals and a reason). The brand's own accounts and mentions
    without an author are not counted."""
    if mention.mention.author is None:
        return
    key = history_key(mention.brand_id, mention.mention.author.id)
    recorded, history = update_author_history(histories.get(key), mention)
    if history is None:
        return
    histories[key] = recorded
    for alert in alerts:
        if alert.kind is AlertKind.REPEAT_CRITIC:
            signals, sentence = describe_history(history, mention.mention.created_at)
            alert.signals.update(signals)
            alert.reasons.append(sentence)


def describe_history(history: AuthorHistory, now_ms: int) -> tuple[dict[str, float], str]:
    """Signals and one sentence for an alert about this author (``now_ms`` is event time)."""
    days = max(now_ms - history.first_at, 0) / DAY_MS
    signals = {"author_mentions_total": float(history.mentions), "author_negatives_total": float(history.negatives),
               "author_known_days": round(days, 2)}
    sentence = (f"history with the brand: {history.mentions} mentions, {history.negatives} negative, "
                f"over {days:.1f} days")
    return signals, sentence
