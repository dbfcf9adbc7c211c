"""The trained model's blend with the default rule model (``DefaultBlend``): the weight is chosen on the labels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from streams.classification import load_classifier
from streams.classification.learned import (
    BLEND_FOLDS,
    BLEND_WEIGHTS,
    DefaultBlend,
    build_pipeline,
    default_probabilities,
    text_pipeline,
)

NEGATIVE = ["worst airline ever, I hate you", "lost my bag again, terrible service", "awful delay, never again",
            "rude staff and a broken seat", "cancelled flight and no refund, disgusting", "horrible experience"]
NEUTRAL = ["what time does the gate open", "flight 123 to Boston", "is there wifi on board", "new route to Lisbon",
           "boarding at 8", "the app has a new version"]
POSITIVE = ["great crew, thank you so much", "love this airline", "amazing service today", "best flight ever",
            "lovely staff, well done", "wonderful trip, thanks"]
TEXTS = NEGATIVE + NEUTRAL + POSITIVE
LABELS = ["negative"] * 6 + ["neutral"] * 6 + ["positive"] * 6


def test_default_probabilities_are_the_rule_model_s_own() -> None:
    default = load_classifier(None)
    probabilities = default_probabilities(TEXTS, np.array(["negative", "neutral", "positive"]))
    labels = [c.sentiment for c in default.classify(TEXTS)]
    # The first class on a tie, as the rule model picks: the same labels.
    assert [("negative", "neutral", "positive")[i] for i in np.argmax(probabilities, axis=1)] == labels
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_two_classes_are_renormalised_over_those_two() -> None:
    probabilities = default_probabilities(["awful", "lovely"], np.array(["negative", "positive"]))
    assert probabilities.shape == (2, 2)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities[0, 0] > probabilities[0, 1] and probabilities[1, 1] > probabilities[1, 0]


def test_the_weight_is_the_best_blend_of_the_out_of_fold_probabilities() -> None:
    model = build_pipeline(rows=len(TEXTS)).fit(TEXTS, LABELS)
    assert isinstance(model, DefaultBlend)
    # Written out: the trained pipeline's out-of-fold probabilities, each weight's macro-F1, the lowest best kept.
    classes = np.array(["negative", "neutral", "positive"])
    trained = cross_val_predict(text_pipeline(rows=len(TEXTS)), TEXTS, LABELS, method="predict_proba",
                                cv=StratifiedKFold(BLEND_FOLDS, shuffle=True, random_state=0))
    default = default_probabilities(TEXTS, classes)
    scores = [f1_score(LABELS, classes[np.argmax(w * trained + (1 - w) * default, axis=1)], average="macro")
              for w in BLEND_WEIGHTS]
    assert model.weight_ == BLEND_WEIGHTS[scores.index(max(scores))]
    assert list(model.classes_) == ["negative", "neutral", "positive"]
    probabilities = model.predict_proba(TEXTS)
    assert probabilities.shape == (len(TEXTS), 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    expected = (model.weight_ * model.pipeline_.predict_proba(TEXTS)
                + (1 - model.weight_) * default_probabilities(TEXTS, model.classes_))
    assert np.allclose(probabilities, expected)
    assert list(model.predict(TEXTS)) == [model.classes_[i] for i in np.argmax(expected, axis=1)]


def test_labels_the_default_model_already_gives_keep_the_default() -> None:
    # The default model scores them perfectly: weight 0 ties or beats every other weight, and a tie goes to it.
    labels = [str(c.sentiment) for c in load_classifier(None).classify(TEXTS)]
    model = build_pipeline(rows=len(TEXTS)).fit(TEXTS, labels)
    assert model.weight_ == 0.0
    assert list(model.predict(TEXTS)) == labels


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_the_end_weights_are_one_model_alone(weight: float) -> None:
    model = build_pipeline(rows=len(TEXTS)).fit(TEXTS, LABELS)
    model.weight_ = weight
    alone = (default_probabilities(TEXTS, model.classes_) if weight == 0.0
             else model.pipeline_.predict_proba(TEXTS))
    assert np.array_equal(model.predict_proba(TEXTS), alone)


def test_too_few_labels_to_cross_validate_keep_the_trained_pipeline_alone() -> None:
    model = build_pipeline(rows=3).fit(["awful", "lovely", "boarding at 8", "lovely day"],
                                       ["negative", "positive", "neutral", "positive"])
    assert model.weight_ == 1.0
