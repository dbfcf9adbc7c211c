"""The X filtered-stream connector against a local API: rules from the brands file, drops, backfill, 429."""

from __future__ import annotations

import asyncio

import pytest

from streams.connectors.base import CredentialRejected
from streams.connectors.log import MemoryMentionLog
from streams.connectors.twitter import FilteredStreamSource, stream_rules
from streams.enrichment import BrandCatalog
from streams.settings import Settings
from tests.connectors.fake_x import FakeX, tweet_event
from tests.connectors.support import CODECS, NOW, SETTINGS, Sleeps, dead_letters, make_runner, produced_ids, run_until
from tests.webhook.support import serving

CATALOG = BrandCatalog.from_yaml(Settings().brands_file)
RULES = stream_rules(CATALOG.own_names())


def test_rules_are_generated_from_the_brands_file_and_tagged_with_brand_ids():
    acme = [r for r in RULES if r["tag"] == "acme"]
    assert acme == [{"value": '("Acme Telecom" OR Acme OR AcmeTel OR "Acme Mobile" OR @acme OR @acme_support OR '
                              "@acmetelecom OR #acme OR #acmetelecom)", "tag": "acme"}]
    split = stream_rules({"b": tuple(f"term{n}" for n in range(100))}, max_length=100)
    assert len(split) > 5 and all(len(r["value"]) <= 100 and r["tag"] == "b" for r in split)


def ids(*numbers: int) -> list[str]:
    return [tweet_event(n)["data"]["id"] for n in numbers]


async def test_the_stream_is_produced_with_brand_hints_reconnected_backfilled_and_a_429_waited_out():
    x = FakeX()
    x.rules = [{"id": "old", "value": "(Acme OR oldname)", "tag": "acme"}, {"id": "keep", "value": "foo", "tag": "x"}]
    first = [tweet_event(1), "keepalive", ("raw", "{truncated"), tweet_event(2, "acme"), "drop"]
    x.streams = [first]
    mention_log, sleeps = MemoryMentionLog(clock=lambda: NOW), Sleeps()
    with serving(x.app) as url:
        runner = make_runner(FilteredStreamSource("good-bearer", RULES, api=url, backfill_minutes=5), mention_log,
                             sleeps)

        async def refuse_the_reconnection_once():
            while not x.stream_params:
                await asyncio.sleep(0.01)
            x.rate_limited = 1
            x.streams.append([tweet_event(3), "hold"])

        helper = asyncio.create_task(refuse_the_reconnection_once())
        await run_until(runner, lambda: len(produced_ids(mention_log)) >= 3)
        await helper
        x.closing = True
    assert produced_ids(mention_log) == ids(1, 2, 3)  # 2 came again in the backfill: not produced twice
    hints = [CODECS.raw.decode(v)["brand_hint"] for v in mention_log.values(SETTINGS.topics.raw)]
    assert hints == ["globex", "acme", "globex"]
    assert [x_["reason"] for x_ in dead_letters(mention_log)] == ["not_json"]
    assert 3.0 <= sleeps.asked[1] <= 4.0  # until x-rate-limit-reset
    assert "backfill_minutes" not in x.stream_params[0] and x.stream_params[-1]["backfill_minutes"] == "5"
    assert {r["id"] for r in x.rules} >= {"keep"} and "old" not in {r["id"] for r in x.rules}
    assert {r["tag"] for r in x.rules} == {"acme", "globex", "x"}


async def test_a_wrong_bearer_token_stops_with_one_clear_line():
    x = FakeX()
    with serving(x.app) as url:
        source = FilteredStreamSource("revoked", RULES, api=url)
        with pytest.raises(CredentialRejected, match=r"refused the credential \(401 Unauthorized\): set X_BEARER"):
            await make_runner(source).run()
