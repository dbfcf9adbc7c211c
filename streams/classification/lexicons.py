"""The shipped sentiment lexicons, loaded once into plain dictionaries (see resources/LICENCES.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from streams.classification.text import fold

_HAS_WORD_CHAR = re.compile(r"\w")


def _read_pairs(name: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    text = resources.files("streams.classification.resources").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("\t")
        entries[key] = value
    return entries


def _read_tsv(name: str) -> dict[str, float]:
    return {key: float(value) for key, value in _read_pairs(name).items()}


def _forms(lexicon: dict[str, float], lemmas: dict[str, str]) -> dict[str, float]:
    """Each inflected form the lexicon lacks, at its lemma's valence ("nulles" as "nul")."""
    return {form: valence for form, lemma in lemmas.items() if form not in lexicon and (valence := lexicon.get(lemma))}


def _folded(entries: dict[str, float]) -> dict[str, float]:
    """Keys folded to lower case without accents; when two keys fold together keep the stronger valence."""
    out: dict[str, float] = {}
    for key, value in entries.items():
        folded = fold(key)
        if folded not in out or abs(value) > abs(out[folded]):
            out[folded] = value
    return out


@dataclass(frozen=True, slots=True)
class Lexicons:
    words: dict[str, dict[str, float]]  # language -> folded word -> valence (VADER scale, about -4..4)
    emoji: dict[str, float]  # single emoji character -> valence
    emoticons: dict[str, float]  # ":)", ":-(", "<3" ... -> valence
    social: dict[str, dict[str, float]]  # language -> Snowball's own social-media words (a part of ``words``)
    # language -> inflected forms of its words that ``words`` lacks, for mentions in that language only: out of
    # context many are words of another language too ("gate" of "gâter", "fans" of "faner")
    forms: dict[str, dict[str, float]]

    @classmethod
    def load(cls) -> Lexicons:
        english = _read_tsv("vader_en.tsv")
        emoticons = {k: v for k, v in english.items() if not _HAS_WORD_CHAR.search(k) and len(k) > 1}
        social = {"en": _read_tsv("social_en.tsv"), "fr": _read_tsv("social_fr.tsv")}
        words = {
            "en": {**_folded({k: v for k, v in english.items() if k not in emoticons}), **social["en"]},
            "fr": {**_folded(_read_tsv("vader_fr.tsv")), **social["fr"]},
        }
        for lexicon in words.values():
            # Single letters are what apostrophes leave of "l'", "s'", "n't": never sentiment words.
            for key in [k for k in lexicon if not _HAS_WORD_CHAR.search(k) or len(k) == 1]:
                del lexicon[key]
        emoji = {k: v for k, v in {**_read_tsv("vader_emoji.tsv"), **_read_tsv("social_emoji.tsv")}.items()
                 if len(k) == 1}
        forms = {"fr": _forms(words["fr"], _read_pairs("fr_forms.tsv"))}
        return cls(words=words, emoji=emoji, emoticons=emoticons, social=social, forms=forms)
