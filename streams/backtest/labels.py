"""Gold sentiment labels in place of a classifier's, so detection can be judged on its own."""

from __future__ import annotations

from streams.models import Classification, Sentiment

_ALIASES = {"neg": "negative", "pos": "positive", "neu": "neutral", "-1": "negative", "0": "neutral", "1": "positive"}


def parse_sentiment(value: str | None) -> Sentiment | None:
    """A gold label as found in a CSV column; None for an empty or unknown value."""
    if value is None:
        return None
    text = str(value).strip().lower()
    text = _ALIASES.get(text, text)
    try:
        return Sentiment(text)
    except ValueError:
        return None


def with_gold(gold: Sentiment, model: Classification | None = None) -> Classification:
    """The gold sentiment, keeping the model's language and intents when a model ran (intents find complaints)."""
    negative = gold is Sentiment.NEGATIVE
    intents = list(model.intents) if model is not None else (["complaint"] if negative else [])
    return Classification(
        language=model.language if model is not None else "und",
        sentiment=gold,
        score=1.0,
        negative_score=1.0 if negative else 0.0,
        intents=intents,
        model="gold",
        model_version=model.model if model is not None else "",
    )
