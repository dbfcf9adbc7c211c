"""The RSS/Atom connector against a local site: conditional GETs, restarts, 429, bad entries."""

from __future__ import annotations

from streams.connectors.log import MemoryMentionLog
from streams.connectors.rss import FeedSource
from tests.connectors.fake_feeds import FakeFeeds, atom_entry, rss_item
from tests.connectors.support import CODECS, NOW, SETTINGS, Sleeps, dead_letters, make_runner, produced_ids
from tests.webhook.support import serving


async def test_a_feed_is_produced_oldest_first_and_a_restart_produces_only_new_entries():
    site = FakeFeeds()
    site.items = [rss_item(n) for n in (1, 2, 3)] + [rss_item(4, date="2099-01-01 00:00")]
    site.rate_limited = 1
    mention_log, sleeps = MemoryMentionLog(clock=lambda: NOW), Sleeps()
    with serving(site.app) as url:
        await make_runner(FeedSource(f"{url}/feed.xml", once=True), mention_log, sleeps).run()
        assert sleeps.asked == [2.0]  # the 429's Retry-After
        assert produced_ids(mention_log) == ["presse-example-1", "presse-example-2", "presse-example-3"]
        assert [x["reason"] for x in dead_letters(mention_log)] == ["timestamp_in_future"]
        mention = CODECS.raw.decode(mention_log.values(SETTINGS.topics.raw)[0])
        assert mention["text"].startswith("Acme : la panne de fibre s'étend (1)\n\nDes milliers d'abonnés Acme")
        assert (mention["source"], mention["lang_hint"], mention["author"]["handle"]) == ("news", "fr", "Claire Martin")

        # Restart: the feed has not changed, so the conditional GET is answered 304.
        await make_runner(FeedSource(f"{url}/feed.xml", once=True), mention_log).run()
        assert site.requests[-1]["if-none-match"].startswith('"')
        # A new entry, and one without a date (takes the time it was fetched).
        site.items += [rss_item(5), rss_item(6, date=None)]
        await make_runner(FeedSource(f"{url}/feed.xml", once=True), mention_log).run()
    assert produced_ids(mention_log) == [f"presse-example-{n}" for n in (1, 2, 3, 5, 6)]
    assert len(dead_letters(mention_log)) == 1


async def test_an_atom_feed_is_read_too():
    site = FakeFeeds()
    site.entries = [atom_entry(n) for n in (1, 2)]
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    with serving(site.app) as url:
        await make_runner(FeedSource(f"{url}/atom.xml", kind="review", once=True), mention_log).run()
    records = [CODECS.raw.decode(v) for v in mention_log.values(SETTINGS.topics.raw)]
    assert [r["id"] for r in records] == ["tag:reviews.example,2026:1", "tag:reviews.example,2026:2"]
    assert records[0]["source"] == "review" and records[0]["url"] == "https://reviews.example/globex/1"
    assert records[0]["text"] == "Globex review 1: lost luggage\n\nTwo stars."
