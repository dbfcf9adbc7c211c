"""The vectorised SimHash gives the simhash library's value bit for bit (fingerprints stay comparable)."""

import random
from collections import Counter

import pytest

from streams.enrichment.near_duplicates import _FIELD_LIMIT, _hash64, simhash64, simhash64_of

simhash = pytest.importorskip("simhash")


def test_simhash64_matches_the_library_on_shingles_and_heavy_weights():
    rnd = random.Random(7)
    texts = ["merci @acme pour rien, colis perdu encore une fois", "acmeacmeacmeacme" * 5, "ça ne marche plus"]
    cases = [Counter(t[i:i + 4] for i in range(len(t) - 3)) for t in texts]
    for _ in range(300):  # weights above the library's batching cut-off (50) take its other path
        cases.append(Counter({"".join(chr(rnd.randrange(32, 0x2000)) for _ in range(4)): rnd.choice([1, 2, 3, 51, 120])
                              for _ in range(rnd.randrange(1, 200))}))
    for features in cases:
        assert simhash64(features) == simhash.Simhash(features, f=64, hashfunc=_hash64).value


def test_simhash64_of_a_shingle_list_is_simhash64_of_its_counts():
    rnd = random.Random(11)
    lists = [[], ["abcd"], ["abcd", "abcd"], ["abcd", "bcde"] * 3 + ["cdef"]]
    for _ in range(300):  # repeats, odd and even totals (ties at exactly half are not "more than half")
        pool = ["".join(chr(rnd.randrange(32, 0x2000)) for _ in range(4)) for _ in range(rnd.randrange(1, 40))]
        lists.append([rnd.choice(pool) for _ in range(rnd.randrange(1, 300))])
    lists.append([rnd.choice(["wxyz", "abcd", "éèàç"]) for _ in range(_FIELD_LIMIT - 1)])  # the largest sums fitting
    lists.append(["abcd"] * _FIELD_LIMIT)  # too many to add in fields: the Counter path
    for shingles in lists:
        assert simhash64_of(shingles) == simhash64(Counter(shingles))
