"""Make any string safe to score, and cut it into the tokens the rules look at."""

from __future__ import annotations

import re
import unicodedata

# Scoring cost grows with length; a mention longer than this is scored on its beginning only.
MAX_CHARS = 2_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Apostrophes split words: French elisions (l'avion, n'est) fall apart into their two words, and English
# contractions into a stem and a clitic ("don't" -> "don", "t"), which the negation rules know.
_TOKEN = re.compile(r"[#@]?\w+")
# Combining marks left by NFKD decomposition: the accents of é, è, ç...
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_REPEAT3 = re.compile(r"(\w)\1{2,}")


def clean(text: object) -> str:
    """A valid, bounded string: non-strings become '', lone surrogates and control characters become spaces."""
    if not isinstance(text, str):
        return ""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if not text.isascii() or _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return text


def fold(word: str) -> str:
    """Lower case without accents: the form lexicon keys are stored in."""
    word = word.lower()
    if word.isascii():
        return word
    return _COMBINING.sub("", unicodedata.normalize("NFKD", word))


def tokens(text: str) -> list[str]:
    """Word, #hashtag and @handle tokens of a text."""
    return _TOKEN.findall(text)


def has_elongation(text: str) -> bool:
    return _REPEAT3.search(text) is not None


def squeeze(word: str) -> tuple[str, str] | None:
    """An elongated word ("nuuuul", "soooo") as (letters doubled at most, letters single), or None."""
    if not _REPEAT3.search(word):
        return None
    return _REPEAT3.sub(r"\1\1", word), _REPEAT3.sub(r"\1", word)
