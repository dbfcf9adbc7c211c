"""Maintainer tool: rebuild the shipped base lexicons from the MIT-licensed VADER packages.

Not used at run time. Needs ``pip install vaderSentiment vaderSentiment-fr`` and is run by hand:
``python streams/classification/resources/derive_lexicons.py``. See LICENCES.md for the terms of each file.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
