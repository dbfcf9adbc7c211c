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
# Two capitals in a row: the text may stress a word by writing it in capitals.
_CAPITAL_PAIR = re.compile(r"[A-Z\u00c0-\u00de]{2}")


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


# Flags of ``TextScanner.scan``: what the valence rules need to know about the raw text's surface.
ELONGATED = 1  # some letter three times in a row ("nuuuul"): has_elongation(text)
CAPITAL_PAIR = 2  # two capitals in a row somewhere


class TextScanner:
    """Folded tokens and surface flags of a cleaned text, remembered per whitespace-separated chunk.

    Mentions reuse the same few thousand chunks ("the", "@united", "nul", "!!"), so after warm-up a text costs one
    ``str.split`` and a dictionary look-up per chunk instead of a Unicode fold and three regex scans of the
    whole text. This is exact because neither tokens nor the flagged patterns can span whitespace, and folding
    is the same chunk by chunk except for the capital sigma, whose lower case depends on its neighbours: texts
    holding one take the whole-text path.
    """

    def __init__(self, max_chunks: int = 100_000) -> None:
        self._chunks: dict[str, tuple[tuple[str, ...], int]] = {}
        self._max_chunks = max_chunks

    def scan(self, text: str) -> tuple[list[str], int]:
        """(tokens(fold(text)), ELONGATED | CAPITAL_PAIR flags of text)."""
        if "\u03a3" in text:
            return tokens(fold(text)), _surface_flags(text)
        folded: list[str] = []
        flags = 0
        known = self._chunks
        for chunk in text.split():
            entry = known.get(chunk)
            if entry is None:
                entry = self._learn(chunk)
            folded += entry[0]
            flags |= entry[1]
        return folded, flags

    def _learn(self, chunk: str) -> tuple[tuple[str, ...], int]:
        if len(self._chunks) >= self._max_chunks:
            self._chunks.clear()  # a bounded memory; the common chunks come back within a few batches
        entry = (tuple(tokens(fold(chunk))), _surface_flags(chunk))
        self._chunks[chunk] = entry
        return entry


def _surface_flags(text: str) -> int:
    flags = ELONGATED if _REPEAT3.search(text) else 0
    if _CAPITAL_PAIR.search(text):
        flags |= CAPITAL_PAIR
    return flags
