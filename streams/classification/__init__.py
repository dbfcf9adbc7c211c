"""Classification: sentiment and intents of French and English mentions."""

from __future__ import annotations

from pathlib import Path

from streams.classification.base import Classifier
from streams.classification.baseline import LexiconClassifier


def load_classifier(model_dir: Path | None = None) -> Classifier:
    """The built-in model, or the model saved in ``model_dir``."""
    if model_dir is None:
        return LexiconClassifier()
    raise NotImplementedError(f"loading a model from {model_dir} is not supported yet")


__all__ = ["Classifier", "LexiconClassifier", "load_classifier"]
