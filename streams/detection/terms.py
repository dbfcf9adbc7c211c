"""What a wave is about: the hour's terms in negative posts against the brand's usual negative vocabulary."""

from __future__ import annotations

import math
from collections import _count_elements  # type: ignore[attr-defined]  # Counter.update's counting loop
from itertools import compress, repeat
from operator import attrgetter, eq, lt, mul

from streams.detection import text
from streams.detection.config import DetectorConfig
from streams.detection.state import BrandState, BucketDetail, Decayed
from streams.detection.stats import decayed

_findall_terms = text.TERM.findall
_STOPWORDS = text.STOPWORDS
_at = attrgetter("at")
_value = attrgetter("value")


def count(state: BrandState, detail: BucketDetail, normalized: str, cfg: DetectorConfig) -> None:
    """Count a negative post's distinct terms (``text.terms``) in its bucket and the window, and keep a sample of
    the posts' terms for the clusters an alert shows (clusters.py)."""
    # Sorted: a set's order follows the process's string hashing, and the counts' key order is saved (codec.py),
    # so the same mentions give the same saved state in every process.
    words = sorted(set(_findall_terms(normalized.casefold())).difference(_STOPWORDS))
    _count_elements(detail.terms, words)  # +1 for each, as Counter.update does, in C
    _count_elements(state.window.terms, words)
    if words and len(detail.posts) < cfg.cluster_posts_per_bucket:
        detail.posts.append(words)


def fold(state: BrandState, terms: dict[str, int], t: int, cfg: DetectorConfig) -> None:
    """Fold a bucket's terms, leaving the window at ``t``, into the brand's decayed negative vocabulary."""
    vocab = state.vocab
    half_life = cfg.vocab_half_life_ms
    factors: dict[int, float] = {}  # decay factor by the time an entry was last folded (a bucket start: few)
    get = vocab.get
    for term, n in terms.items():
        entry = get(term)
        if entry is None:
            vocab[term] = Decayed(float(n), t)
            continue
        value, since = entry.value, entry.at
        if t > since:
            if value != 0.0:  # stats.decayed, with the factor computed once per time
                factor = factors.get(since)
                if factor is None:
                    factor = factors[since] = 0.5 ** ((t - since) / half_life)
                value *= factor
            entry.at = t
        entry.value = round(value + n, 3)
    mass = state.vocab_mass
    if mass is None:  # nothing folded yet: what vocab holds now
        state.vocab_mass = Decayed(round(sum(decayed(v.value, v.at, t, half_life) for v in vocab.values()), 3), t)
    else:
        mass.value = round(decayed(mass.value, mass.at, t, half_life) + sum(terms.values()), 3)
        mass.at = max(mass.at, t)
    if len(vocab) > cfg.max_vocab:
        _evict(vocab, len(vocab) - cfg.max_vocab + cfg.max_vocab // 5, t, half_life)


def _evict(vocab: dict[str, Decayed], drop: int, t: int, half_life: int) -> None:
    """Drop the ``drop`` terms of lowest decayed count at ``t`` (ties: the smallest terms), as
    ``memory.evict_lowest`` ranked by ``stats.decayed`` does.

    Entries were last folded at few times (bucket starts), so the decay factors are computed once per time and
    the ranks in C; the cut is the drop-th smallest rank: all lower go, and of those at the cut, the smallest
    terms (the same set as sorting (rank, term) pairs, without building and sorting the pairs)."""
    ats = list(map(_at, vocab.values()))
    # value * 1.0 is value, and 0.0 * factor is 0.0: stats.decayed's own cases.
    factors = {at: 1.0 if t <= at else 0.5 ** ((t - at) / half_life) for at in set(ats)}
    ranks = list(map(mul, map(_value, vocab.values()), map(factors.__getitem__, ats)))
    cut = sorted(ranks)[drop - 1]
    gone = list(compress(vocab, map(lt, ranks, repeat(cut))))
    gone += sorted(compress(vocab, map(eq, ranks, repeat(cut))))[: drop - len(gone)]
    for key in gone:
        del vocab[key]


def emerging(state: BrandState, cfg: DetectorConfig, now: int,
             exclude: frozenset[str] = frozenset(), limit: int | None = None) -> list[tuple[str, float]]:
    """Terms over-represented in the last hour's negative mentions, best first, with a z-like score.

    A term's expected count is its usual share of the brand's negative vocabulary (decayed, ``vocab`` over
    ``vocab_mass``) times the hour's own term count: a wave doubles every usual word ("flight" for an airline),
    and only the words it carries more than usual say what it is about. A term never seen before expects 0.
    ``exclude``: terms never shown, the brand's own names and hashtags (every mention of a brand names it, so
    its name rises with any wave and says nothing about what the wave is about)."""
    window = state.window.terms
    half_life = cfg.vocab_half_life_ms
    mass = state.vocab_mass
    usual_mass = decayed(mass.value, mass.at, now, half_life) if mass else 0.0
    per_usual = sum(window.values()) / usual_mass if usual_mass > 0 else 0.0
    vocab = state.vocab
    scored = []
    for term, n in window.items():
        if n < 3 or term in exclude:
            continue
        entry = vocab.get(term)
        expected = decayed(entry.value, entry.at, now, half_life) * per_usual if entry else 0.0
        if n < cfg.emerging_min_ratio * expected:
            continue
        score = (n - expected) / math.sqrt(expected + 1.0)
        if score > cfg.emerging_min_score:
            scored.append((term, round(score, 2)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[: cfg.top_terms if limit is None else limit]
