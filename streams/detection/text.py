"""Cheap text keys: terms for the emerging-terms signal, and a fallback copy-paste fingerprint."""

from __future__ import annotations

import re
import zlib

from streams.enrichment.brands import fold

_TERM = re.compile(r"(?<![@\w])#?[^\W\d_][\w'-]{2,}")
_NOISE = re.compile(r"https?://\S+|@\w+|\s+")
STOPWORDS = frozenset(
    """
    the and for with that this you your are was were have has had not but from they them what when who why how
    just can cant can't don't dont its it's our out all any now get got been will would could should there their
    here than then too very again still since about after before into over more most some such only also being
    les des une est pas que qui pour avec sur dans par plus mais vous nous elle ils sont ont fait cette ces
    aux chez depuis encore toujours tres très mon mes ton tes son ses leur leurs même meme comme tout tous
    """.split()
)


def terms(text: str) -> set[str]:
    """Distinct content words and hashtags of an already folded text (no @handles, no stopwords)."""
    return {w for w in _TERM.findall(text) if w not in STOPWORDS}


def fallback_fingerprint(normalized_text: str, text: str) -> str:
    """Same text once links, handles and spacing are ignored -> same key. Used when enrichment gave none."""
    base = normalized_text or fold(text)
    return format(zlib.crc32(_NOISE.sub(" ", base).strip().encode("utf-8")), "08x")
