"""Retraining in the background as labels accumulate: a cross-validated score per step, the learning curve."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from streams.labelling.session import LabelSession


@dataclass(frozen=True, slots=True)
class CurvePoint:
    labels: int
    macro_f1: float  # cross-validated on the labels so far


def cross_validated_f1(texts: Sequence[str], labels: Sequence[str], seed: int = 0) -> float | None:
    """Macro-F1 of ``snowball train``'s pipeline under stratified k-fold (k <= 5), or None with too few labels."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from streams.classification.learned import build_pipeline

    counts = Counter(labels)
    kept = [i for i, label in enumerate(labels) if counts[label] >= 2]  # a class needs one row per side of a fold
    kept_labels = [labels[i] for i in kept]
    folds = min(5, min((n for n in counts.values() if n >= 2), default=0))
    if folds < 2 or len(set(kept_labels)) < 2:
        return None
    predicted = cross_val_predict(build_pipeline(seed, rows=len(kept)), [texts[i] for i in kept], kept_labels,
                                  cv=StratifiedKFold(folds, shuffle=True, random_state=seed))
    return float(f1_score(kept_labels, predicted, average="macro"))


class Retrainer:
    """Fits a model on the session's labels in a background thread, one fit at a time, every ``every`` labels."""

    def __init__(self, session: LabelSession | None = None, min_labels: int = 20, every: int = 10) -> None:
        self.session = session
        self.min_labels = min_labels
        self.every = every
        self.curve: list[CurvePoint] = []
        self.error: str | None = None
        self.ordered_by: str | None = None  # what orders the mentions once a fit has reordered them
        self._trained_at = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def training(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def poke(self) -> None:
        """Called after every label: start a fit when enough new labels came in and none is running."""
        with self._lock:
            if self.training or self.session is None:
                return
            count = len(self.session.labelled())
            if count < self.min_labels or abs(count - self._trained_at) < self.every:
                return
            self._trained_at = count
            self._thread = threading.Thread(target=self._fit, name="snowball-label-retrain", daemon=True)
            self._thread.start()

    def wait(self, timeout: float = 60.0) -> None:
        """Until no fit runs (tests, and a clean stop)."""
        import time

        deadline = time.monotonic() + timeout
        while (thread := self._thread) is not None and time.monotonic() < deadline:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _fit(self) -> None:
        from streams.classification.learned import build_pipeline

        assert self.session is not None
        try:
            pairs = self.session.labelled()
            texts, labels = [t for t, _ in pairs], [label for _, label in pairs]
            score = cross_validated_f1(texts, labels)
            if score is not None:
                self.curve.append(CurvePoint(len(labels), score))
            if len(set(labels)) >= 2:
                model = build_pipeline(rows=len(texts)).fit(texts, labels)
                unlabelled = self.session.unlabelled()
                if unlabelled:
                    confidences = model.predict_proba([m.text for m in unlabelled]).max(axis=1)
                    self.session.rerank({m.key: float(c) for m, c in zip(unlabelled, confidences, strict=True)})
                    self.ordered_by = f"a model of your {len(labels)} labels"
            self.error = None
        except Exception as exc:  # shown on the page; labelling goes on with the previous order
            self.error = f"retraining failed: {exc}"
        with self._lock:
            self._thread = None
        self.poke()  # labels that came in during the fit
