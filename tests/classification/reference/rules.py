"""The default model: VADER-style lexicons and rules for French and English, shipped in the package."""

from __future__ import annotations

from collections.abc import Sequence

from tests.classification.reference.calibration import CompoundCalibration
from tests.classification.reference.intents import tag
from tests.classification.reference.language import UNDETERMINED, LanguageIdentifier
from tests.classification.reference.lexicons import Lexicons
from tests.classification.reference.text import MAX_CHARS, clean, fold, tokens
from tests.classification.reference.valence import Valence, ValenceScorer
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
    if not text.strip():
        return "empty text"
    if len(raw_text) > MAX_CHARS:
        return f"only the first {MAX_CHARS} characters were scored"
    return "" if hits else "no sentiment cue"


class RuleClassifier:
    """Lexicon and rules: no training, no download, tens of thousands of mentions a second on one core."""

    name = "snowball-rules"
    version = "2.0.0"

    def __init__(self, lexicons: Lexicons | None = None, calibration: CompoundCalibration | None = None) -> None:
        self._lexicons = lexicons or Lexicons.load()
        self._scorer = ValenceScorer(self._lexicons)
        self._languages = LanguageIdentifier()
        self._calibration = calibration or CompoundCalibration()

    def classify(
        self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None
    ) -> list[Classification]:
        return [self._one(text, hint) for text, hint in zip(texts, hints_for(texts, lang_hints), strict=True)]

    def analyse(self, text: str, hint: str | None = None) -> tuple[str, list[str], Valence]:
        """(language, folded tokens, Valence) of a cleaned text: what the rules see, shared with trained models."""
        folded = tokens(fold(text))
        language = self._languages.identify(text, folded, hint)
        if language == UNDETERMINED and folded:
            language = self._languages.identify(text, folded, hint, extra_votes=self._lexicon_votes(folded))
        return language, folded, self._scorer.score(text, folded, language)

    def probabilities(self, valence: Valence) -> tuple[float, float, float]:
        return self._calibration.probabilities(valence.compound, valence.hits)

    def _one(self, raw_text: object, hint: str | None) -> Classification:
        text = clean(raw_text)
        language, folded, valence = self.analyse(text, hint)
        probabilities = self._calibration.probabilities(valence.compound, valence.hits)
        best = max(range(3), key=probabilities.__getitem__)
        sentiment = LABELS[best]
        return Classification(
            language=language,
            sentiment=sentiment,
            score=round(probabilities[best], 4),
            negative_score=round(probabilities[0], 4),
            intents=tag(folded, text, sentiment, valence.sarcasm),
            model=self.name,
            model_version=self.version,
            reason=reason_for(raw_text, text, valence.hits),
        )

    def _lexicon_votes(self, folded: list[str]) -> dict[str, float]:
        """Half a vote per word only one language's lexicon knows: weak evidence for texts without function words."""
        en, fr = self._lexicons.words["en"], self._lexicons.words["fr"]
        votes = {"en": 0.0, "fr": 0.0}
        for word in folded:
            in_en, in_fr = word in en, word in fr
            if in_en != in_fr:
                votes["en" if in_en else "fr"] += 0.5
        return votes
