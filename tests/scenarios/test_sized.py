"""simulate --size: the scenario cut short, or repeated back to back in event time, with unique ids."""

from __future__ import annotations

import json

from click.testing import CliRunner

from streams.cli.main import cli
from streams.scenarios import SCENARIOS, build_scenario, sized


def test_more_than_the_scenario_repeats_it_later_with_its_threads_kept_apart():
    demo = build_scenario("demo")
    mentions = list(sized(demo, 2 * len(demo) + 10))
    assert len(mentions) == 2 * len(demo) + 10
    assert len({m.id for m in mentions}) == len(mentions)
    first, second = mentions[: len(demo)], mentions[len(demo): 2 * len(demo)]
    assert first == demo
    assert max(m.created_at for m in first) < min(m.created_at for m in second)
    replies = [m for m in second if m.in_reply_to_id or m.reposts_id]
    ids = {m.id for m in second}
    assert replies and all((m.in_reply_to_id or m.reposts_id) in ids for m in replies)


def test_fewer_cuts_the_scenario_short():
    assert list(sized(build_scenario("quiet"), 5)) == build_scenario("quiet")[:5]


def test_the_command_writes_the_size_asked_for_and_lists_the_counts(tmp_path):
    out = tmp_path / "m.jsonl"
    result = CliRunner().invoke(cli, ["simulate", "--size", "1000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert len(lines) == 1000 and len({json.loads(line)["id"] for line in lines}) == 1000
    listed = CliRunner().invoke(cli, ["simulate", "--list"]).output.splitlines()
    assert len(listed) == len(SCENARIOS)
    assert listed[0].split()[:3] == ["demo", str(len(build_scenario("demo"))), "mentions"]
