"""Models trained on a team's own labelled mentions with scikit-learn: TF-IDF words and characters plus the
rule model's valence, into a logistic regression (whose probabilities are reasonably calibrated as they are),
blended with the default rule model as far as the labels show the blend does better (``DefaultBlend``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline

from streams.classification.intents import tag
from streams.classification.rules import LABELS, RuleClassifier, hints_for, reason_for
from streams.classification.text import clean, fold
from streams.models import Classification, Sentiment

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_ELONGATION = re.compile(r"(\w)\1{2,}")


def normalise(text: str) -> str:
    """What the n-gram features see: folded, links and handles replaced, elongations cut to two letters."""
    text = fold(clean(text))
    return _ELONGATION.sub(r"\1\1", _HANDLE.sub("@user", _URL.sub("http", text)))


@functools.cache
def shared_rules() -> RuleClassifier:
    """One rule model per process for the trained models' features: building its tables takes most of a second,
    and scikit-learn clones RuleFeatures for every cross-validation fold. Its only state is a memo of scanned
    chunks, which gives the same answer whoever fills it."""
    return RuleClassifier()


class RuleFeatures(TransformerMixin, BaseEstimator):
    """The rule model's view of each text (compound, positive and negative valence, hits, sarcasm) as features."""

    def __init__(self) -> None:
        self._rules = shared_rules()

    def __getstate__(self) -> dict[str, Any]:
        # The lexicons ship with the package: a saved model does not need its own copy.
        return {k: v for k, v in self.__dict__.items() if k != "_rules"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._rules = shared_rules()

    def fit(self, texts: Sequence[str], labels: Any = None) -> RuleFeatures:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            _, _, valence = self._rules.analyse(clean(text))
            rows.append([valence.compound, valence.positive / 4, valence.negative / 4, min(valence.hits, 5) / 5,
                         float(valence.sarcasm), *self._rules.probabilities(valence)])
        return np.asarray(rows, dtype=np.float64)


SMALL = 100


def build_pipeline(seed: int = 0, rows: int | None = None) -> DefaultBlend:
    """The model ``snowball train`` fits: the trained pipeline (``text_pipeline``) blended with the default model.
    ``rows``: how many texts it will be fitted on, when known (see ``text_pipeline``)."""
    return DefaultBlend(text_pipeline(seed, rows), seed=seed)


def text_pipeline(seed: int = 0, rows: int | None = None) -> Pipeline:
    """TF-IDF words and characters plus the rule features, into a logistic regression. ``rows``: below SMALL a
    term seen once is kept, or a few dozen labels (``snowball label``'s first fits, and their cross-validation
    folds) could leave no term at all."""
    min_df = 1 if rows is not None and rows < SMALL else 2
    features = FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=normalise, token_pattern=r"[#@]?\w+", ngram_range=(1, 2),
                                  min_df=min_df, sublinear_tf=True)),
        ("chars", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), min_df=min_df,
                                  sublinear_tf=True, max_features=200_000)),
        ("rules", RuleFeatures()),
    ])
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("model", model)])


BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # the trained pipeline's share of the blended probabilities
BLEND_FOLDS = 3


class DefaultBlend(ClassifierMixin, BaseEstimator):
    """A trained pipeline blended with the default rule model: probabilities ``w * trained + (1 - w) * default``.

    A few hundred labels can teach n-grams less than the default model already reads (on a general tweet set,
    300 labels scored below the default), while on a team's own domain the trained model soon does better. So
    the weight is chosen on the team's labels themselves: the trained pipeline's out-of-fold probabilities
    (stratified ``BLEND_FOLDS``-fold) are blended at each of ``BLEND_WEIGHTS`` and the weight with the best
    macro-F1 kept, the lowest on a tie (the default is the safer guess). At weight 0 the labels are exactly the
    default model's. With too few labels to cross-validate, the trained pipeline alone, as before the blend.
    """

    def __init__(self, pipeline: Pipeline, seed: int = 0) -> None:
        self.pipeline = pipeline
        self.seed = seed

    def fit(self, texts: Sequence[str], labels: Sequence[Any]) -> DefaultBlend:
        texts, labels = list(texts), [str(label) for label in labels]
        classes = np.array(sorted(set(labels)))
        folds = min(BLEND_FOLDS, min(labels.count(c) for c in classes))
        weight = 1.0
        if folds >= 2:
            trained = cross_val_predict(clone(self.pipeline), texts, labels, method="predict_proba",
                                        cv=StratifiedKFold(folds, shuffle=True, random_state=self.seed))
            default = default_probabilities(texts, classes)
            best = -1.0
            for w in BLEND_WEIGHTS:
                f1 = f1_score(labels, classes[np.argmax(w * trained + (1 - w) * default, axis=1)], average="macro")
                if f1 > best:
                    best, weight = f1, w
        self.pipeline_ = clone(self.pipeline).fit(texts, labels)
        self.classes_ = self.pipeline_.classes_
        self.weight_ = weight
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        w = self.weight_
        if w == 1.0:
            return self.pipeline_.predict_proba(texts)
        default = default_probabilities(texts, self.classes_)
        return default if w == 0.0 else w * self.pipeline_.predict_proba(texts) + (1 - w) * default

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(texts), axis=1)]


def default_probabilities(texts: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """The default rule model's probability of each of ``classes`` (in that order) for each text; a class it does
    not know is 0, and each row is renormalised over ``classes`` (a two-class model's labels)."""
    rules = shared_rules()
    columns = [LABELS.index(Sentiment(c)) if c in _SENTIMENTS else None for c in classes]
    rows = []
    for text in texts:
        _, _, valence = rules.analyse(clean(text))
        p = rules.probabilities(valence)
        rows.append([p[i] if i is not None else 0.0 for i in columns])
    out = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(columns))
    totals = out.sum(axis=1, keepdims=True)
    return np.divide(out, totals, out=np.full_like(out, 1 / max(len(columns), 1)), where=totals > 0)


_SENTIMENTS = frozenset(str(s) for s in Sentiment)


class LearnedClassifier:
    """A trained scikit-learn model for sentiment (``DefaultBlend``, or a plain pipeline saved before the blend);
    language and intents come from the rule model."""

    def __init__(self, pipeline: Pipeline, name: str, version: str) -> None:
        self.pipeline = pipeline
        self.name = name
        self.version = version
        self._rules = shared_rules()
        self._classes = [Sentiment(str(c)) for c in pipeline.classes_]

    def classify(
        self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None
    ) -> list[Classification]:
        cleaned = [clean(t) for t in texts]
        hints = hints_for(texts, lang_hints)
        probabilities = self.pipeline.predict_proba(cleaned) if cleaned else np.zeros((0, len(self._classes)))
        out = []
        for raw_text, text, hint, row in zip(texts, cleaned, hints, probabilities, strict=True):
            language, folded, valence = self._rules.analyse(text, hint)
            best = int(np.argmax(row))
            sentiment = self._classes[best]
            negative = float(row[self._classes.index(Sentiment.NEGATIVE)]) if Sentiment.NEGATIVE in self._classes \
                else 0.0
            out.append(Classification(
                language=language, sentiment=sentiment, score=round(float(row[best]), 4),
                negative_score=round(negative, 4), intents=tag(folded, text, sentiment, valence.sarcasm),
                model=self.name, model_version=self.version,
                reason=reason_for(raw_text, text, hits=1),
            ))
        return out
