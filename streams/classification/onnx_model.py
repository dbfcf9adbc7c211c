"""Optional transformer backend: a multilingual sentiment model exported to ONNX, run with onnxruntime.

The directory holds ``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, optionally ``token_type_ids``;
first output the logits, one column per label), ``tokenizer.json`` (Hugging Face ``tokenizers`` format) and
optionally ``config.json`` with ``id2label``. Needs ``pip install 'snowball-streams[onnx]'``. Language and intents
come from the rule model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from streams.classification.intents import tag
from streams.classification.rules import RuleClassifier, hints_for, reason_for
from streams.classification.text import clean
from streams.models import Classification, Sentiment

MAX_TOKENS = 256
_LABEL_WORDS = {"neg": Sentiment.NEGATIVE, "neu": Sentiment.NEUTRAL, "pos": Sentiment.POSITIVE}


def _sentiment_of(label: str) -> Sentiment:
    """'negative', 'LABEL_0'-free names such as 'Negative', 'neg', 'neutral', 'POSITIVE' -> Sentiment."""
    for prefix, sentiment in _LABEL_WORDS.items():
        if label.lower().startswith(prefix):
            return sentiment
    raise ValueError(f"label {label!r} names no sentiment; set id2label in config.json")


def _labels(model_dir: Path, manifest: dict[str, Any], width: int) -> list[Sentiment]:
    names = manifest.get("labels")
    config = model_dir / "config.json"
    if names is None and config.is_file():
        id2label = json.loads(config.read_text(encoding="utf-8")).get("id2label") or {}
        names = [id2label.get(str(i), id2label.get(i)) for i in range(width)]
    if names is None:
        names = ["negative", "positive"] if width == 2 else ["negative", "neutral", "positive"]
    if len(names) != width or any(n is None for n in names):
        raise ValueError(f"{model_dir}: {width} model outputs but labels {names}")
    return [_sentiment_of(str(n)) for n in names]


class OnnxClassifier:
    def __init__(self, session: Any, tokenizer: Any, labels: list[Sentiment], name: str, version: str,
                 batch_size: int = 32) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._labels = labels
        self._inputs = {i.name for i in session.get_inputs()}
        self._batch_size = batch_size
        self._rules = RuleClassifier()
        self.name = name
        self.version = version

    @classmethod
    def load(cls, model_dir: Path, manifest: dict[str, Any]) -> OnnxClassifier:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(manifest.get("threads", 1))
        session = onnxruntime.InferenceSession(str(model_dir / "model.onnx"), options,
                                               providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=int(manifest.get("max_tokens", MAX_TOKENS)))
        tokenizer.enable_padding(pad_id=int(manifest.get("pad_id", tokenizer.token_to_id("[PAD]") or 0)))
        width = session.get_outputs()[0].shape[-1]
        labels = _labels(model_dir, manifest, width if isinstance(width, int) else len(manifest.get("labels", [])))
        return cls(session, tokenizer, labels, name=str(manifest.get("name", model_dir.name)),
                   version=str(manifest.get("version", "0")), batch_size=int(manifest.get("batch_size", 32)))

    def classify(
        self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None
    ) -> list[Classification]:
        cleaned = [clean(t) for t in texts]
        hints = hints_for(texts, lang_hints)
        probabilities = np.concatenate(
            [self._probabilities(cleaned[i : i + self._batch_size]) for i in range(0, len(cleaned), self._batch_size)]
        ) if cleaned else np.zeros((0, len(self._labels)))
        out = []
        for raw_text, text, hint, row in zip(texts, cleaned, hints, probabilities, strict=True):
            language, folded, valence = self._rules.analyse(text, hint)
            best = int(np.argmax(row))
            sentiment = self._labels[best]
            negative = sum(float(p) for p, s in zip(row, self._labels, strict=True) if s is Sentiment.NEGATIVE)
            out.append(Classification(
                language=language, sentiment=sentiment, score=round(float(row[best]), 4),
                negative_score=round(negative, 4), intents=tag(folded, text, sentiment, valence.sarcasm),
                model=self.name, model_version=self.version, reason=reason_for(raw_text, text, hits=1),
            ))
        return out

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        width = max(1, max((len(e.ids) for e in encodings), default=1))  # a batch of texts with no token at all

        def padded(rows: list[list[int]]) -> np.ndarray:
            return np.asarray([row + [0] * (width - len(row)) for row in rows], dtype=np.int64)

        feeds = {
            "input_ids": padded([e.ids for e in encodings]),
            "attention_mask": padded([e.attention_mask for e in encodings]),
            "token_type_ids": padded([e.type_ids for e in encodings]),
        }
        logits = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)
