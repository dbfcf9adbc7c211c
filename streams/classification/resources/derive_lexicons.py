"""Maintainer tool: rebuild the shipped base lexicons from the MIT-licensed VADER packages.

Not used at run time. Needs ``pip install vaderSentiment vaderSentiment-fr spacy-lookups-data`` and is run by hand:
``python streams/classification/resources/derive_lexicons.py``. See LICENCES.md for the terms of each file.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent


def _vader_en(package_dir: Path) -> dict[str, float]:
    lexicon = {}
    for line in (package_dir / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip():
            lexicon[parts[0].strip()] = float(parts[1])
    return lexicon


def _vader_fr(package_dir: Path) -> dict[str, float]:
    lexicon = {}
    for line in (package_dir / "fr_lexicon.txt").read_text(encoding="utf-8").splitlines():
        word, sep, value = line.rpartition("->")
        if sep and word.strip():
            lexicon[word.strip()] = float(value)
    return lexicon


def _emoji_valence(package_dir: Path, english: dict[str, float]) -> dict[str, float]:
    """VADER scores an emoji through the words of its English description; keep the summed valence."""
    valence = {}
    for line in (package_dir / "emoji_utf8_lexicon.txt").read_text(encoding="utf-8").splitlines():
        emoji, _, description = line.partition("\t")
        score = sum(english.get(word, 0.0) for word in description.lower().split())
        if emoji and score:
            valence[emoji] = round(max(-3.5, min(3.5, score)), 3)
    return valence


def _french_forms(lemma_table: Path, lemmas: set[str]) -> dict[str, str]:
    """Inflected French form -> its lemma, folded, for the lemmas a French lexicon knows ("nulles" -> "nul").

    From spaCy's French lemma look-up table (spacy-lookups-data, MIT); the lexicons list mostly one form of a word,
    tweets use them all. The loader gives a form its lemma's valence only when no lexicon lists the form itself.
    """
    import gzip
    import json

    from streams.classification.text import fold

    forms: dict[str, str] = {}
    for form, lemma in json.loads(gzip.decompress(lemma_table.read_bytes())).items():
        lemma = fold(lemma[0] if isinstance(lemma, list) else lemma)
        folded = fold(form)
        # A lemma of two letters is a function word ("nos" -> "no", which the translated lexicon copies from English).
        if len(lemma) > 2 and lemma in lemmas and folded != lemma and folded not in lemmas and " " not in folded:
            forms.setdefault(folded, lemma)
    return forms


def _write(path: Path, entries: dict[str, float]) -> None:
    lines = [f"{key}\t{value:g}" for key, value in sorted(entries.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    import vaderSentiment
    import vaderSentiment_fr

    en_dir = Path(vaderSentiment.__file__).parent
    fr_dir = Path(vaderSentiment_fr.__file__).parent
    english = _vader_en(en_dir)
    _write(HERE / "vader_en.tsv", english)
    _write(HERE / "vader_fr.tsv", _vader_fr(fr_dir))
    _write(HERE / "vader_emoji.tsv", _emoji_valence(en_dir, english))

    import spacy_lookups_data

    sys.path.insert(0, str(HERE.parents[2]))
    from streams.classification.lexicons import _folded, _read_tsv

    french = {**_folded(_read_tsv("vader_fr.tsv")), **_read_tsv("social_fr.tsv")}
    table = Path(spacy_lookups_data.__file__).parent / "data" / "fr_lemma_lookup.json.gz"
    forms = _french_forms(table, {word for word, valence in french.items() if valence})
    lines = [f"{form}\t{lemma}" for form, lemma in sorted(forms.items())]
    (HERE / "fr_forms.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
