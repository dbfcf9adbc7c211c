"""The Reddit connector against a local Reddit: OAuth, token renewal, listings, restart, 429."""

from __future__ import annotations

import pytest

from streams.connectors.base import CredentialRejected
from streams.connectors.log import MemoryMentionLog
from streams.connectors.reddit import Credentials, Listing, RedditSource
from tests.connectors.fake_reddit import FakeReddit, comment
from tests.connectors.support import NOW, Sleeps, make_runner, produced_ids
from tests.webhook.support import serving


def source(url: str, secret: str = "app-secret") -> RedditSource:
    return RedditSource(Credentials("app-id", secret), [Listing.subreddit_comments("france")], once=True,
                        auth_url=f"{url}/api/v1/access_token", api_url=url)


def names(*numbers: int) -> list[str]:
    return [comment(n)["data"]["name"] for n in numbers]


async def test_new_comments_are_produced_oldest_first_and_a_restart_produces_only_newer_ones():
    reddit = FakeReddit()
    reddit.comments = [comment(n) for n in (1, 2, 3)]
    mention_log, sleeps = MemoryMentionLog(clock=lambda: NOW), Sleeps()
    with serving(reddit.app) as url:
        await make_runner(source(url), mention_log).run()
        reddit.comments += [comment(4), comment(5)]
        reddit.expire_token = True  # an hour later: the token has expired and is renewed once
        reddit.rate_limited = 1
        await make_runner(source(url), mention_log, sleeps).run()
    assert produced_ids(mention_log) == names(1, 2, 3, 4, 5)
    assert sleeps.asked == [1.0]  # x-ratelimit-reset of the 429


async def test_wrong_app_credentials_stop_with_one_clear_line():
    with serving(FakeReddit().app) as url:
        with pytest.raises(CredentialRejected, match=r"refused the credential \(401 Unauthorized\): check REDDIT_"):
            await make_runner(source(url, secret="wrong")).run()
