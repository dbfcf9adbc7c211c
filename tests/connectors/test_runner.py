"""The connector runner over an in-memory log: cursor, dead letters, no duplicate across a crash, backoff."""

from __future__ import annotations

import asyncio
import json

import pytest

from streams.connectors import runner as runner_module
from streams.connectors.base import Batch, CredentialRejected, Item, TransientError
from streams.connectors.log import CURSOR_SCHEMA, CURSOR_TOPIC, MemoryMentionLog
from streams.kafka.clients import DeliveryFailed
from streams.models import InvalidMention
from streams.serialization.avro import SchemaStore, make_codec
from tests.connectors.support import NOW, SETTINGS, Sleeps, dead_letters, make_runner, metric, produced_ids

CURSOR_CODEC = make_codec(SchemaStore(SETTINGS.schema_dir), CURSOR_SCHEMA, CURSOR_TOPIC)


class ProcessKilled(Exception):
    """Stands for kill -9: nothing after it runs in the connector's code path."""


def status(n: int, text: str = "Acme fibre down again") -> dict:
    return {"id": str(100 + n), "created_at": "2026-03-02T10:05:09.000Z", "content": f"<p>{text} {n}</p>",
            "account": {"id": "9", "acct": "jdoe", "followers_count": 3}, "url": f"https://m.example/@jdoe/{n}"}


class ScriptedSource:
    """Pages of statuses after a position; raises what the script says at given steps."""

    connector_id = "mastodon:tag:acme@test"
    source = "mastodon"
    adapter = "mastodon"

    def __init__(self, pages: list[list[Item]], errors: dict[int, Exception] | None = None) -> None:
        self.pages = pages
        self.errors = errors or {}
        self.calls = 0
        self.asked_from: list[str | None] = []

    async def batches(self, position):
        self.asked_from.append(position)
        start = int(position) if position is not None else 0
        for index in range(start, len(self.pages)):
            self.calls += 1
            if self.calls in self.errors:
                raise self.errors.pop(self.calls)
            yield Batch(self.pages[index], str(index + 1))


def items(*numbers: int) -> list[Item]:
    return [Item(str(100 + n), status(n)) for n in numbers]


async def test_valid_items_are_produced_malformed_ones_dead_lettered_with_reason_and_the_cursor_moves():
    bad = Item("bad1", {"id": "bad1", "created_at": "yesterday", "content": "<p>x</p>"})
    not_json = Item("sha:1", None, b"{oops", InvalidMention("not_json", "event data is not JSON"))
    source = ScriptedSource([items(1, 2) + [bad, not_json], items(3)])
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    runner = make_runner(source, mention_log)
    await runner.run()
    assert produced_ids(mention_log) == ["101", "102", "103"]
    letters = dead_letters(mention_log)
    assert [(x["reason"], x["key"]) for x in letters] == [("bad_timestamp", b"bad1"), ("not_json", b"sha:1")]
    assert letters[1]["value"] == b"{oops" and json.loads(letters[0]["value"])["id"] == "bad1"
    cursor = mention_log.cursors[source.connector_id]
    assert cursor.position == "2" and not cursor.pending_ids and "103" in cursor.seen_ids
    assert metric(runner.metrics, "snowball_connector_items_produced_total") == 3
    assert metric(runner.metrics, "snowball_connector_items_fetched_total") == 5
    assert metric(runner.metrics, "snowball_connector_items_dead_lettered_total", reason="bad_timestamp") == 1


async def test_a_restart_resumes_from_the_cursor_and_skips_items_the_platform_sends_again():
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    await make_runner(ScriptedSource([items(1, 2)]), mention_log).run()
    # The platform answers the next poll with an overlapping page (since_id is exclusive, min_id inclusive...).
    source = ScriptedSource([items(1, 2), items(2, 3)])
    await make_runner(source, mention_log).run()
    assert source.asked_from == ["1"]
    assert produced_ids(mention_log) == ["101", "102", "103"]


async def test_a_crash_after_the_broker_acknowledged_but_before_the_cursor_moved_produces_nothing_twice():
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    mention_log.fail_next_send = ProcessKilled()  # the process dies right after the acknowledgement
    with pytest.raises(ProcessKilled):
        await make_runner(ScriptedSource([items(1, 2), items(3)]), mention_log).run()
    assert {"101", "102"} <= set(mention_log.cursors["mastodon:tag:acme@test"].pending_ids)
    source = ScriptedSource([items(1, 2), items(3)])
    await make_runner(source, mention_log).run()
    assert source.asked_from == [None]  # the pending batch is fetched again...
    assert produced_ids(mention_log) == ["101", "102", "103"]  # ...and not produced again


