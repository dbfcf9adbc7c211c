"""A small bilingual (French/English) lexicon baseline: first version, replaced by issue #4's model."""

from __future__ import annotations

import re
from collections.abc import Sequence

from streams.enrichment.brands import fold
from streams.models import Classification, Sentiment

_WORD = re.compile(r"[#@]?\w+")
_STOP = {
    "fr": {"le", "la", "les", "de", "des", "du", "et", "est", "pas", "une", "un", "je", "ne", "mon", "ma", "mes",
           "pour", "avec", "sur", "que", "qui", "ce", "cette", "vous", "nous", "chez", "encore", "toujours", "depuis"},
    "en": {"the", "a", "an", "and", "is", "not", "my", "i", "to", "of", "for", "with", "on", "that", "this", "you",
           "we", "at", "again", "still", "since", "your", "it", "was", "have", "has"},
}
_NEGATIVE = {
    "nul", "nulle", "honte", "scandale", "arnaque", "panne", "inadmissible", "lamentable", "pire", "colere",
    "furieux", "degoute", "inacceptable", "boycott", "#boycott", "remboursement", "plainte", "annule", "retard",
    "perdu", "bloque", "horrible", "terrible", "worst", "awful", "scam", "outage", "angry", "furious", "disgusting",
    "unacceptable", "refund", "complaint", "cancelled", "canceled", "delayed", "lost", "broken", "useless", "hate",
    "never", "down", "fail", "failed", "ridiculous", "shame", "disappointed", "decu", "decue", "mauvais", "bad",
}
_POSITIVE = {
    "merci", "super", "genial", "bravo", "parfait", "top", "excellent", "content", "contente", "rapide", "adore",
    "thanks", "thank", "great", "love", "awesome", "perfect", "amazing", "happy", "best", "good", "nice", "bien",
}
_NEGATORS = {"pas", "jamais", "not", "never", "no", "aucun", "plus"}
_INTENTS = {
    "complaint": {"panne", "plainte", "remboursement", "refund", "complaint", "outage", "broken", "retard", "delayed"},
    "crisis": {"boycott", "#boycott", "scandale", "arnaque", "avocat", "scam", "lawyer", "lawsuit", "scandal"},
    "insult": {"nul", "nuls", "idiots", "incompetents", "idiots", "morons", "clowns"},
    "praise": {"merci", "bravo", "thanks", "great", "love", "awesome"},
}


def detect_language(tokens: list[str], hint: str | None) -> str:
    if hint in ("fr", "en"):
        return hint
    scores = {lang: sum(t in words for t in tokens) for lang, words in _STOP.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else (hint or "und")


class LexiconClassifier:
    name = "lexicon-baseline"
    version = "0.1.0"

    def classify(
        self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None
    ) -> list[Classification]:
        hints = lang_hints or [None] * len(texts)
        return [self._one(text, hint) for text, hint in zip(texts, hints, strict=True)]

    def _one(self, text: str, hint: str | None) -> Classification:
        tokens = _WORD.findall(fold(text or ""))
        polarity = 0.0
        for i, token in enumerate(tokens):
            value = (token in _POSITIVE) - (token in _NEGATIVE)
            if value and any(t in _NEGATORS for t in tokens[max(0, i - 3) : i]):
                value = -value
            polarity += value
        intents = sorted(intent for intent, words in _INTENTS.items() if words.intersection(tokens))
        if "?" in (text or ""):
            intents.append("question")
        negative = min(0.95, 0.5 + 0.2 * -polarity) if polarity < 0 else 0.1
        if polarity < 0:
            label, score = Sentiment.NEGATIVE, negative
        elif polarity > 0:
            label, score = Sentiment.POSITIVE, min(0.95, 0.5 + 0.2 * polarity)
        else:
            label, score = Sentiment.NEUTRAL, 0.6
        return Classification(
            language=detect_language(tokens, hint),
            sentiment=label,
            score=round(score, 4),
            negative_score=round(negative, 4),
            intents=intents,
            model=self.name,
            model_version=self.version,
        )
