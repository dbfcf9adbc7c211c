"""Near-duplicates (copy-paste campaigns, bot bursts): a SimHash fingerprint and a per-brand memory.

``fingerprint`` is pure and stateless (the enricher sets ``enrichment.fingerprint``). Links,
handles, emojis, case and accents do not change it, since it is computed on the normalised
text without placeholders, folded; a few changed words move it by a few bits. Texts too short
to tell a campaign from people who simply say the same thing ("merci @acme") get none.

``mark_near_duplicate`` keeps the recent fingerprints of one brand, one JSON-able dict per
brand (table ``near_duplicates[brand_id]``, partition-local on the brand-keyed topics)::

    {"recent": {mention_id: [fingerprint_hex, event_time_ms, origin_id]},  # bounded, oldest first
     "watermark": int | None}                                              # latest event time seen

``origin_id`` is the first mention of a cluster, so every copy points at the same original
and breadth can count one voice per cluster. Reposts are linked through their cascade and
are neither marked nor remembered here.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from streams.enrichment.bounded import evict_oldest, touch
from streams.enrichment.brands import fold
from streams.enrichment.text import URL_PLACEHOLDER, USER_PLACEHOLDER
from streams.timeunits import HOUR_MS

State = dict[str, Any]
BITS = 64
_PLACEHOLDERS = re.compile(rf"{re.escape(USER_PLACEHOLDER)}|\b{URL_PLACEHOLDER}\b")
_WORD_CHARS = re.compile(r"\w")
MIN_CHARS = 30  # word characters a text needs for a fingerprint
SHINGLE = 4


@dataclass(frozen=True, slots=True)
class NearDuplicateConfig:
    max_entries: int = 256
    max_age_ms: int = 6 * HOUR_MS
    max_distance: int = 6  # of 64 bits; unrelated texts sit around 32


def _hash64(data: bytes) -> bytes:
    # 8 bytes for a 64-bit fingerprint; blake2b is in the standard library and fast.
    return hashlib.blake2b(data, digest_size=8).digest()


_DIGESTS: dict[str, bytes] = {}  # shingle -> _hash64 digest: 4-grams of a language repeat a lot
_DIGEST_CACHE_MAX = 200_000


def _digests(shingles: Iterable[str]) -> bytes:
    """The concatenated ``_hash64`` digests of the shingles, from the cache where it has them."""
    found = list(map(_DIGESTS.get, shingles))
    if None in found:
        if len(_DIGESTS) >= _DIGEST_CACHE_MAX:
            _DIGESTS.clear()
        found = [d if d is not None else _DIGESTS.setdefault(s, _hash64(s.encode("utf-8")))
                 for s, d in zip(shingles, found, strict=True)]
    return b"".join(found)


def simhash64(features: Counter[str]) -> int:
    """The 64-bit SimHash of weighted features, bit for bit what ``simhash.Simhash(features, f=64,
    hashfunc=_hash64).value`` gives (bit i set when the features whose hash has bit i weigh more than
    half of all), in one vectorised pass instead of the library's per-feature Python loop."""
    weights = np.fromiter(features.values(), dtype=np.int64, count=len(features))
    bits = np.unpackbits(np.frombuffer(_digests(features), dtype=np.uint8)).reshape(-1, BITS)
    sums = weights @ bits
    return int.from_bytes(np.packbits(sums > int(weights.sum()) / 2).tobytes(), "big")


def fingerprint(normalized_text: str, min_chars: int = MIN_CHARS) -> str | None:
    """16 hex digits of the 64-bit SimHash of character 4-grams, or None for a text too short to compare."""
    content = "".join(_WORD_CHARS.findall(fold(_PLACEHOLDERS.sub(" ", normalized_text))))
    if len(content) < min_chars:
        return None
    # Character 4-grams of the words run together, as the library does for text, counted in C.
    shingles = Counter([content[i:i + SHINGLE] for i in range(len(content) - SHINGLE + 1)])
    return f"{simhash64(shingles):016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance of two fingerprints."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def new_state() -> State:
    return {"recent": {}, "watermark": None}


def mark_near_duplicate(
    state: State | None,
    mention_id: str,
    fp: str | None,
    event_time: int,
    config: NearDuplicateConfig = NearDuplicateConfig(),
    *,
    in_place: bool = False,
) -> tuple[State, str | None]:
    """Pure: the new state and the id of the original this mention nearly copies (None if it is no copy).

    ``in_place=True`` updates ``state`` itself instead of a copy, for a caller that owns it (a batch
    updating the copy it made on its first mention); the result is the same.
    """
    # Copy what changes: entries are replaced, never mutated, so a shallow copy keeps the input intact.
    if state is None:
        state = new_state()
    elif not in_place:
        state = {"recent": dict(state["recent"]), "watermark": state["watermark"]}
    if fp is None:
        return state, None
    recent: dict[str, list] = state["recent"]
    if mention_id in recent:  # the same mention again (another brand's state never sees it twice)
        return state, recent[mention_id][2] if recent[mention_id][2] != mention_id else None
    watermark = event_time if state["watermark"] is None else max(state["watermark"], event_time)
    state["watermark"] = watermark
    best: tuple[int, int, str] | None = None
    value = int(fp, 16)
    oldest, max_age, max_distance = watermark - config.max_age_ms, config.max_age_ms, config.max_distance
    expired = []
    for other_id, (other_fp, other_t, origin) in recent.items():
        if other_t < oldest:
            expired.append(other_id)
            continue
        if abs(other_t - event_time) > max_age:
            continue
        d = (value ^ int(other_fp, 16)).bit_count()
        if d <= max_distance and (best is None or (d, other_t) < best[:2]):
            best = (d, other_t, origin)
    for other_id in expired:
        del recent[other_id]
    origin = best[2] if best is not None else mention_id
    touch(recent, mention_id, [fp, event_time, origin])
    evict_oldest(recent, config.max_entries)
    return state, (origin if best is not None else None)
