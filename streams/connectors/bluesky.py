"""Bluesky: the public Jetstream firehose (websocket, JSON), kept to posts that name a brand of the brands file.

Jetstream has no text filter, so every new post goes through ``BrandTerms.pattern`` (names, handles and
hashtags) and only those that match are mapped. The position is Jetstream's ``time_us`` of the last event
read, matched or not: a reconnect or restart passes it as ``cursor`` and Jetstream replays from there (the
runner skips what it produced already). No account is needed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from streams.connectors.base import Batch, Item, SourceConfigError, TransientError, digest_id
from streams.connectors.http import retry_after_seconds
from streams.models import InvalidMention
from streams.sources.bluesky import POST, post_uri

DEFAULT_JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"
# Move the cursor over unmatched posts at most this often: a restart replays at most this much firehose.
POSITION_EVERY_SECONDS = 5.0


class JetstreamSource:
    source = "bluesky"
    adapter = "bluesky"
    seen_capacity = 500  # replays after a reconnect cover a few seconds of matched posts

    def __init__(self, pattern: re.Pattern[str], url: str = DEFAULT_JETSTREAM, *, name: str = "brands",
                 clock=time.monotonic) -> None:
        self.pattern = pattern
        self.url = url
        self.connector_id = f"bluesky:{name}"
        self.clock = clock

    async def batches(self, position: str | None) -> AsyncIterator[Batch]:
        url = f"{self.url}?wantedCollections={POST}" + (f"&cursor={position}" if position else "")
        moved = self.clock()
        try:
            async with connect(url, max_size=2**20, open_timeout=15, ping_interval=20, ping_timeout=20) as socket:
                async for message in socket:
                    item, time_us = self._item(message)
                    if time_us is not None:
                        position = str(time_us)
                    if item is not None:
                        moved = self.clock()
                        yield Batch([item], position)
                    elif self.clock() - moved > POSITION_EVERY_SECONDS:
                        moved = self.clock()
                        yield Batch([], position)
        except InvalidStatus as exc:
            code = exc.response.status_code
            retry_after = retry_after_seconds(exc.response.headers, time.time())
            if code == 429 or code >= 500:
                raise TransientError("rate_limited" if code == 429 else "server_error",
                                     f"bluesky: {code} from {self.url}", retry_after) from None
            raise SourceConfigError(f"bluesky: {code} from {self.url}") from None
        except InvalidURI as exc:
            raise SourceConfigError(f"bluesky: {exc}") from None
        except (ConnectionClosed, OSError, TimeoutError) as exc:
            raise TransientError("connection", f"bluesky: stream dropped ({type(exc).__name__})") from None
        raise TransientError("connection", "bluesky: the server closed the stream")

    def _item(self, message: str | bytes) -> tuple[Item | None, int | None]:
        try:
            event = json.loads(message)
        except ValueError:
            original = message if isinstance(message, bytes) else message.encode("utf-8", "surrogatepass")
            error = InvalidMention("not_json", "a Jetstream message is not JSON")
            return Item(digest_id(original), None, original, error), None
        if not isinstance(event, dict):
            return None, None
        time_us = event.get("time_us") if isinstance(event.get("time_us"), int) else None
        commit = event.get("commit")
        if event.get("kind") != "commit" or not isinstance(commit, dict) or commit.get("operation") != "create":
            return None, time_us
        record = commit.get("record")
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str) or not self.pattern.search(text):
            return None, time_us
        item_id = post_uri(str(event.get("did")), str(commit.get("rkey")))
        return Item(item_id, event), time_us

