"""Classification: sentiment and intents of French and English mentions."""

from __future__ import annotations

from pathlib import Path

from streams.classification.base import Classifier
from streams.classification.rules import RuleClassifier


def load_classifier(model_dir: Path | None = None) -> Classifier:
    """The shipped rule model, or the model saved in ``model_dir`` (by ``snowball train`` or an ONNX export)."""
    if model_dir is None:
        return RuleClassifier()
    from streams.classification.loading import load_model_dir

    return load_model_dir(Path(model_dir))


__all__ = ["Classifier", "RuleClassifier", "load_classifier"]
