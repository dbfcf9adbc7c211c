"""snowball train and snowball classify, end to end on small files written here."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from streams.classification import load_classifier
from streams.cli.commands.classify import command as classify
from streams.cli.commands.train import command as train
from streams.models import Sentiment

POSITIVE = ["super service merci", "great support thanks", "love it", "génial, bravo", "parfait, top"]
NEGATIVE = ["service nul", "worst airline ever", "arnaque totale", "still waiting, awful", "honteux et lent"]
NEUTRAL = ["le train part à 8h", "what time is the flight", "nouvelle boutique samedi", "opening hours?", "ok"]


def write_training_csv(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tweet", "sentiment"])
        for _ in range(4):
            writer.writerows([[t, "positive"] for t in POSITIVE] + [[t, "negative"] for t in NEGATIVE]
                             + [[t, "neutral"] for t in NEUTRAL])


def test_train_then_classify_with_the_model(tmp_path: Path) -> None:
    data, model_dir = tmp_path / "labelled.csv", tmp_path / "model"
    write_training_csv(data)
    result = CliRunner().invoke(train, [str(data), "--out", str(model_dir), "--map", "text=tweet,label=sentiment"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((model_dir / "model.json").read_text())
    assert manifest["kind"] == "sklearn" and manifest["rows"] == 60

    clf = load_classifier(model_dir)
    out = clf.classify(["service nul", "great support thanks", "", "😡"])
    assert out[0].sentiment is Sentiment.NEGATIVE and out[1].sentiment is Sentiment.POSITIVE
    assert all(c.model == "snowball-trained" for c in out)

    mentions = tmp_path / "mentions.jsonl"
    mentions.write_text('{"id": "a", "text": "arnaque totale #boycott"}\nnot json\n{"id": "c"}\n', encoding="utf-8")
    result = CliRunner().invoke(classify, [str(mentions), "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["line"] for line in lines] == [1, 2, 3]
    assert lines[0]["label"] == "negative" and "crisis" in lines[0]["intents"]
    assert "error" in lines[1] and "error" in lines[2]


def test_train_rejects_a_single_class(tmp_path: Path) -> None:
    data = tmp_path / "one.jsonl"
    data.write_text("\n".join(json.dumps({"text": t, "label": "positive"}) for t in POSITIVE), encoding="utf-8")
    result = CliRunner().invoke(train, [str(data), "--out", str(tmp_path / "m")])
    assert result.exit_code != 0 and "two sentiment classes" in result.output


def test_classify_csv_with_map_uses_the_default_model(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text("body,ident\n\"Merci, super accueil\",1\n\"service client injoignable, nul\",2\n", encoding="utf-8")
    result = CliRunner().invoke(classify, [str(data), "--map", "text=body,id=ident"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["id"], r["label"], r["language"]) for r in lines] == [("1", "positive", "fr"), ("2", "negative", "fr")]
    assert lines[0]["model"] == "snowball-rules"
