import json

from click.testing import CliRunner

from streams.cli.commands.backtest import command
from streams.io.csv_map import read_mapped_csv
from streams.scenarios import build_labelled


def test_read_mapped_csv_builds_nested_objects(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("tid,body,when,who\n1,hello,2015-02-24 11:35:52 -0800,ann\n2,,2015-02-24 11:36:00 -0800,\n")
    rows = list(read_mapped_csv(path, {"id": "tid", "text": "body", "created_at": "when", "author.id": "who"}))
    assert rows[0] == (2, {"id": "1", "text": "hello", "created_at": "2015-02-24 11:35:52 -0800",
                           "author": {"id": "ann"}})
    assert rows[1][1] == {"id": "2", "created_at": "2015-02-24 11:36:00 -0800"}


def test_backtest_command_writes_alerts_and_report(tmp_path):
    scenario = build_labelled("demo")
    data = tmp_path / "demo.jsonl"
    with open(data, "w") as handle:
        for m in scenario.mentions:
            handle.write(json.dumps({**m.to_record(), "tone": scenario.tones[m.id]}) + "\n")
        handle.write("not json\n")
    out, report = tmp_path / "alerts.jsonl", tmp_path / "report.html"
    result = CliRunner().invoke(command, [str(data), "--sentiment-column", "tone", "--out", str(out),
                                          "--report", str(report)])
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    assert any(a["kind"] == "snowball" and a["brand_id"] == "acme" and a["severity"] in ("warning", "critical")
               for a in alerts)
    assert not any(a["kind"] == "snowball" and a["brand_id"] == "globex" for a in alerts)
    assert "highest" in result.output and "\nacme " in result.output  # the per-brand summary, worst first
    html = report.read_text()
    assert "<svg" in html and "acme" in html


def test_backtest_set_changes_a_detection_setting_for_the_run(tmp_path, monkeypatch):
    scenario = build_labelled("demo")
    data = tmp_path / "demo.jsonl"
    data.write_text("".join(json.dumps({**m.to_record(), "tone": scenario.tones[m.id]}) + "\n"
                            for m in scenario.mentions))

    def unanswered(*extra):
        out = tmp_path / "alerts.jsonl"
        result = CliRunner().invoke(command, [str(data), "--sentiment-column", "tone", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        return sum(json.loads(line)["kind"] == "unanswered_complaint" for line in out.read_text().splitlines())

    default = unanswered()
    assert unanswered("--set", "answer_deadline_minutes=30") > default > 0
    monkeypatch.setenv("SNOWBALL_DETECTION__ANSWER_DEADLINE_MINUTES", "30")  # the worker's variable, the same run
    assert unanswered() == unanswered("--set", "answer_deadline_minutes=30")
    assert unanswered("--set", "answer_deadline_minutes=120") == default  # a flag wins over the environment
    bad = CliRunner().invoke(command, [str(data), "--out", str(tmp_path / "x.jsonl"), "--set", "deadline=30"])
    assert bad.exit_code == 2 and "deadline" in bad.output and "answer_deadline_minutes" in bad.output
