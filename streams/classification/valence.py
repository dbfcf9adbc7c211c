"""VADER-style valence of one mention: lexicon hits shifted by negation, intensifiers, contrast, emphasis, sarcasm.

The constants are VADER's (Hutto & Gilbert, 2014) where VADER has one; the French word lists are Snowball's own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from streams.classification.lexicons import Lexicons
from streams.classification.text import squeeze

_REPEAT = re.compile(r"(\w)\1{2,}")  # three or more of the same letter: "nuuuul"

NEGATION_SCALAR = -0.74  # VADER: a negated word keeps about three quarters of its strength, reversed
BOOSTER_STEP = 0.293  # VADER: what "very" adds
CAPS_STEP = 0.733  # VADER: what writing a word in capitals adds
ELONGATION_STEP = 0.4  # "nuuuul" is stronger than "nul", a little less than capitals
EXCLAMATION_STEP = 0.292  # VADER, per "!" up to four
SARCASM_FLIP = -0.8  # a sarcastic "great" counts as a slightly weaker "bad"
BARE_NEGATION = -0.5  # each negation that reverses no sentiment word, up to two
NORMALISATION_ALPHA = 15.0  # VADER's compound = s / sqrt(s^2 + alpha)
# Negative evidence counts half again as much as positive (SO-CAL's weight: Taboada et al., 2011, "Lexicon-based
# methods for sentiment analysis"): lexicons and writers lean positive, so praise words are cheap and complaints
# often come wrapped in politeness ("thanks, but my bag is still lost").
NEGATIVITY_WEIGHT = 1.5

NEGATORS = frozenset(
    # "t" is what is left of "n't" once the apostrophe splits "don't" into "don" and "t".
    "not no never nothing nobody none neither nor without cannot cant dont doesnt didnt isnt wasnt arent wont "
    "wouldnt shouldnt couldnt havent hasnt hadnt aint nope t "
    "pas ne n jamais rien aucun aucune sans ni guere nullement".split()
)
# French "ne ... pas" is one negation, not two.
COUNTED_NEGATORS = NEGATORS - {"ne", "n"}
BOOSTERS: dict[str, float] = {
    **dict.fromkeys("very really so too extremely totally absolutely completely incredibly super utterly "
                    "seriously truly highly hugely".split(), BOOSTER_STEP),
    **dict.fromkeys("tres trop vraiment tellement hyper ultra grave completement totalement extremement "
                    "vachement carrement absolument franchement archi si".split(), BOOSTER_STEP),
    **dict.fromkeys("kinda somewhat slightly barely hardly little bit peu assez plutot legerement moyennement".split(),
                    -BOOSTER_STEP),
}

# A sentiment word after one of these (within three tokens) is not asserted, only supposed or wished: "it would be
# great", "if the update is bad", "may be unfounded". It weighs as reported speech does (objectivity.py's 0.7);
# SO-CAL (Taboada et al., 2011) ignores such words outright. English only: French conditional verbs, tried too,
# changed nothing but one deft2017 tweet, for the worse.
IRREALIS = frozenset("would could should might may if wish unless whether".split())
IRREALIS_FACTOR = 0.7
# Words that can shift a neighbouring sentiment word: a text without any (and without the other rules' triggers)
# takes the plain sum.
_SHIFTERS = frozenset(BOOSTERS) | NEGATORS | IRREALIS

# After a negator these words mean something set, not the reverse of themselves: "pas mal" is good,
# "pas terrible" / "pas ouf" are mediocre.
NEGATED_IDIOMS = {"mal": 1.2, "terrible": -1.2, "ouf": -1.0, "fou": -0.8}
# "can't wait" looks forward to something, as French "j'ai hâte" (social_fr gives "hâte" the same 1.5); "don't
# wait" and "no wait" are no such thing, so only "can" and "could" negated count.
CANNOT_WAIT = 1.5


def _cannot(folded: list[str], i: int) -> bool:
    """The token before ``i`` is "cant" / "cannot", or "can't" / "couldn't" split as "can" / "couldn", "t"."""
    before = folded[i - 1]
    return before in ("cant", "cannot") or (before == "t" and i >= 2 and folded[i - 2] in ("can", "couldn"))


def _restricts(folded: list[str], i: int) -> bool:
    """The last negator among the three tokens before ``i`` means "only", not "not": "nothing but the best",
    "ce n'est qu'un retard", "je n'aime que ça" (a "ne" whose "que" comes, before any "pas", within two tokens
    after the word)."""
    start = i - 3 if i >= 3 else 0
    last = max(j for j in range(start, i) if folded[j] in NEGATORS)
    if last + 1 < i and folded[last + 1] == "but":
        return True
    if folded[last] not in ("ne", "n"):
        return False
    for word in folded[last + 1 : i + 3]:
        if word in ("que", "qu"):
            return True
        if word in NEGATORS:  # "je n'aime pas que...": "pas" negates
            return False
    return False


CONTRAST = frozenset("but however mais cependant pourtant sauf".split())
# Cheap sarcasm cues: praise next to one of these is not praise.
SARCASM = re.compile(
    r"thanks? (?:you )?for nothing|merci pour rien|yeah right|oh great|just great|so much for|as usual|"
    r"comme d'hab|comme d habitude|comme toujours|encore bravo|bravo encore|quelle surprise|what a surprise|"
    r"(?<!\w)/s\b|\U0001F644|\U0001F926|\U0001F921"
)
# Every match of SARCASM holds one of these: a few substring tests spare most texts the slow regex scan.
_SARCASM_MARKERS = ("for nothing", "merci pour rien", "yeah right", "oh great", "just great", "so much for",
                    "as usual", "comme", "bravo", "surprise", "/s")
_SARCASM_EMOJI = ("\U0001F644", "\U0001F926", "\U0001F921")
# And one of these, inside one whitespace-free stretch of the text: the text scanner flags, once per distinct
# chunk, the chunks that hold one, so a text without any is known not to be sarcastic without being searched.
SARCASM_ANCHORS = ("nothing", "rien", "yeah", "great", "much", "usual", "comme", "bravo", "surprise", "/s",
                   *_SARCASM_EMOJI)


def is_sarcastic(lowered: str) -> bool:
    """SARCASM.search(lowered) is not None, for a lower-cased text."""
    for marker in _SARCASM_MARKERS:
        if marker in lowered:
            return SARCASM.search(lowered) is not None
    if not lowered.isascii():
        for marker in _SARCASM_EMOJI:
            if marker in lowered:
                return SARCASM.search(lowered) is not None
    return False


# Words of the other language that are looked up when the mention's own lexicon does not know a word, except
# these false friends ("pain" is bread, "sale" is dirty, "con" is an insult only in French).
FALSE_FRIENDS = frozenset("pain sale con rage place cool chat coin lecture sensible blessed".split())


@dataclass(slots=True)  # not frozen: a frozen dataclass pays a call per field to be built, once per mention
class Valence:
    compound: float  # VADER compound, -1..1
    positive: float  # summed positive valence after rules
    negative: float  # summed negative valence after rules, as a positive number
    hits: int  # sentiment-bearing items found
    sarcasm: bool


class ValenceScorer:
    def __init__(self, lexicons: Lexicons) -> None:
        self._lexicons = lexicons
        self._emoji_set = frozenset(lexicons.emoji)
        self._lookup = {lang: self._merged(lexicons, lang) for lang in (*lexicons.words, "other")}

    @staticmethod
    def _merged(lexicons: Lexicons, language: str) -> dict[str, float]:
        """One dictionary per mention language, so each token costs one look-up.

        The mention's own lexicon wins; the other language's social-media words fill in (tweets mix "top",
        "fail", "lol"), false friends excepted; a mention in neither language reads both lexicons whole; '#word'
        keys score hashtags; neutral words are dropped once known.
        """
        words = lexicons.words
        others = [lang for lang in words if lang != language]
        merged: dict[str, float] = {}
        for lang in others:
            # A French or English mention borrows the other language's social-media list, not its whole lexicon,
            # whose accent-folded words are ordinary words here: French "usé" folds to "use", "haïr" to "hair",
            # "plane" is a form of "planer"; English "tout" (-0.5) and "grand" (+2.0) are French words.
            source = lexicons.social[lang] if language in words else words[lang]
            merged.update({k: v for k, v in source.items() if k not in FALSE_FRIENDS})
        merged.update(lexicons.forms.get(language, {}))
        merged.update(words.get(language, {}))
        # Intensifiers only scale their neighbour ("vraiment nul" is not "vraiment" + "nul"), except "super",
        # which is also a French adjective of its own ("c'est super"); in English it is an intensifier or a name
        # ("super good", "the Super Bowl", "Super Tuesday").
        merged = {k: v for k, v in merged.items() if v and (k not in BOOSTERS or (k == "super" and language != "en"))}
        merged.update({"#" + k: v for k, v in merged.items()})
        return merged

    @property
    def lookups(self) -> dict[str, dict[str, float]]:
        """The merged lexicon of each mention language: "en", "fr", and "other" for every other language."""
        return self._lookup

    def score_found(self, text: str, folded: list[str], language: str, found: list[tuple[int, float]], *,
                    elongated: bool, capital_pair: bool, contrast_at: int, counted_negators: int,
                    may_hold_emoji: bool, may_hold_emoticon: bool, may_be_sarcastic: bool) -> Valence:
        """The valence once the per-token facts are known (the classifier gathers them in one pass).

        ``found``: (token index, lexicon valence) in index order; ``contrast_at``: index of the last contrast
        word or -1; ``capital_pair``: two capitals in a row somewhere in ``text``; ``may_hold_emoji`` /
        ``may_hold_emoticon``: False when the caller knows the text holds no lexicon emoji / emoticon chunk;
        ``may_be_sarcastic``: False when it knows the text holds none of the SARCASM_ANCHORS.
        """
        if elongated:
            lookup = self._lookup.get(language) or self._lookup["other"]
            known = {i for i, _ in found}
            for i, word in enumerate(folded):
                if i not in known and (squeezed := squeeze(word)) is not None:
                    valence = lookup.get(squeezed[0], lookup.get(squeezed[1]))
                    if valence is not None:
                        found.append((i, valence))
            found.sort()
        values: list[float] = []
        negated = 0
        # Capitals stress a word only when the whole text is not shouted.
        shout = capital_pair and not text.isupper()
        if found and not (elongated or shout or contrast_at >= 0 or not _SHIFTERS.isdisjoint(folded)):
            # No rule below can shift any word ("t" is a negator: no contraction stem either), the common case.
            values = [valence for _, valence in found]
        elif found:
            last = len(folded) - 1
            for i, valence in found:
                word = folded[i]
                if i < last and folded[i + 1] == "t":
                    continue  # the stem of a contraction: "won't" is no win
                emphasis = 0.0
                if elongated and _REPEAT.search(word):
                    emphasis += ELONGATION_STEP
                if shout and len(word) > 1 and word.upper() in text:
                    emphasis += CAPS_STEP
                if i >= 1 and (step := BOOSTERS.get(folded[i - 1])) is not None:
                    emphasis += step
                if i >= 2 and (step := BOOSTERS.get(folded[i - 2])) is not None:
                    emphasis += step * 0.95
                if emphasis:
                    valence += math.copysign(emphasis, valence)
                # a negator among the three before, unless it restricts
                if not NEGATORS.isdisjoint(folded[i - 3 if i >= 3 else 0 : i]) and not _restricts(folded, i):
                    negated += 1
                    idiom = NEGATED_IDIOMS.get(word)
                    if word == "wait" and _cannot(folded, i):
                        idiom = CANNOT_WAIT
                    valence = idiom if idiom is not None else valence * NEGATION_SCALAR
                if not IRREALIS.isdisjoint(folded[i - 3 if i >= 3 else 0 : i]):
                    valence *= IRREALIS_FACTOR
                if contrast_at >= 0:
                    valence *= 0.5 if i < contrast_at else 1.5 if i > contrast_at else 1.0
                values.append(valence)
        hits = len(values)
        if may_hold_emoji and not text.isascii():
            emoji = self._lexicons.emoji
            for ch in self._emoji_set.intersection(text):
                count = text.count(ch)
                values.extend([emoji[ch]] * count)
                hits += count
        if may_hold_emoticon and (":" in text or ";" in text or "<3" in text or "=" in text):
            emoticons = self._lexicons.emoticons
            # Emoticons stand alone between spaces ("http://" holds ":/" but is no frown).
            smileys = [v for chunk in text.split() if (v := emoticons.get(chunk)) is not None]
            values.extend(smileys)
            hits += len(smileys)
        # A negation with nothing to reverse ("still can't get through", "toujours pas reçu") is itself a sign
        # of an unmet expectation in a message to a brand.
        bare = counted_negators - negated
        if bare > 0:
            values.append(BARE_NEGATION * min(bare, 2))
            hits += 1
        sarcasm = False
        if may_be_sarcastic and values and max(values) > 0 and is_sarcastic(text.lower()):
            sarcasm = True
            values = [v * SARCASM_FLIP if v > 0 else v for v in values]
        if not values or min(values) >= 0:  # one sign (the common case): the same sums without filtering
            positive, negative = sum(values), 0.0
        elif max(values) <= 0:
            positive, negative = 0.0, -NEGATIVITY_WEIGHT * sum(values)
        else:
            positive = sum([v for v in values if v > 0])
            negative = -NEGATIVITY_WEIGHT * sum([v for v in values if v < 0])
        total = positive - negative
        if total and "!" in text:
            total += math.copysign(min(text.count("!"), 4) * EXCLAMATION_STEP, total)
        compound = total / math.sqrt(total * total + NORMALISATION_ALPHA)
        return Valence(compound=compound, positive=positive, negative=negative, hits=hits, sarcasm=sarcasm)