async def test_a_failed_delivery_is_retried_without_a_gap_or_a_duplicate():
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    mention_log.drop_next_send = DeliveryFailed("broker down")
    sleeps = Sleeps()
    runner = make_runner(ScriptedSource([items(1, 2), items(3)]), mention_log, sleeps)
    await runner.run()
    assert produced_ids(mention_log) == ["101", "102", "103"]
    assert len(sleeps.asked) == 1
    assert metric(runner.metrics, "snowball_connector_errors_total", kind="delivery") == 1


async def test_rate_limits_are_waited_out_for_as_long_as_the_platform_says_and_other_errors_back_off():
    sleeps = Sleeps()
    source = ScriptedSource([items(1), items(2), items(3)], errors={
        2: TransientError("rate_limited", "429 Too Many Requests", retry_after=7.0),
        3: TransientError("connection", "stream dropped"),
        4: TransientError("connection", "stream dropped"),
    })
    runner = make_runner(source, sleeps=sleeps)
    await runner.run()
    assert sleeps.asked[0] == 7.0
    assert 0.01 <= sleeps.asked[1] <= 0.02 and 0.02 <= sleeps.asked[2] <= 0.04  # exponential, with jitter
    assert source.asked_from == [None, "1", "1", "1"]  # each reconnect resumes at the last committed position
    assert metric(runner.metrics, "snowball_connector_errors_total", kind="rate_limited") == 1
    assert metric(runner.metrics, "snowball_connector_errors_total", kind="connection") == 2


async def test_a_refused_credential_stops_the_runner_instead_of_retrying():
    sleeps = Sleeps()
    source = ScriptedSource([items(1)], errors={1: CredentialRejected("mastodon: token refused (401)")})
    with pytest.raises(CredentialRejected):
        await make_runner(source, sleeps=sleeps).run()
    assert sleeps.asked == []


class CountingLog(MemoryMentionLog):
    def __init__(self) -> None:
        super().__init__(clock=lambda: NOW)
        self.writes: list[tuple[tuple[str, ...], bool]] = []

    async def save_cursor(self, cursor, *, wait):
        self.writes.append((cursor.pending_ids, wait))
        await super().save_cursor(cursor, wait=wait)


async def test_items_within_the_commit_delay_cost_one_cursor_write_each_and_the_last_is_committed_after_it(
        monkeypatch):
    monkeypatch.setattr(runner_module, "COMMIT_DELAY_SECONDS", 0.05)
    mention_log = CountingLog()
    runner = make_runner(ScriptedSource([]), mention_log)
    for n in range(3):
        await runner.handle(Batch(items(n), str(n + 1)))
    assert mention_log.writes == [(("100",), True), (("101",), True), (("102",), True)]
    await asyncio.sleep(0.2)
    assert mention_log.writes[3:] == [((), False)]  # the last batch committed, once nothing followed it
    saved = mention_log.cursors[ScriptedSource.connector_id]
    assert saved.position == "3" and not saved.pending_ids and saved.seen_ids == ("100", "101", "102")


class OverlappingPages:
    """A timeline polled from a position, every page at once: each page repeats the tail of the previous one."""

    connector_id, source, adapter = "mastodon:tag:acme@test", "mastodon", "mastodon"
    seen_capacity = 40

    def __init__(self, pages: int, crash_at: int | None = None) -> None:
        self.pages = pages
        self.crash_at = crash_at

    async def batches(self, position):
        for page in range(int(position) if position is not None else 0, self.pages):
            if page == self.crash_at:
                raise ProcessKilled
            numbers = range(max(0, page * 7 - 5), page * 7 + 7)  # 5 of the previous page again
            yield Batch([Item(str(100 + n), status(n)) for n in numbers], str(page + 1))


async def test_restarts_produce_every_item_once_when_the_source_sends_more_than_its_seen_ids_hold_at_once():
    # Cursors Avro-encoded as on the broker, and batches merged while they are produced: a restart after a
    # crash in the middle of a merged batch must still find all of it in the seen ids.
    mention_log = MemoryMentionLog(clock=lambda: NOW, cursor_codec=CURSOR_CODEC)
    for crash_at in (9, 23):
        with pytest.raises(ProcessKilled):
            await make_runner(OverlappingPages(40, crash_at), mention_log).run()
    mention_log.fail_next_send = ProcessKilled()  # the process dies right after an acknowledgement
    with pytest.raises(ProcessKilled):
        await make_runner(OverlappingPages(40), mention_log).run()
    await make_runner(OverlappingPages(40), mention_log).run()
    assert produced_ids(mention_log) == [str(100 + n) for n in range(40 * 7)]
    saved = mention_log.cursors[OverlappingPages.connector_id]
    assert saved.position == "40" and not saved.pending_ids
