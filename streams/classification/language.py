"""Language identification fast enough for the stream and sound on short texts.

Two cheap signals: the script of the letters (Cyrillic, Arabic, CJK... name the language at once), and for Latin
script a vote of very common function words, which even a five-word tweet contains. A mention in a language the
vote cannot tell is 'und' (or its platform hint), never forced into French or English. The word lists are written
for Snowball (Apache-2.0): the most frequent function words of each language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_FUNCTION_WORDS: dict[str, str] = {
    "en": "the and is are was were to of in on for with this that it you your my me i we our they not no but "
    "have has had will would can don doesn didn isn what why how when just so at from be been "
    "please thanks thank get got any there their about an or if do does did all",
    "fr": "le la les des du de et est sont une un je tu il elle nous vous ils pas ne que qui quoi pour avec "
    "sur dans ce cette ces mon ma mes ton ta tes son sa ses leur au aux mais ou donc car tres plus moins "
    "comme c j l d qu ai suis etait sera ont avait chez encore toujours rien jamais aussi merci bonjour y a en",
    "es": "el la los las de del y es son una un que por para con no se su sus al lo muy pero como esta este "
    "estoy gracias hola tambien porque cuando donde yo tu mi nos hay ya",
    "de": "der die das und ist sind ein eine nicht ich du wir ihr sie mit fur auf zu von den dem des im "
    "auch aber wie was noch nur schon sehr danke bitte mein dein kein oder wenn",
    "it": "il lo la gli le di e che non sono una un per con su del della dei delle mi ti ci si ma come "
    "anche molto grazie questo questa sempre ancora perche ho hai io tu",
    "pt": "o os as de do da dos das e que nao um uma para com por se mais muito mas como esta isso eu voce "
    "obrigado obrigada tambem ja quando onde sao tem",
    "nl": "de het een en is zijn niet ik je wij jij van voor met op aan dat dit maar ook nog wel geen "
    "heel bedankt dank wat hoe waarom",
}

# Letters one Latin-script language uses and the others here do not.
_TELLTALE_LETTERS = {"ñ": "es", "¿": "es", "¡": "es", "ß": "de", "ã": "pt", "õ": "pt", "ç": "fr", "œ": "fr",
                     "ê": "fr", "è": "fr", "à": "fr", "ù": "fr", "ë": "fr", "î": "fr", "ï": "fr", "û": "fr",
                     "ä": "de", "ö": "de", "ü": "de", "ò": "it", "ì": "it"}

_TELLTALE_SET = frozenset(_TELLTALE_LETTERS)

# (pattern, language): first match of a non-Latin script wins; ordered so Japanese kana beat shared Han.
_SCRIPTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
]
_ANY_NON_LATIN = re.compile("|".join(pattern.pattern for pattern, _ in _SCRIPTS))
_UKRAINIAN = re.compile(r"[іїєґ]")
_PERSIAN = re.compile(r"[پچژگ]")
_LETTERS = re.compile(r"[^\W\d_]")

# A platform's language hint counts as this many function words: it settles close calls, not clear ones.
HINT_WEIGHT = 1.5
UNDETERMINED = "und"


class LanguageIdentifier:
    def __init__(self, function_words: dict[str, str] | None = None) -> None:
        votes: dict[str, tuple[str, ...]] = {}
        for lang, words in (function_words or _FUNCTION_WORDS).items():
            for word in words.split():
                votes[word] = (*votes.get(word, ()), lang)
        self._votes = votes
        self.languages = tuple(function_words or _FUNCTION_WORDS)

    def identify(self, text: str, folded_tokens: Iterable[str], hint: str | None = None,
                 extra_votes: dict[str, float] | None = None) -> str:
        """ISO 639-1 code of ``text`` (already cleaned); ``folded_tokens`` are its tokens lower-cased, unaccented.

        ``extra_votes`` adds weaker evidence the caller has (e.g. how many words hit each sentiment lexicon).
        """
        scores: dict[str, float] = dict(extra_votes) if extra_votes else {}
        votes = self._votes
        for langs in [v for t in folded_tokens if (v := votes.get(t)) is not None]:
            share = 1.0 / len(langs)
            for lang in langs:
                scores[lang] = scores.get(lang, 0.0) + share
        return self.decide(text, scores, hint)

    @property
    def function_words(self) -> dict[str, tuple[str, ...]]:
        """Folded function word -> the languages it votes for."""
        return self._votes

    def decide(self, text: str, scores: dict[str, float], hint: str | None = None) -> str:
        """The language of ``text`` given its function-word ``scores`` (summed in token order; updated in place).

        What ``identify`` does once it has counted the votes, for callers that count them in their own pass. The
        script of the letters, when not Latin, overrides the votes.
        """
        hint = hint.lower()[:2] if isinstance(hint, str) and len(hint) >= 2 else None
        if not text.isascii():
            script = self._script(text)
            if script is not None:
                return script
            for ch in _TELLTALE_SET.intersection(text.lower()):
                lang = _TELLTALE_LETTERS[ch]
                scores[lang] = scores.get(lang, 0.0) + 0.5
        if hint is not None:
            scores[hint] = scores.get(hint, 0.0) + HINT_WEIGHT
        if not scores:
            return UNDETERMINED
        best = max(scores, key=scores.__getitem__)
        return best if scores[best] >= 0.75 else UNDETERMINED

    @staticmethod
    def _script(text: str) -> str | None:
        if _ANY_NON_LATIN.search(text) is None:
            return None
        for pattern, lang in _SCRIPTS:
            if pattern.search(text):
                # Only call it that script's language when most letters are in it (a Latin tweet with one kanji
                # is not Japanese).
                letters = _LETTERS.findall(text)
                in_script = sum(1 for ch in letters if pattern.match(ch))
                if lang == "ja":
                    in_script += sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
                if in_script * 2 < len(letters):
                    return None
                if lang == "ru" and _UKRAINIAN.search(text):
                    return "uk"
                if lang == "ar" and _PERSIAN.search(text):
                    return "fa"
                return lang
        return None
