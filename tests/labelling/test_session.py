"""The labels file and session behind `snowball label`: append-only, undo, restart, and `snowball train` on it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.classification import load_classifier
from streams.cli.commands.label import command as label
from streams.cli.commands.train import command as train
from streams.io.label_log import resolve
from streams.io.labelled import read_labelled
from streams.labelling.session import LabelLogFile, LabelSession, Mention, least_confident_first
from streams.labelling.trainer import Retrainer, cross_validated_f1

MENTIONS = [Mention(f"m{i}", text) for i, text in enumerate(["sure", "unsure", "middling", "also sure"])]
CONFIDENCES = [0.9, 0.4, 0.6, 0.95]


def session_on(path: Path) -> LabelSession:
    return LabelSession(MENTIONS, CONFIDENCES, LabelLogFile(path))


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_least_confident_first() -> None:
    assert least_confident_first([0.9, 0.4, 0.6, 0.4]) == [1, 3, 2, 0]


def test_labels_are_written_at_once_and_undo_is_a_row(tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    session = session_on(out)
    assert session.current().key == "m1"
    session.label("m1", "negative")
    assert [r["label"] for r in rows(out)] == ["negative"]  # on disk before the call returns
    assert session.current().key == "m2"
    session.label("m2", "skip")
    assert session.undo().key == "m2"
    assert session.current().key == "m2"  # the undone mention is shown again
    assert [r["label"] for r in rows(out)] == ["negative", "skip", "undo"]
    assert session.counts() == {"negative": 1, "neutral": 0, "positive": 0, "skip": 0}


def test_a_restart_carries_on_where_it_stopped(tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    first = session_on(out)
    first.label("m1", "negative")
    first.label("m2", "positive")
    restarted = session_on(out)
    assert restarted.current().key == "m0"
    assert restarted.remaining() == 2
    assert restarted.undo().key == "m2"  # undo reaches back before the restart
    assert restarted.labelled() == [("unsure", "negative")]


def test_resolve_keeps_the_last_action_after_undos() -> None:
    log = [{"mention": "a", "text": "x", "label": "negative"}, {"mention": "a", "text": "x", "label": "positive"},
           {"mention": "b", "text": "y", "label": "neutral"}, {"mention": "a", "text": "x", "label": "undo"},
           {"mention": "b", "text": "y", "label": "undo"}, {"mention": "c", "text": "z", "label": "bogus"}]
    assert resolve(log) == {"a": ("x", "negative")}


def test_train_reads_the_labels_file(tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    texts = {"negative": ["awful", "terrible service", "worst ever", "hate it"],
             "positive": ["great", "love it", "excellent", "super"], "neutral": ["opens at 9", "new shop", "ok", "hi"]}
    mentions = [Mention(f"{label}{i}", t) for label, ts in texts.items() for i, t in enumerate(ts)]
    session = LabelSession(mentions, [0.5] * len(mentions), LabelLogFile(out))
    for m in mentions:
        session.label(m.key, m.key.rstrip("0123456789"))
    session.label(mentions[0].key, "skip")
    session.undo()  # the skip is taken back: negative again
    assert read_labelled(out).labels.count("negative") == 4
    result = CliRunner().invoke(train, [str(out), "--out", str(tmp_path / "model")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "model" / "model.json").read_text())["rows"] == 12
    # As any trained model: --model in the worker, classify and backtest.
    assert load_classifier(tmp_path / "model").classify(["worst ever, I hate it"])[0].model == "snowball-trained"


def test_cross_validated_score_needs_two_classes_of_two() -> None:
    assert cross_validated_f1(["a", "b", "c"], ["negative", "positive", "positive"]) is None
    score = cross_validated_f1(["awful", "bad", "hate", "great", "good", "love"] * 2, ["negative"] * 3 * 2 +
                               ["positive"] * 3 * 2)
    assert score is not None and 0.0 <= score <= 1.0


def test_retrainer_adds_a_curve_point_and_reorders(tmp_path: Path) -> None:
    texts = ["awful", "bad", "hate", "great", "good", "love", "meh one", "meh two"]  # no word twice: min_df 1
    mentions = [Mention(str(i), t) for i, t in enumerate(texts)]
    retrainer = Retrainer(min_labels=6, every=1)
    session = LabelSession(mentions, [0.5] * len(mentions), LabelLogFile(tmp_path / "l.csv"), on_label=retrainer.poke)
    retrainer.session = session
    for i, sentiment in enumerate(["negative"] * 3 + ["positive"] * 3):
        session.label(str(i), sentiment)
    retrainer.wait()
    assert retrainer.error is None
    assert [p.labels for p in retrainer.curve] == [6]
    assert {m.key for m in session.unlabelled()} == {"6", "7"}


@pytest.mark.parametrize(("content", "message"), [
    (b"", "no mention to label (it is empty)"),
    (b"\x00\xff\xfe binary", "no mention to label (line 1: not JSON"),
])
def test_an_unreadable_file_is_one_clear_line(tmp_path: Path, content: bytes, message: str) -> None:
    data = tmp_path / "mentions.jsonl"
    data.write_bytes(content)
    result = CliRunner().invoke(label, [str(data), "--out", str(tmp_path / "labels.csv")])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_csv_needs_a_map_and_an_out_file_must_be_a_labels_file(tmp_path: Path) -> None:
    data = tmp_path / "mentions.csv"
    data.write_text("tweet\nhello\n", encoding="utf-8")
    result = CliRunner().invoke(label, [str(data), "--out", str(tmp_path / "labels.csv")])
    assert result.exit_code == 2 and "--map text=COLUMN" in result.output
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(label, [str(data), "--map", "text=tweet", "--out", str(other)])
    assert result.exit_code == 1 and "not a labels file written by snowball label" in result.output


def test_the_api_refuses_an_unknown_label_or_mention(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from streams.labelling.app import build_app

    session = session_on(tmp_path / "labels.csv")
    client = TestClient(build_app(session, Retrainer(session), "snowball-rules"))
    assert client.get("/").status_code == 200 and "keydown" in client.get("/").text
    assert client.get("/api/state").json()["current"]["mention"] == "m1"
    for body in ({"mention": "m1", "label": "angry"}, {"mention": "nope", "label": "negative"}, {"label": "x"}):
        answer = client.post("/api/label", json=body)
        assert answer.status_code == 400 and answer.json()["error"].startswith("not labelled")
    assert client.post("/api/label", content=b"not json").status_code == 400
    state = client.post("/api/label", json={"mention": "m1", "label": "negative"}).json()
    assert state["current"]["mention"] == "m2" and state["counts"]["negative"] == 1
    assert client.post("/api/undo").json()["current"]["mention"] == "m1"
    assert rows(tmp_path / "labels.csv")[-1]["label"] == "undo"
