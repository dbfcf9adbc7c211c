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
import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from streams.enrichment.brands import fold
from streams.enrichment.text import URL_PLACEHOLDER, USER_PLACEHOLDER
from streams.timeunits import HOUR_MS

State = dict[str, Any]
BITS = 64
_PLACEHOLDERS = re.compile(rf"{re.escape(USER_PLACEHOLDER)}|\b{URL_PLACEHOLDER}\b")
_NON_WORD = re.compile(r"\W+")  # the text's word characters run together are what is left
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
    bits = np.unpackbits(np.frombuffer(_digests(features), dtype=np.uint8)).reshape(-1, BITS)
    weights = list(features.values())
    total = sum(weights)
    # Most shingles occur once in a text: the weighted sums are then the plain column sums.
    sums = bits.sum(axis=0, dtype=np.int64) if total == len(weights) else np.array(weights, dtype=np.int64) @ bits
    return int.from_bytes(np.packbits(2 * sums > total).tobytes(), "big")


# Each shingle's digest with its 64 bits spread one to a 16-bit field (bit i in field i): adding these up adds
# every bit column at once, in one Python int, while the sums stay under 2**15 (no field then carries into the next).
_FIELD_BITS = 16
_FIELD_LIMIT = 1 << (_FIELD_BITS - 1)
_EVERY_FIELD = sum(1 << (_FIELD_BITS * i) for i in range(BITS))  # 1 in each field
_SPREADS: dict[str, int] = {}  # shingle -> its spread digest, bounded as ``_DIGESTS``
_TOP_BIT = bytes.maketrans(bytes(range(256)), b"0" * 128 + b"1" * 128)  # a byte -> "1" when its top bit is set


# A byte's 8 bits spread to fields: a digest's byte j (big-endian) holds its bits 8 * (7 - j) and up.
_BYTE_SPREADS = [sum(((byte >> i) & 1) << (_FIELD_BITS * i) for i in range(8)) for byte in range(256)]


def _spread(digest: bytes) -> int:
    last = len(digest) - 1
    return sum(_BYTE_SPREADS[byte] << (8 * _FIELD_BITS * (last - j)) for j, byte in enumerate(digest))


