"""The tests' local platforms, by hand: try every `snowball connect` command without the internet.

    .venv/bin/python -m tests.connectors.local_platforms

serves Mastodon on :8081, feeds on :8082, Jetstream on :8083, the X API on :8084 and Reddit on :8085, each
posting something about Acme or Globex every two seconds, and prints the command line for each.
"""

from __future__ import annotations

import threading
import time

import uvicorn

from tests.connectors.fake_feeds import FakeFeeds, rss_item
from tests.connectors.fake_jetstream import FakeJetstream, post
from tests.connectors.fake_mastodon import FakeMastodon, status
from tests.connectors.fake_reddit import FakeReddit, comment
from tests.connectors.fake_x import FakeX, tweet_event

PACE = 2.0


def _serve(app: object, port: int) -> None:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()


def main() -> None:  # pragma: no cover - by hand
    mastodon = FakeMastodon([status(n) for n in (1, 2, 3)])
    mastodon.pace = PACE
    mastodon.streams = [[("update", status(n)) for n in range(4, 10_000)]]
    feeds = FakeFeeds()
    feeds.items = [rss_item(n) for n in (1, 2, 3)]
    jetstream = FakeJetstream()
    jetstream.events = [post(1, "Encore une panne #Acme ce matin")]
    x = FakeX(token="local-bearer-token")
    x.pace = PACE
    x.streams = [[item for n in range(1, 10_000) for item in (tweet_event(n), "keepalive")]]
    reddit = FakeReddit()
    reddit.comments = [comment(n) for n in (1, 2, 3)]
    _serve(mastodon.app, 8081)
    _serve(feeds.app, 8082)
    _serve(x.app, 8084)
    _serve(reddit.app, 8085)
    jetstream_server = jetstream.serving(port=8083)
    jetstream_server.__enter__()  # serves from a thread of its own until the process ends

    print(__doc__.split("\n\n")[0])
    print("""
  snowball connect mastodon --instance http://127.0.0.1:8081 --hashtag acme
  snowball connect rss --feed http://127.0.0.1:8082/feed.xml --poll-interval 10
  snowball connect bluesky --jetstream ws://127.0.0.1:8083/subscribe
  X_BEARER_TOKEN=local-bearer-token snowball connect twitter --api http://127.0.0.1:8084
  REDDIT_CLIENT_ID=app-id REDDIT_CLIENT_SECRET=app-secret snowball connect reddit --subreddit france \
      --auth-url http://127.0.0.1:8085/api/v1/access_token --api-url http://127.0.0.1:8085 --poll-interval 5
""")
    n = 10
    while True:
        time.sleep(PACE)
        n += 1
        feeds.items.append(rss_item(n))
        jetstream.events.append(post(n, f"#Acme toujours en panne, jour {n}"))
        reddit.comments.append(comment(n))


if __name__ == "__main__":  # pragma: no cover
    main()
