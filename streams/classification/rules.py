"""The default model: VADER-style lexicons and rules for French and English, shipped in the package."""

from __future__ import annotations

from collections.abc import Sequence

from streams.classification.calibration import CompoundCalibration
from streams.classification.intents import CUES, PHRASE_STARTS, tag_cues
from streams.classification.language import UNDETERMINED, LanguageIdentifier
from streams.classification.lexicons import Lexicons
from streams.classification.objectivity import objectivity_factor
from streams.classification.text import (
    ANCHOR,
    CAPITAL_PAIR,
    ELONGATED,
    EMOJI,
    EMOTICON,
    MAX_CHARS,
    TextScanner,
    clean,
)
from streams.classification.token_table import OTHER_SLOT, VALENCE_SLOTS, TokenFeatures, build_token_table
from streams.classification.valence import CONTRAST, COUNTED_NEGATORS, SARCASM_ANCHORS, Valence, ValenceScorer
from streams.models import Classification, Sentiment

LABELS = (Sentiment.NEGATIVE, Sentiment.NEUTRAL, Sentiment.POSITIVE)


def hints_for(texts: Sequence[str], lang_hints: Sequence[str | None] | None) -> Sequence[str | None]:
    if lang_hints is None:
        return [None] * len(texts)
    if len(lang_hints) != len(texts):
        raise ValueError(f"{len(lang_hints)} language hints for {len(texts)} texts")
    return lang_hints


def reason_for(raw_text: object, text: str, hits: int) -> str:
    """Why a label is only a default, for the odd inputs that get one."""
    if not isinstance(raw_text, str):
        return f"not a text ({type(raw_text).__name__})"
    if not text or text.isspace():  # as ``not text.strip()``, without copying the text
        return "empty text"
    if len(raw_text) > MAX_CHARS:
        return f"only the first {MAX_CHARS} characters were scored"
    return "" if hits else "no sentiment cue"


class RuleClassifier:
    """Lexicon and rules: no training, no download, tens of thousands of mentions a second on one core."""

    name = "snowball-rules"
    version = "2.2.0"

    def __init__(self, lexicons: Lexicons | None = None, calibration: CompoundCalibration | None = None) -> None:
        self._lexicons = lexicons or Lexicons.load()
        self._scorer = ValenceScorer(self._lexicons)
        self._languages = LanguageIdentifier()
        self._calibration = calibration or CompoundCalibration()
        self._tokens = build_token_table(
            function_words=self._languages.function_words,
            lookups=self._scorer.lookups,
            counted_negators=COUNTED_NEGATORS,
            contrast=CONTRAST,
            cues=CUES,
            phrase_starts=PHRASE_STARTS,
        )
        self._scanner = TextScanner(self._tokens, emoji=frozenset(self._lexicons.emoji),
                                    emoticons=frozenset(self._lexicons.emoticons), anchors=SARCASM_ANCHORS)

    def classify(
        self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None
    ) -> list[Classification]:
        return list(map(self._one, texts, hints_for(texts, lang_hints)))  # hints_for checks the lengths

    def analyse(self, text: str, hint: str | None = None) -> tuple[str, list[str], Valence]:
        """(language, folded tokens, Valence) of a cleaned text: what the rules see, shared with trained models."""
        language, folded, valence, _, _ = self._read(text, hint)
        return language, folded, valence

    def probabilities(self, valence: Valence) -> tuple[float, float, float]:
        return self._calibration.probabilities(valence.compound, valence.hits)

    def _one(self, raw_text: object, hint: str | None) -> Classification:
        text = clean(raw_text)
        language, folded, valence, cue_sets, phrase_at = self._read(text, hint)
        negative, neutral, positive = probabilities = self._calibration.probabilities(valence.compound, valence.hits)
        # The likeliest label, the first on a tie (as max() would pick).
        best = 0 if negative >= neutral and negative >= positive else 1 if neutral >= positive else 2
        sentiment = LABELS[best]
        return Classification(
            language=language,
            sentiment=sentiment,
            score=round(probabilities[best], 4),
            negative_score=round(negative, 4),
            intents=tag_cues(cue_sets, phrase_at, folded, text, sentiment, valence.sarcasm),
            model=self.name,
            model_version=self.version,
            reason=reason_for(raw_text, text, valence.hits),
        )

    def _read(self, text: str, hint: str | None) -> tuple[str, list[str], Valence, list[frozenset[str]], list[int]]:
        """Everything the rules take from a cleaned text, from one look-up per token in the token table:
        (language, folded tokens, valence, intent cues of the tokens in token order, indices of the tokens that
        start an intent phrase). A plain tuple: this runs once per mention, and a named tuple costs another call."""
        folded, known, surface = self._scanner.scan(text)
        votes: dict[str, float] = {}  # function-word votes, summed in token order as LanguageIdentifier does
        candidates: list[tuple[int, tuple[float | None, ...]]] = []  # tokens some lexicon knows
        cue_sets: list[frozenset[str]] = []
        counted_negators = 0
        contrast_at = -1
        phrase_at: list[int] = []
        features: TokenFeatures | None
        for i, features in enumerate(known):
            if features is None:
                continue
            if (lang := features.vote) is not None:
                votes[lang] = votes.get(lang, 0.0) + 1.0  # a one-language word: the share LanguageIdentifier gives
            elif features.votes:
                for lang, share in features.votes:
                    votes[lang] = votes.get(lang, 0.0) + share
            if features.valences is not None:
                candidates.append((i, features.valences))
            if features.rare:
                if features.counted_negator:
                    counted_negators += 1
                if features.contrast:
                    contrast_at = i
                if features.cues:
                    cue_sets.append(features.cues)
                if features.starts_phrase:
                    phrase_at.append(i)

        language = self._languages.decide(text, votes, hint)
        if language == UNDETERMINED and folded:
            language = self._languages.identify(text, folded, hint, extra_votes=self._lexicon_votes(folded))
        slot = VALENCE_SLOTS.get(language, OTHER_SLOT)
        found = [(i, valence) for i, valences in candidates if (valence := valences[slot]) is not None]
        valence = self._scorer.score_found(
            text, folded, language, found,
            elongated=bool(surface & ELONGATED),
            capital_pair=bool(surface & CAPITAL_PAIR),
            contrast_at=contrast_at,
            counted_negators=counted_negators,
            may_hold_emoji=bool(surface & EMOJI),
            may_hold_emoticon=bool(surface & EMOTICON),
            may_be_sarcastic=bool(surface & ANCHOR),
        )
        if valence.compound:
            valence.compound *= objectivity_factor(text, folded)
        return language, folded, valence, cue_sets, phrase_at

    def _lexicon_votes(self, folded: list[str]) -> dict[str, float]:
        """Half a vote per word only one language's lexicon knows: weak evidence for texts without function words."""
        en, fr = self._lexicons.words["en"], self._lexicons.words["fr"]
        votes = {"en": 0.0, "fr": 0.0}
        for word in folded:
            in_en, in_fr = word in en, word in fr
            if in_en != in_fr:
                votes["en" if in_en else "fr"] += 0.5
        return votes