def simhash64_of(shingles: list[str]) -> int:
    """``simhash64(Counter(shingles))``: a shingle's weight is how often it occurs, so each bit's weighted sum is
    the sum over the occurrences. Added as spread digests, with every field biased so that its top bit is set
    exactly when its sum is more than half of all: the fingerprint is those top bits, read in C."""
    total = len(shingles)
    if total >= _FIELD_LIMIT:  # a sum could outgrow its field
        return simhash64(Counter(shingles))
    found = list(map(_SPREADS.get, shingles))
    if None in found:
        if len(_SPREADS) >= _DIGEST_CACHE_MAX:
            _SPREADS.clear()
        found = [d if d is not None else _SPREADS.setdefault(s, _spread(_hash64(s.encode("utf-8"))))
                 for s, d in zip(shingles, found, strict=True)]
    # More than half of ``total`` is at least total // 2 + 1: adding _FIELD_LIMIT less that sets the top bit.
    biased = sum(found) + (_FIELD_LIMIT - (total // 2 + 1)) * _EVERY_FIELD
    top_bytes = biased.to_bytes(BITS * _FIELD_BITS // 8, "big")[::_FIELD_BITS // 8]  # field 63's first
    return int(top_bytes.translate(_TOP_BIT), 2)


# Word characters of an ASCII text are [A-Za-z0-9_]: deleting the other bytes is ``_NON_WORD.sub("", ...)``.
_ASCII_NON_WORD = bytes(c for c in range(128) if not re.match(r"\w", chr(c)))


def _word_characters(text: str) -> str:
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_NON_WORD).decode("ascii")
    return _NON_WORD.sub("", text)


def fingerprint(normalized_text: str, min_chars: int = MIN_CHARS) -> str | None:
    """16 hex digits of the 64-bit SimHash of character 4-grams, or None for a text too short to compare."""
    if USER_PLACEHOLDER in normalized_text or URL_PLACEHOLDER in normalized_text:  # what ``_PLACEHOLDERS`` needs
        normalized_text = _PLACEHOLDERS.sub(" ", normalized_text)
    content = _word_characters(fold(normalized_text))
    if len(content) < min_chars:
        return None
    # Character 4-grams of the words run together, as the library does for text.
    return f"{simhash64_of([content[i:i + SHINGLE] for i in range(len(content) - SHINGLE + 1)]):016x}"


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
    updating the copy it made on its first mention); the result is the same. A caller marking many
    mentions of one brand in a row keeps a ``NearDuplicateMemory`` instead: it indexes the state once.
    """
    memory = NearDuplicateMemory(state, config, in_place=in_place)
    return memory.state, memory.mark(mention_id, fp, event_time)


def _bands(max_distance: int) -> list[tuple[int, int, int]]:
    """(shift, mask, number) of ``max_distance + 1`` disjoint bit ranges covering the 64 bits. Two fingerprints at
    most ``max_distance`` bits apart differ in at most that many ranges, so they agree on at least one
    (pigeonhole): the entries sharing a range's value with a fingerprint hold every match, and the index misses
    none."""
    count = max_distance + 1
    bounds = [BITS * i // count for i in range(count + 1)]
    return [(low, (1 << (high - low)) - 1, number) for number, (low, high) in enumerate(pairwise(bounds))]


# Marks a memory answers by scanning before it builds its index: a build costs about as many scans.
INDEX_AFTER = 8


class NearDuplicateMemory:
    """One brand's state (the layout above) with an exact index over its fingerprints.

    ``mark`` gives what a scan of every remembered fingerprint gives (the closest one in distance, then the
    earliest in event time, then the first remembered) and leaves the state as the scan leaves it, key order
    included, but looks only at the fingerprints that share a band of bits with the new one. Expiry pops a
    heap by event time instead of scanning. Build one per brand and batch.

    The index costs about as much to build as ``INDEX_AFTER`` scans, and a live batch often holds only a few
    mentions of a brand: so the first ``INDEX_AFTER`` marks scan (the same answers), and only a memory marking
    more builds its index.
    """

    def __init__(self, state: State | None, config: NearDuplicateConfig = NearDuplicateConfig(), *,
                 in_place: bool = False) -> None:
        # Copy what changes: entries are replaced, never mutated, so a shallow copy keeps the input intact.
        if state is None:
            state = new_state()
        elif not in_place:
            state = {"recent": dict(state["recent"]), "watermark": state["watermark"]}
        self.state = state
        self.config = config
        # Wider than 64 bits of tolerance, every fingerprint matches: no band can rule one out.
        self._bands = _bands(config.max_distance) if config.max_distance < BITS else []
        self._index: dict[int, set[str]] = {}  # a band's value and number (7 low bits) -> the ids that have it
        self._entries: dict[str, tuple[int, int, list[int]]] = {}  # mention id -> (fingerprint, place, band keys)
        self._by_time: list[tuple[int, int, str]] = []  # heap of (event time, place, mention id)
        self._places = 0
        self._scans_left = INDEX_AFTER  # marks answered by a scan before the index is built

    def _build_index(self) -> None:
        for mention_id, (fp, event_time, _) in self.state["recent"].items():
            value = int(fp, 16)
            self._remember(mention_id, value, self._keys(value), event_time)
        self._scans_left = -1

    def _keys(self, value: int) -> list[int]:
        return [((value >> shift) & mask) << 7 | number for shift, mask, number in self._bands]

    def _remember(self, mention_id: str, value: int, keys: list[int], event_time: int) -> None:
        place = self._places
        self._places += 1
        self._entries[mention_id] = (value, place, keys)
        heapq.heappush(self._by_time, (event_time, place, mention_id))
        index = self._index
        for key in keys:
            ids = index.get(key)
            if ids is None:
                index[key] = {mention_id}
            else:
                ids.add(mention_id)

    def _forget(self, mention_id: str) -> None:
        del self.state["recent"][mention_id]
        _, _, keys = self._entries.pop(mention_id)
        index = self._index
        for key in keys:
            ids = index[key]
            if len(ids) == 1:
                del index[key]
            else:
                ids.discard(mention_id)

    def _candidates(self, keys: list[int]) -> set[str] | dict[str, tuple[int, int, list[int]]]:
        if not self._bands:
            return self._entries
        return set().union(*filter(None, map(self._index.get, keys)))

    def _expire(self, oldest: int) -> None:
        """Forget every fingerprint older than ``oldest`` (heap entries of forgotten places are skipped)."""
        by_time, entries = self._by_time, self._entries
        while by_time and by_time[0][0] < oldest:
            _, place, mention_id = heapq.heappop(by_time)
            entry = entries.get(mention_id)
            if entry is not None and entry[1] == place:
                self._forget(mention_id)

    def mark(self, mention_id: str, fp: str | None, event_time: int) -> str | None:
        """Remember this mention's fingerprint; the id of the original it nearly copies (None if it is no copy)."""
        state = self.state
        if fp is None:
            return None
        recent: dict[str, list] = state["recent"]
        if mention_id in recent:  # the same mention again (another brand's state never sees it twice)
            return recent[mention_id][2] if recent[mention_id][2] != mention_id else None
        watermark = event_time if state["watermark"] is None else max(state["watermark"], event_time)
        state["watermark"] = watermark
        max_age, max_distance = self.config.max_age_ms, self.config.max_distance
        if self._scans_left > 0:
            self._scans_left -= 1
            return self._mark_by_scan(mention_id, fp, event_time, watermark)
        if self._scans_left == 0:
            self._build_index()
        self._expire(watermark - max_age)
        value = int(fp, 16)
        keys = self._keys(value)
        best: tuple[int, int, int, str] | None = None
        for other_id in self._candidates(keys):
            other_value, place, _ = self._entries[other_id]
            d = (value ^ other_value).bit_count()
            if d > max_distance:
                continue
            _, other_t, origin = recent[other_id]
            if abs(other_t - event_time) > max_age:
                continue
            if best is None or (d, other_t, place) < best[:3]:
                best = (d, other_t, place, origin)
        origin = best[3] if best is not None else mention_id
        recent[mention_id] = [fp, event_time, origin]
        self._remember(mention_id, value, keys, event_time)
        while len(recent) > self.config.max_entries:  # the least recently remembered go first (see ``bounded``)
            self._forget(next(iter(recent)))
        return origin if best is not None else None

    def _mark_by_scan(self, mention_id: str, fp: str, event_time: int, watermark: int) -> str | None:
        """``mark`` by a scan of every remembered fingerprint, before the index is built (the same answer and
        state: expired ones forgotten, the closest in distance, then the earliest, then the first remembered)."""
        recent: dict[str, list] = self.state["recent"]
        max_age, max_distance = self.config.max_age_ms, self.config.max_distance
        oldest = watermark - max_age
        for expired in [other_id for other_id, entry in recent.items() if entry[1] < oldest]:
            del recent[expired]
        value = int(fp, 16)
        best: tuple[int, int, str] | None = None
        for other_fp, other_t, origin in recent.values():
            d = (value ^ int(other_fp, 16)).bit_count()
            if d <= max_distance and abs(other_t - event_time) <= max_age and (best is None or (d, other_t) < best[:2]):
                best = (d, other_t, origin)
        recent[mention_id] = [fp, event_time, best[2] if best is not None else mention_id]
        while len(recent) > self.config.max_entries:  # the least recently remembered go first
            del recent[next(iter(recent))]
        return best[2] if best is not None else None
