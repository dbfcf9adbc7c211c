"""The optional onnxruntime backend, on a tiny model and tokenizer built here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from streams.classification import load_classifier
from streams.models import Sentiment

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
tokenizers = pytest.importorskip("tokenizers")

VOCAB = {"[PAD]": 0, "[UNK]": 1, "great": 2, "love": 3, "awful": 4, "nul": 5, "the": 6}


def build_model_dir(directory: Path) -> Path:
    from onnx import TensorProto, helper
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.WordLevel(VOCAB, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(directory / "tokenizer.json"))

    # Embedding of each word straight into (negative, neutral, positive) logits, summed over the tokens.
    table = np.zeros((len(VOCAB), 3), dtype=np.float32)
    table[:, 1] = 0.5
    table[VOCAB["great"]] = table[VOCAB["love"]] = [0, 0, 3]
    table[VOCAB["awful"]] = table[VOCAB["nul"]] = [3, 0, 0]
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["table", "input_ids"], ["embedded"]),
            helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["mask", "axis2"], ["mask3"]),
            helper.make_node("Mul", ["embedded", "mask3"], ["masked"]),
            helper.make_node("ReduceSum", ["masked", "axis1"], ["logits"], keepdims=0),
        ],
        "tiny-sentiment",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.flatten()),
                     helper.make_tensor("axis1", TensorProto.INT64, [1], [1]),
                     helper.make_tensor("axis2", TensorProto.INT64, [1], [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))
    (directory / "config.json").write_text(json.dumps({"id2label": {"0": "NEGATIVE", "1": "NEUTRAL",
                                                                      "2": "POSITIVE"}}))
    return directory


def test_onnx_model_dir_classifies_in_batches(tmp_path: Path) -> None:
    clf = load_classifier(build_model_dir(tmp_path))
    texts = ["great love", "le service est nul", "the", "", "😡" * 10, "x" * 50_000]
    out = clf.classify(texts, ["en", "fr", None, None, None, None])
    assert len(out) == len(texts)
    assert out[0].sentiment is Sentiment.POSITIVE
    # logits (3, 2, 0): three unknown words lean neutral, "nul" wins
    assert out[1].sentiment is Sentiment.NEGATIVE and out[1].negative_score > 0.6
    assert out[1].language == "fr"
    assert out[2].sentiment is Sentiment.NEUTRAL
    assert all(0.0 <= c.score <= 1.0 for c in out)
    assert out[3].reason == "empty text"


def test_onnx_batches_larger_than_one_session_call(tmp_path: Path) -> None:
    clf = load_classifier(build_model_dir(tmp_path))
    texts = ["great", "awful"] * 40
    out = clf.classify(texts)
    assert [c.sentiment for c in out] == [Sentiment.POSITIVE, Sentiment.NEGATIVE] * 40
