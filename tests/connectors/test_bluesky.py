"""The Bluesky connector against a local Jetstream: brand filter, cursor replay, drops, 429, bad messages."""

from __future__ import annotations

import asyncio

from streams.connectors.bluesky import JetstreamSource
from streams.connectors.brand_terms import BrandTerms
from streams.connectors.log import MemoryMentionLog
from streams.enrichment import BrandCatalog
from streams.settings import Settings
from tests.connectors.fake_jetstream import FakeJetstream, like, post
from tests.connectors.support import CODECS, NOW, SETTINGS, Sleeps, dead_letters, make_runner, produced_ids, run_until

PATTERN = BrandTerms.from_catalog(BrandCatalog.from_yaml(Settings().brands_file)).pattern()


def uri(n: int) -> str:
    return f"at://did:plc:user{n % 7}/app.bsky.feed.post/3k{n:011d}"


async def test_brand_posts_are_produced_and_a_drop_or_restart_replays_from_the_cursor_without_duplicates():
    jetstream = FakeJetstream()
    jetstream.events = [post(1, "Encore une panne #Acme ce matin"), like(2), post(3, "rien à voir, il pleut"),
                        post(4, "@acme_support toujours pas de réseau",
                             reply={"parent": {"uri": uri(1), "cid": "c"}, "root": {"uri": uri(1), "cid": "c"}}),
                        "{not json", post(5, "Globex a perdu ma valise")]
    jetstream.drop_after = [3]  # the first connection drops after three messages
    jetstream.rate_limited = 1
    mention_log, sleeps = MemoryMentionLog(clock=lambda: NOW), Sleeps()
    with jetstream.serving() as url:
        runner = make_runner(JetstreamSource(PATTERN, url), mention_log, sleeps)
        await run_until(runner, lambda: len(produced_ids(mention_log)) >= 3)
        assert produced_ids(mention_log) == [uri(1), uri(4), uri(5)]
        assert [x["reason"] for x in dead_letters(mention_log)] == ["not_json"]
        assert sleeps.asked[0] == 3.0  # Retry-After of the 429 on the handshake
        # Resumed from the last position committed (unmatched events move it only every few seconds).
        assert jetstream.cursors[:2] == [None, str(post(1, "")["time_us"])]

        # Restart: Jetstream replays from the cursor; only the new post is produced.
        jetstream.events.append(post(6, "Acme Mobile, encore"))
        runner = make_runner(JetstreamSource(PATTERN, url), mention_log, sleeps)
        await run_until(runner, lambda: len(produced_ids(mention_log)) >= 4)
        await asyncio.sleep(0.1)
    assert jetstream.cursors[-1] == str(post(5, "")["time_us"])
    assert produced_ids(mention_log) == [uri(1), uri(4), uri(5), uri(6)]
    records = [CODECS.raw.decode(v) for v in mention_log.values(SETTINGS.topics.raw)]
    assert records[1]["in_reply_to_id"] == uri(1) and records[1]["lang_hint"] == "fr"
    assert records[1]["url"] == "https://bsky.app/profile/did:plc:user4/post/3k00000000004"


def test_the_brand_pattern_needs_a_whole_term():
    assert PATTERN.search("Panne chez ACME") and PATTERN.search("#globexair en retard")
    assert not PATTERN.search("acmeville est jolie") and not PATTERN.search("globexes")
