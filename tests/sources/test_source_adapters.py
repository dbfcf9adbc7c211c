"""Source adapters map real-shaped platform payloads to raw mentions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.enrichment import BrandCatalog, Enricher
from streams.models import InvalidMention
from streams.settings import DEFAULT_BRANDS_FILE
from streams.sources import ADAPTERS

PAYLOADS = Path(__file__).parent / "payloads"
NOW_MS = 1_772_460_000_000  # 2026-03-02T14:00:00Z


def load(name: str):
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def test_every_format_is_offered():
    assert set(ADAPTERS) == {"twitter-v2", "mastodon", "reddit", "bluesky", "rss"}


def test_twitter_search_response_maps_replies_retweets_and_quotes():
    reply, retweet, quote = ADAPTERS["twitter-v2"](load("twitter_v2_search.json"), now_ms=NOW_MS)

    assert reply.id == "1896921420119593021"
    assert reply.source == "twitter"
    assert reply.created_at == 1_772_437_272_000
    assert reply.author.handle == "claire_dlm" and reply.author.followers == 1834
    assert reply.in_reply_to_id == "1896918000000000000"
    assert reply.lang_hint == "fr"
    assert reply.url == "https://x.com/claire_dlm/status/1896921420119593021"
    assert (reply.engagement.likes, reply.engagement.reposts, reply.engagement.replies, reply.engagement.quotes) == (
        41, 12, 3, 2)

    assert retweet.reposts_id == reply.id
    assert retweet.text == reply.text  # the original's full text, not the cut "RT @..." copy
    assert quote.quotes_id == reply.id
    assert quote.author.verified is True and quote.author.followers == 2_150_000


def test_twitter_stream_event_takes_its_rule_tag_as_brand_hint():
    (mention,) = ADAPTERS["twitter-v2"](load("twitter_v2_stream_event.json"), now_ms=NOW_MS)
    assert mention.brand_hint == "globex"
    assert mention.author.id == "987654321"


def test_twitter_empty_result_gives_no_mention():
    assert ADAPTERS["twitter-v2"]({"meta": {"result_count": 0}}) == []


def test_twitter_long_post_uses_note_tweet_text():
    payload = {"data": [{"id": "1", "text": "cut…", "note_tweet": {"text": "the whole long text"},
                         "created_at": "2026-03-02T07:41:12.000Z", "author_id": "9"}]}
    (mention,) = ADAPTERS["twitter-v2"](payload)
    assert mention.text == "the whole long text"
    assert mention.author.handle is None  # author not expanded: id only


def test_mastodon_statuses_become_plain_text_with_boosts_and_replies_linked():
    post, boost, reply = ADAPTERS["mastodon"](load("mastodon_statuses.json"), now_ms=NOW_MS)

    assert post.text == (
        "Third #Globex flight cancelled this month. Lost baggage too & no refund.\nDone with them.\n\n"
        "cc @globexair example.com/complaint/42"
    ).replace("example.com", "https://example.com")
    assert post.author.handle == "jdoe" and post.author.followers == 1204 and post.author.verified is False
    assert (post.engagement.likes, post.engagement.reposts, post.engagement.replies) == (9, 5, 2)

    assert boost.reposts_id == post.id
    assert boost.author.handle == "lea@piaille.fr"
    assert "#Globex flight cancelled" in boost.text
    assert boost.url == "https://mastodon.social/@jdoe/113945116532101111"

    assert reply.in_reply_to_id == post.id
    assert reply.author.handle == "globexair"


def test_mastodon_streaming_update_event_is_decoded():
    status = load("mastodon_statuses.json")[0]
    event = {"event": "update", "payload": json.dumps(status)}
    (mention,) = ADAPTERS["mastodon"](event)
    assert mention.id == status["id"]
    assert ADAPTERS["mastodon"]({"event": "delete", "payload": "113945116532101111"}) == []


def test_reddit_post_page_flattens_the_comment_tree():
    post, comment, removed = ADAPTERS["reddit"](load("reddit_comments.json"), now_ms=NOW_MS)

    assert post.id == "t3_1j2k3l4"
    assert post.text.startswith("Panne Acme dans tout le 11e ?\n\nÇa fait une semaine")
    assert post.created_at == 1_772_443_800_000
    assert post.engagement.replies == 2 and post.engagement.likes == 214
    assert post.url == "https://www.reddit.com/r/france/comments/1j2k3l4/panne_acme_dans_tout_le_11e/"

    assert comment.id == "t1_mfa1b2c" and comment.in_reply_to_id == post.id
    assert comment.author.id == "t2_3ab9q" and comment.author.handle == "lyon_geek"

    assert removed.in_reply_to_id == comment.id
    assert removed.author is None  # "[deleted]" is nobody
    assert removed.engagement.likes == 0  # negative scores are not likes


def test_reddit_bare_archive_comment():
    (mention,) = ADAPTERS["reddit"]({"id": "abc", "body": "Acme encore en panne", "author": "x",
                                     "created_utc": 1772445000, "parent_id": "t3_zz"})
    assert mention.id == "t1_abc" and mention.in_reply_to_id == "t3_zz"


@pytest.mark.parametrize("fmt", sorted(ADAPTERS))
def test_a_payload_that_is_not_json_objects_is_rejected_with_a_reason(fmt):
    with pytest.raises(InvalidMention) as err:
        ADAPTERS[fmt](42)
    assert err.value.reason == "not_an_object"


def test_a_bad_item_is_rejected_by_validation_and_records_allow_one_by_one_dead_letters():
    payload = {"data": [{"id": "1", "text": "ok", "created_at": "2026-03-02T07:41:12Z"},
                        {"id": "2", "text": "old", "created_at": "1999-01-01T00:00:00Z"}]}
    with pytest.raises(InvalidMention) as err:
        ADAPTERS["twitter-v2"](payload)
    assert err.value.reason == "timestamp_too_old"
    assert [r["id"] for r in ADAPTERS["twitter-v2"].records(payload)] == ["1", "2"]


def test_adapted_mentions_enrich_end_to_end():
    enricher = Enricher(BrandCatalog.from_yaml(DEFAULT_BRANDS_FILE))
    mentions = (ADAPTERS["twitter-v2"](load("twitter_v2_search.json"))
                + ADAPTERS["twitter-v2"](load("twitter_v2_stream_event.json"))
                + ADAPTERS["mastodon"](load("mastodon_statuses.json"))
                + ADAPTERS["reddit"](load("reddit_comments.json")))
    brands = {m.id: [e.enrichment.brand_id for e in enricher.enrich(m)] for m in mentions}
    assert brands["1896921420119593021"] == ["acme"]
    assert brands["1896940000000000003"] == ["globex"]
    assert brands["113945300000000333"] == ["globex"]  # the brand's own account, not naming itself
    assert brands["t1_mfa1b2c"] == ["acme"]
    assert brands["t1_mfa9z8y"] == []
