"""Cheap text keys: terms for the emerging-terms signal, and a fallback copy-paste fingerprint."""

from __future__ import annotations

import re
import zlib

TERM = _TERM = re.compile(r"(?<![@\w])#?[^\W\d_][\w'-]{2,}")
# ...and the leftovers of markup: "http" is enrichment's placeholder for a link, "amp"/"quot" are HTML entities
# (&amp;) as platforms deliver them. None says what a wave is about.
STOPWORDS = frozenset(
    """
    the and for with that this you your are was were have has had not but from they them what when who why how
    just can cant can't don't dont its it's our out all any now get got been will would could should there their
    here than then too very again still since about after before into over more most some such only also being
    les des une est pas que qui pour avec sur dans par plus mais vous nous elle ils sont ont fait cette ces
    aux chez depuis encore toujours tres très mon mes ton tes son ses leur leurs même meme comme tout tous
    i'm i've i'd you're we're they're isn't wasn't didn't doesn't won't did does doing yet even
    c'est j'ai n'est n'ai d'un d'une qu'il qu'on suis était etait être etre avoir été ete ça cela rien jamais
    quand alors aussi donc car puis votre vos notre nos
    http https www amp quot
    """.split()
)


def terms(text: str) -> set[str]:
    """Distinct content words and hashtags of an already folded text (no @handles, no stopwords)."""
    return set(_TERM.findall(text)).difference(STOPWORDS)


def fallback_fingerprint(text: str) -> str:
    """Same text (case aside) -> same key: exact copy-paste only. Used when enrichment gave no fingerprint;
    enrichment's near-duplicate fingerprints also catch copies with small edits."""
    return format(zlib.crc32(text.casefold().encode("utf-8")), "08x")
