"""Who the negative voices are: authors capped to a couple of voices an hour, copies of one text counted once or
twice, and the hour's distinct authors. A troll, an ambassador's repliers or a copy-paste bot farm are few voices,
however many posts they make."""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter, eq, lt
from zlib import crc32

from streams.detection import text
from streams.detection.config import DetectorConfig
from streams.detection.memory import evict_oldest_inserted
from streams.detection.state import AuthorRecord, BrandState, Bucket, Decayed
from streams.models import ClassifiedMention

_last_seen = attrgetter("last_seen")


def count_author(state: BrandState, author_id: str, followers: int, t: int, weight: float, cell: Bucket,
                 cfg: DetectorConfig) -> tuple[AuthorRecord, float, bool]:
    """Count a negative post of ``author_id`` at ``t``: (its record, the post's voice weight after the author's cap,
    whether the author has ``repeat_count`` negative posts on record, so may be a repeat critic)."""
    authors = state.authors
    record = authors.get(author_id)
    repeat_count = cfg.repeat_count
    if record is None:  # first seen now: no recent weight, this one negative post
        record = authors[author_id] = AuthorRecord(t, t, 1.0, t, [t])
        if len(authors) > cfg.max_authors:
            evict_authors(state, cfg)
        cell.first_time += weight
        cell.reach += followers
        if repeat_count <= 1:  # a repeat critic from the first post on (only with such a setting)
            times = record.negative_times
            if len(times) > repeat_count:
                del times[:len(times) - repeat_count]
            return record, weight, len(times) == repeat_count
        return record, weight, False
    if t > record.last_seen:
        record.last_seen = t
    recent = record.recent
    if recent == 0.0:
        if record.first_seen == t:
            cell.first_time += weight
    elif t > record.recent_at:
        recent *= 0.5 ** ((t - record.recent_at) / cfg.author_half_life_ms)
    record.recent = round(recent + 1.0, 3) if recent else 1.0
    if t > record.recent_at:
        record.recent_at = t
    if recent >= cfg.author_cap:
        weight = 0.0
    else:
        cell.reach += followers
    times = record.negative_times
    times.append(t)
    if len(times) > repeat_count:
        # To the newest ``repeat_count``: more than one only when the setting was lowered under a saved state.
        del times[:len(times) - repeat_count]
    return record, weight, len(times) == repeat_count


def evict_authors(state: BrandState, cfg: DetectorConfig) -> None:
    authors = state.authors
    cap = cfg.max_authors
    if len(authors) > cap:  # least recently seen first (ties by id, so deterministic), a fifth at once
        drop = len(authors) - cap + cap // 5
        # The drop-th smallest last-seen time: all older go, and of those seen exactly then, the smallest ids.
        # (The same set as sorting (last seen, id) pairs, without building and sorting the pairs.)
        # (The loops "for k, r in authors.items(): if r.last_seen < cut" in C, as in ``forget_authors``.)
        seen = list(map(_last_seen, authors.values()))
        cut = sorted(seen)[drop - 1]
        older = list(compress(authors, map(lt, seen, repeat(cut))))
        older += sorted(compress(authors, map(eq, seen, repeat(cut))))[: drop - len(older)]
        for k in older:
            del authors[k]
        state.stats["authors_evicted"] += drop


def forget_authors(state: BrandState, before: int) -> None:
    """Authors last seen before ``before``, older than every window and cooldown that needs them."""
    authors = state.authors
    for key in list(compress(authors, map(lt, map(_last_seen, authors.values()), repeat(before)))):
        del authors[key]  # (the loop "if record.last_seen < before", in C)


def copy_weight(state: BrandState, cm: ClassifiedMention, normalized: str, repost: bool, t: int,
                cfg: DetectorConfig) -> bool:
    """Count a negative post in its copy cluster; True when the cluster is past ``fingerprint_cap`` (a copy: no voice).

    Most posts are new short texts without enrichment's fingerprint: keyed by a hash of their words (the inlined
    ``text.fallback_fingerprint``), counted once, nothing to decay. Pure reposts are not texts of their own.
    """
    enr = cm.enrichment
    if enr.fingerprint is None and enr.near_duplicate_of is None:
        if repost:
            return False
        copies = state.copies
        key = f"#{crc32(normalized.casefold().encode('utf-8')):08x}"
        entry = copies.get(key)
        if entry is None:  # a new text
            copies[key] = Decayed(1.0, t)
            if len(copies) > cfg.max_fingerprints:
                evict_oldest_inserted(copies, cfg.max_fingerprints)
            return False
    else:
        entry = copy_cluster(state, cm, t, cfg)
    recent = entry.value
    if recent != 0.0 and t > entry.at:
        recent *= 0.5 ** ((t - entry.at) / cfg.author_half_life_ms)
    entry.value = round(recent + 1.0, 3) if recent else 1.0
    if t > entry.at:
        entry.at = t
    return recent >= cfg.fingerprint_cap


def copy_cluster(state: BrandState, cm: ClassifiedMention, t: int, cfg: DetectorConfig) -> Decayed:
    """The decayed weight of the copy cluster this mention belongs to (created if new).

    Keys, best first: enrichment's ``near_duplicate_of`` (the id of the cluster's first mention: near copies
    with slightly different texts share it), then the SimHash ``fingerprint`` (exact copies, also when no
    near-duplicate stage ran), then a hash of the text (short texts that have no fingerprint). The first
    mention of a cluster has no ``near_duplicate_of``: it registers its own id as an alias of its entry, so
    the copies that point at it count in the same cluster as it.
    """
    copies = state.copies
    enr = cm.enrichment
    origin, fp = enr.near_duplicate_of, enr.fingerprint
    if origin is not None:
        key = copies.get(origin)  # an alias (its fingerprint key) or the cluster's own entry
        entry = copies.get(key) if isinstance(key, str) else key
        if entry is None:
            entry = copies[origin] = Decayed(0.0, t)
    else:
        key = fp if fp is not None else "#" + text.fallback_fingerprint(enr.normalized_text or cm.mention.text)
        entry = copies.get(key)
        if entry is None or isinstance(entry, str):
            entry = copies[key] = Decayed(0.0, t)
        if fp is not None:
            copies[cm.mention.id] = key
    if len(copies) > cfg.max_fingerprints:
        evict_oldest_inserted(copies, cfg.max_fingerprints)  # evicted or not, this mention counts in `entry`
    return entry


def prune_copies(state: BrandState, now: int, cfg: DetectorConfig) -> None:
    """Forget copy clusters whose decayed weight can no longer flag a copy, and aliases of forgotten ones."""
    copies = state.copies
    half_life, drop = cfg.author_half_life_ms, cfg.fingerprint_drop
    gone = [k for k, v in copies.items()
            if not isinstance(v, str) and v.value * 0.5 ** ((now - v.at) / half_life) < drop]
    for key in gone:
        del copies[key]
    if gone:
        for key in [k for k, v in copies.items() if isinstance(v, str) and v not in copies]:
            del copies[key]


def count_window_author(state: BrandState, detail_authors: dict[str, int], author_id: str) -> None:
    """Breadth counts authors who wrote their own words: reposters amplify, copy-paste bots repeat."""
    detail_authors[author_id] = detail_authors.get(author_id, 0) + 1
    authors = state.window.authors
    authors[author_id] = authors.get(author_id, 0) + 1


def signals(state: BrandState) -> tuple[int, float]:
    """(distinct negative authors in the window, the most active one's share of their negative posts)."""
    authors = state.window.authors
    negatives = sum(authors.values())
    return len(authors), (max(authors.values()) / negatives if negatives else 0.0)
