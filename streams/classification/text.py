"""Make any string safe to score, and cut it into the tokens the rules look at."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from itertools import chain
from typing import Generic, TypeVar

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


# A JSON escape left in the text by an export that escaped it twice ("didn\\u2019t", "\\ud83d\\ude02"): read as the
# character it stands for, or "didn\\u2019t" loses its negation. A surrogate pair is one character.
_ESCAPED = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u([0-9a-f]{4})", re.IGNORECASE)


def _unescape(match: re.Match[str]) -> str:
    high, low, single = match.groups()
    if single is not None:
        return chr(int(single, 16))
    return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + int(low, 16) - 0xDC00)


def clean(text: object) -> str:
    """A valid, bounded string: non-strings become '', lone surrogates and control characters become spaces."""
    if not isinstance(text, str):
        return ""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if "\\u" in text:
        text = _ESCAPED.sub(_unescape, text)
    # ASCII control characters are all unprintable: a printable ASCII text is spared the regex scan.
    if not text.isascii() or (not text.isprintable() and _CONTROL.search(text)):
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


F = TypeVar("F")  # what a TextScanner's table holds for a token

# Flags of ``TextScanner.scan``: what the valence rules need to know about the raw text's surface.
ELONGATED = 1  # some letter three times in a row ("nuuuul"): has_elongation(text)
CAPITAL_PAIR = 2  # two capitals in a row somewhere
EMOJI = 4  # some character is one of the scanner's ``emoji``
EMOTICON = 8  # some whitespace-separated chunk is one of the scanner's ``emoticons``
ANCHOR = 16  # some whitespace-separated chunk, lower-cased, holds one of the scanner's ``anchors``


class TextScanner(Generic[F]):
    """Folded tokens, what a table knows of each, and surface flags of a cleaned text, remembered per chunk.

    Mentions reuse the same few thousand whitespace-separated chunks ("the", "@united", "nul", "!!"), so after
    warm-up a text costs one ``str.split`` and a dictionary look-up per chunk (done in C by ``map``) instead of a
    Unicode fold, three regex scans of the whole text and a look-up per token. This is exact because neither
    tokens nor the flagged patterns can span whitespace, and folding is the same chunk by chunk except for the
    capital sigma, whose lower case depends on its neighbours: texts holding one take the whole-text path.

    Each chunk is remembered as one flat tuple (token, table entry, token, table entry...): a text's tuples are
    chained into one list, whose even and odd slices are its tokens and their entries, all in C.

    ``emoji`` (single characters), ``emoticons`` (whole chunks) and ``anchors`` (substrings of a lower-cased
    chunk) raise the EMOJI, EMOTICON and ANCHOR flags, so the scorer looks for them only in the texts that hold
    one, instead of in every text.
    """

    def __init__(self, table: Mapping[str, F] | None = None, max_chunks: int = 100_000,
                 emoji: frozenset[str] = frozenset(), emoticons: frozenset[str] = frozenset(),
                 anchors: tuple[str, ...] = ()) -> None:
        self._table: Mapping[str, F] = table if table is not None else {}
        self._chunks: dict[str, tuple[str | F | None, ...]] = {}  # chunk -> (token, table entry or None, ...)
        self._flags: dict[str, int] = {}  # chunk -> its surface flags, for the few chunks that have any
        self._max_chunks = max_chunks
        self._emoji = emoji
        self._emoticons = emoticons
        self._anchors = anchors

    def scan(self, text: str) -> tuple[list[str], list[F | None], int]:
        """(tokens(fold(text)), the table's entry for each token or None, ELONGATED | CAPITAL_PAIR | EMOJI |
        EMOTICON | ANCHOR flags of text)."""
        if "\u03a3" in text:
            chunks = text.split()
            flags = self._surface_flags(text) & ~(EMOTICON | ANCHOR)  # a whole text is not a chunk
            if not self._emoticons.isdisjoint(chunks):
                flags |= EMOTICON
            if any(self._holds_anchor(chunk) for chunk in chunks):
                flags |= ANCHOR
            folded = tokens(fold(text))
            return folded, list(map(self._table.get, folded)), flags
        if len(self._chunks) >= self._max_chunks:
            # A bounded memory, emptied between texts (never halfway); the common chunks soon come back.
            self._chunks.clear()
            self._flags.clear()
        chunks = text.split()
        per_chunk = list(map(self._chunks.get, chunks))
        try:
            flat = list(chain.from_iterable(per_chunk))
        except TypeError:  # a chunk not seen before (None is not iterable): rarer than a test for it is dear
            per_chunk = [known if known is not None else self._learn(chunk)
                         for chunk, known in zip(chunks, per_chunk, strict=True)]
            flat = list(chain.from_iterable(per_chunk))
        flags = 0
        if not self._flags.keys().isdisjoint(chunks):
            for chunk_flags in filter(None, map(self._flags.get, chunks)):
                flags |= chunk_flags
        return flat[::2], flat[1::2], flags  # type: ignore[return-value]

    def _learn(self, chunk: str) -> tuple[str | F | None, ...]:
        get = self._table.get
        remembered = tuple(chain.from_iterable((token, get(token)) for token in tokens(fold(chunk))))
        self._chunks[chunk] = remembered
        if flags := self._surface_flags(chunk):
            self._flags[chunk] = flags
        return remembered

    def _surface_flags(self, text: str) -> int:
        flags = ELONGATED if _REPEAT3.search(text) else 0
        if _CAPITAL_PAIR.search(text):
            flags |= CAPITAL_PAIR
        if not text.isascii() and not self._emoji.isdisjoint(text):
            flags |= EMOJI
        if text in self._emoticons:
            flags |= EMOTICON
        if self._holds_anchor(text):
            flags |= ANCHOR
        return flags

    def _holds_anchor(self, text: str) -> bool:
        lowered = text.lower()
        return any(anchor in lowered for anchor in self._anchors)
