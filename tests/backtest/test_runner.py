"""The offline detector run: one process or several, the same alerts in the same order."""

from __future__ import annotations

import json

from click.testing import CliRunner

from streams.backtest.evaluation import classify_gold
from streams.backtest.runner import brand_groups, detect
from streams.cli.commands.backtest import command
from streams.scenarios import build_labelled
from tests.detection.helpers import MIN, T0, cm


def _records(result):
    return [a.to_record() for a in result.alerts]


def test_several_processes_give_the_alerts_and_counters_of_one():
    mentions = classify_gold(build_labelled("demo")) + [cm(f"x{i}", T0 + i * MIN, brand=f"b{i % 3}")
                                                        for i in range(200)]
    one = detect(mentions)
    assert len({cm.enrichment.brand_id for cm in mentions}) == 5
    for workers in (2, 3, 8):
        many = detect(mentions, workers=workers)
        assert _records(many) == _records(one)  # the order too: by input mention, then as emitted
        assert list(many.detector_stats.items()) == list(one.detector_stats.items())
        assert many.hourly == one.hourly
        assert many.processes == min(workers, 5)
    assert any(a["kind"] == "snowball" for a in _records(one))


def test_brand_groups_balance_mentions_and_are_stable():
    mentions = [cm(f"m{b}{i}", T0 + i, brand=b) for b, n in (("a", 50), ("b", 30), ("c", 25), ("d", 5))
                for i in range(n)]
    assert brand_groups(mentions, 2) == [frozenset({"a", "d"}), frozenset({"b", "c"})]  # 55 and 55 mentions
    assert brand_groups(mentions, 1) == [frozenset("abcd")]
    assert len(brand_groups(mentions, 10)) == 4  # never more groups than brands
    assert brand_groups(mentions, 2) == brand_groups(list(reversed(mentions)), 2)


def test_backtest_command_with_workers_writes_the_same_alerts(tmp_path):
    scenario = build_labelled("demo")
    data = tmp_path / "demo.jsonl"
    data.write_text("".join(json.dumps({**m.to_record(), "tone": scenario.tones[m.id]}) + "\n"
                            for m in scenario.mentions))
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"alerts{workers}.jsonl"
        result = CliRunner().invoke(command, [str(data), "--sentiment-column", "tone", "--out", str(out),
                                              "--workers", workers])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text())
        assert ("in 2 processes" in result.output) == (workers == "2")
    assert outputs[0] == outputs[1] and outputs[0]


def test_without_fork_one_process_does_it_all(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    mentions = [cm(f"x{i}", T0 + i * MIN, brand=f"b{i % 3}") for i in range(60)]
    result = detect(mentions, workers=3)
    assert result.processes == 1 and _records(result) == _records(detect(mentions))
