"""8,500 bad records: every one counted and lettered, a few log lines."""

from __future__ import annotations

import logging

from streams.app.letter_log import DeadLetterLog
from streams.app.stages import Record
from tests.support import make_stages


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_first_of_each_kind_then_one_summary_per_interval(caplog):
    clock = Clock()
    letters = DeadLetterLog(every_seconds=30, clock=clock)
    with caplog.at_level(logging.WARNING, logger="streams.app.stages"):
        for offset in range(100):
            clock.now = offset * 0.5  # two a second for 50 s
            letters.lettered("enrich", "decode_error", f"mentions.raw/0@{offset}")
        letters.lettered("classify", "key_not_brand", "mentions.enriched/1@7")
        clock.now = 61
        letters.say_due()
        letters.say_due()  # nothing new: nothing said
    assert [r.getMessage() for r in caplog.records] == [
        "dead-lettered mentions.raw/0@0 at enrich: decode_error (more of these are counted in "
        "snowball_dead_letters_total and summarised every 30 s)",
        "dead-lettered 60 more records at enrich: decode_error in 30 s (the last mentions.raw/0@60)",
        "dead-lettered mentions.enriched/1@7 at classify: key_not_brand (more of these are counted in "
        "snowball_dead_letters_total and summarised every 30 s)",
        "dead-lettered 39 more records at enrich: decode_error in 31 s (the last mentions.raw/0@99)",
    ]


def test_a_flood_of_bad_records_is_counted_whole_and_logged_once(caplog):
    stages, metrics = make_stages()
    records = [Record("mentions.raw", 0, offset, b"k", b"\x00not avro") for offset in range(8500)]
    with caplog.at_level(logging.WARNING, logger="streams.app.stages"):
        step = stages.enrich(records, {})
    assert [output.role for output in step.outputs] == ["dead_letter"] * 8500
    lines = [r for r in caplog.records if "dead-lettered" in r.getMessage()]
    assert len(lines) == 1
    counted = sum(s.value for family in metrics.registry.collect() for s in family.samples
                  if s.name == "snowball_dead_letters_total")
    assert counted == 8500
