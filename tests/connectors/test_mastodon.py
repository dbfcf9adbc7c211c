"""The Mastodon connector against a local instance speaking the real protocol (SSE, Link pagination, 429)."""

from __future__ import annotations

import asyncio

import pytest

from streams.connectors.base import CredentialRejected
from streams.connectors.log import MemoryMentionLog
from streams.connectors.mastodon import MastodonSource, Timeline
from tests.connectors.fake_mastodon import FakeMastodon, status
from tests.connectors.support import NOW, Sleeps, dead_letters, make_runner, metric, produced_ids, run_until
from tests.webhook.support import serving


def ids(*numbers: int) -> list[str]:
    return [status(n)["id"] for n in numbers]


@pytest.fixture
def instance():
    fake = FakeMastodon([status(n) for n in (1, 2, 3)])
    with serving(fake.app) as url:
        yield fake, url
        fake.closing = True


async def test_streams_a_hashtag_waits_out_a_429_reconnects_and_catches_up_what_was_posted_meanwhile(instance):
    fake, url = instance
    fake.rate_limited = 1
    fake.streams = [
        ["hold"],  # opened before the catch-up poll that gets the 429, then closed by the client
        [("update", status(4)), ("update", status(5)), ("raw", "event: update\ndata: {half a status\n\n"), "drop"],
        [("post", status(6)), ("update", status(7)), "hold"],  # 6 was posted while the stream was down
    ]
    mention_log, sleeps = MemoryMentionLog(clock=lambda: NOW), Sleeps()
    runner = make_runner(MastodonSource(url, Timeline("tag", "acme")), mention_log, sleeps)
    await run_until(runner, lambda: len(produced_ids(mention_log)) >= 7)
    assert produced_ids(mention_log) == ids(1, 2, 3, 4, 5, 6, 7)
    assert [x["reason"] for x in dead_letters(mention_log)] == ["not_json"]
    assert sleeps.asked[0] == 1.0  # Retry-After of the 429
    assert metric(runner.metrics, "snowball_connector_errors_total", kind="rate_limited") == 1
    assert metric(runner.metrics, "snowball_connector_errors_total", kind="connection") >= 1
    # After the drop, the timeline was read forward from the last status produced.
    assert ("/api/v1/timelines/tag/acme", {"limit": "40", "min_id": ids(5)[0]}) in fake.requests

    # A restart resumes from the cursor: only what is new, nothing twice.
    fake.statuses.append(status(8))
    fake.streams = [[("update", status(9)), "hold"]]
    runner = make_runner(MastodonSource(url, Timeline("tag", "acme")), mention_log, sleeps)
    await run_until(runner, lambda: len(produced_ids(mention_log)) >= 9)
    await asyncio.sleep(0.1)
    assert produced_ids(mention_log) == ids(1, 2, 3, 4, 5, 6, 7, 8, 9)


async def test_catching_up_follows_the_pages_oldest_first(instance):
    fake, url = instance
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    await make_runner(MastodonSource(url, Timeline("tag", "acme"), once=True), mention_log).run()
    fake.statuses += [status(n) for n in range(10, 100)]  # 90 new: three pages of 40
    await make_runner(MastodonSource(url, Timeline("tag", "acme"), once=True), mention_log).run()
    assert produced_ids(mention_log) == ids(1, 2, 3, *range(10, 100))


async def test_an_instance_that_streams_only_with_a_token_is_polled(instance):
    fake, url = instance
    fake.stream_needs_token = True
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    runner = make_runner(MastodonSource(url, Timeline("tag", "acme"), poll_interval=0.05), mention_log)

    async def post_later():
        await asyncio.sleep(0.3)
        fake.statuses.append(status(4))

    poster = asyncio.create_task(post_later())
    await run_until(runner, lambda: len(produced_ids(mention_log)) >= 4)
    await poster
    assert produced_ids(mention_log) == ids(1, 2, 3, 4)


async def test_a_wrong_token_stops_with_one_clear_line(instance):
    _fake, url = instance
    with pytest.raises(CredentialRejected, match=r"refused the credential \(401 Unauthorized\): set MASTODON_ACCESS"):
        await make_runner(MastodonSource(url, Timeline("tag", "acme"), token="expired")).run()
