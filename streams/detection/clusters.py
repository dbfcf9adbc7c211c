"""What a wave is about: its emerging terms grouped by the negative posts they share.

A community manager reads "cancelled, rebook, flightled in 40%; hold, phone in 25% of the hour's negative posts"
faster than eight loose words: two complaints, two answers. Terms that keep appearing in the same posts form
one cluster; each cluster's share is the part of the sampled posts that carry at least one of its terms.
Pure and order-independent: the same terms and posts give the same clusters whatever the posts' order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TermCluster:
    terms: tuple[str, ...]  # best-scoring term first
    share: float  # of the sampled negative posts, carrying at least one of the terms
    posts: int

    def to_record(self) -> dict[str, object]:
        return {"terms": list(self.terms), "share": self.share}


def term_clusters(candidates: Sequence[str], posts: Iterable[Iterable[str]], *, max_clusters: int = 3,
                  max_terms: int = 5, min_overlap: float = 0.5, min_posts: int = 3,
                  min_share: float = 0.1) -> list[TermCluster]:
    """Group ``candidates`` (emerging terms, best first) by co-occurrence in ``posts`` (each a post's terms).

    Greedy, in the candidates' order: a term joins the cluster whose first term it shares most posts with,
    when that overlap (shared posts over the smaller of the two terms' posts) is at least ``min_overlap``;
    otherwise it starts a cluster of its own, while there are fewer than ``max_clusters``. Terms found in fewer
    than ``min_posts`` posts are left out, as are clusters carrying less than ``min_share`` of the posts.
    Largest share first.
    """
    sets = [frozenset(p) for p in posts]
    if not sets:
        return []
    where: dict[str, set[int]] = {t: set() for t in candidates}
    for i, post in enumerate(sets):
        for term in post.intersection(where):
            where[term].add(i)
    clusters: list[tuple[list[str], set[int], set[int]]] = []  # (terms, first term's posts, all posts)
    for term in candidates:
        mine = where[term]
        if len(mine) < min_posts:
            continue
        best, best_overlap = None, 0.0
        for cluster in clusters:
            seed = cluster[1]
            overlap = len(mine & seed) / min(len(mine), len(seed))
            if overlap > best_overlap:
                best, best_overlap = cluster, overlap
        if best is not None and best_overlap >= min_overlap:
            if len(best[0]) < max_terms:
                best[0].append(term)
                best[2].update(mine)
        elif len(clusters) < max_clusters:
            clusters.append(([term], mine, set(mine)))
    out = [TermCluster(tuple(terms), round(len(covered) / len(sets), 3), len(covered))
           for terms, _, covered in clusters if len(covered) >= min_share * len(sets)]
    out.sort(key=lambda c: (-c.share, c.terms))
    return out
