"""Model directories: what ``snowball train`` writes and ``--model`` loads.

A directory holds ``model.json`` (kind, name, version, labels, provenance) and the kind's files: ``model.joblib``
for a scikit-learn model, or ``model.onnx`` plus ``tokenizer.json`` (and optionally ``config.json``) for an ONNX
transformer. Only load directories you trust: a joblib file can run code when it is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streams.classification.base import Classifier
from streams.errors import ConfigError

MANIFEST = "model.json"
SKLEARN_FILE = "model.joblib"
ONNX_FILE = "model.onnx"


class ModelDirError(ConfigError):
    """The directory is not a model this version can load; the message says why."""


def read_manifest(model_dir: Path) -> dict[str, Any]:
    path = model_dir / MANIFEST
    if not path.is_file():
        return {"kind": "onnx"} if (model_dir / ONNX_FILE).is_file() else {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelDirError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ModelDirError(f"{path}: expected a JSON object")
    return manifest


def load_model_dir(model_dir: Path) -> Classifier:
    if not model_dir.is_dir():
        raise ModelDirError(f"{model_dir}: no such model directory")
    manifest = read_manifest(model_dir)
    kind = manifest.get("kind")
    if kind == "sklearn":
        import joblib

        from streams.classification.learned import LearnedClassifier

        if not (model_dir / SKLEARN_FILE).is_file():
            raise ModelDirError(f"{model_dir}: {MANIFEST} names a scikit-learn model but {SKLEARN_FILE} is missing")
        pipeline = joblib.load(model_dir / SKLEARN_FILE)
        return LearnedClassifier(pipeline, name=str(manifest.get("name", model_dir.name)),
                                 version=str(manifest.get("version", "0")))
    if kind == "onnx":
        from streams.classification.onnx_model import OnnxClassifier

        missing = [name for name in (ONNX_FILE, "tokenizer.json") if not (model_dir / name).is_file()]
        if missing:
            raise ModelDirError(f"{model_dir}: an ONNX model needs {' and '.join(missing)}")
        return OnnxClassifier.load(model_dir, manifest)
    raise ModelDirError(f"{model_dir}: neither {MANIFEST} of a known kind nor {ONNX_FILE} found")


def save_sklearn_model(pipeline: Any, model_dir: Path, name: str, version: str, provenance: dict[str, Any]) -> None:
    import joblib
    import sklearn

    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, model_dir / SKLEARN_FILE, compress=3)
    manifest = {"kind": "sklearn", "name": name, "version": version,
                "labels": [str(c) for c in pipeline.classes_], "scikit_learn": sklearn.__version__, **provenance}
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
