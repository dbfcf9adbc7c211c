"""Mastodon: a hashtag, the public (or local) timeline or a list of an instance; streaming with a polling fallback.

Each (re)connection first catches up by polling the timeline forward from the cursor (``min_id``,
following the ``Link: rel="prev"`` pages), so nothing posted while disconnected is missed; then it
follows the streaming API (server-sent events, ``update`` events). Where the instance refuses streaming
without a token (Mastodon 4.2+ by default) or does not serve it, the connector keeps polling every
``poll_interval`` seconds. The position is the newest status id produced (ids grow with time).
No token is needed for public hashtags; a list needs one with the ``read:lists`` scope.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import SSEError, aconnect_sse

from streams.connectors.base import Batch, Item, SourceConfigError, TransientError, digest_id
from streams.connectors.http import PlatformHttp
from streams.models import InvalidMention

log = logging.getLogger(__name__)

PAGE_LIMIT = 40  # the API's maximum per page
TOKEN_HINT = "set MASTODON_ACCESS_TOKEN (or --token-file) to a valid token with the read:statuses scope"
# The streaming API sends a heartbeat comment every ~10 s: this long without a byte means a dead connection.
STREAM_READ_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Timeline:
    kind: str  # tag, public, local, list
    value: str | None = None

    @property
    def rest_path(self) -> str:
        return {"tag": f"/api/v1/timelines/tag/{self.value}", "list": f"/api/v1/timelines/list/{self.value}"}.get(
            self.kind, "/api/v1/timelines/public")

    @property
    def rest_params(self) -> dict[str, str]:
        return {"local": "true"} if self.kind == "local" else {}

    @property
    def stream(self) -> tuple[str, dict[str, str]]:
        return {"tag": ("/api/v1/streaming/hashtag", {"tag": self.value or ""}),
                "list": ("/api/v1/streaming/list", {"list": self.value or ""}),
                "local": ("/api/v1/streaming/public/local", {})}.get(self.kind, ("/api/v1/streaming/public", {}))

    def label(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind


def id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings that grow with time: compare by length, then text."""
    return len(status_id), status_id


def newest(a: str | None, b: str | None) -> str | None:
    return max((x for x in (a, b) if x is not None), key=id_key, default=None)


class MastodonSource:
    source = "mastodon"
    adapter = "mastodon"
    seen_capacity = 200  # ids grow: only a catch-up page's overlap (40) and a stream's replay need remembering

    def __init__(self, instance: str, timeline: Timeline, *, token: str | None = None, stream: bool = True,
                 poll_interval: float = 30.0, once: bool = False, client: httpx.AsyncClient | None = None) -> None:
        self.instance = instance.rstrip("/")
        self.timeline = timeline
        self.token = token
        self.stream_enabled = stream
        self.poll_interval = poll_interval
        self.once = once
        self.connector_id = f"mastodon:{timeline.label()}@{httpx.URL(self.instance).host}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(30.0),
                                                  follow_redirects=True)
        self.http = PlatformHttp(self.source, self.client, TOKEN_HINT)
        self._streaming_base: str | None = None
        self._checked = False

    async def batches(self, position: str | None) -> AsyncIterator[Batch]:
        if not self._checked:
            await self._check_credential()
        while True:
            if self.once or not self.stream_enabled:
                async for batch in self._poll_from(position):
                    position = batch.position
                    yield batch
                if self.once:
                    return
                await asyncio.sleep(self.poll_interval)
                continue
            async for batch in self._stream_after_catching_up(position):
                position = batch.position
                yield batch

    async def _check_credential(self) -> None:
        """A token that is given must work: one clear line now rather than a silent public-only stream."""
        if self.token:
            await self.http.get(f"{self.instance}/api/v1/accounts/verify_credentials")
        self._checked = True

    async def _poll_from(self, position: str | None) -> AsyncIterator[Batch]:
        """Pages newer than ``position``, oldest first; without a position, the newest page only."""
        params = {**self.timeline.rest_params, "limit": str(PAGE_LIMIT)}
        if position is not None:
            params["min_id"] = position
        url: str | None = f"{self.instance}{self.timeline.rest_path}"
        first_run = position is None
        while url is not None:
            response = await self.http.get(url, params=params)
            params = None  # the Link URLs carry their own query
            statuses = _json_list(response)
            if not statuses:
                return
            # A page is newest first; the runner produces in the order given, so oldest first.
            items = [_item(status) for status in reversed(statuses)]
            position = newest(position, max((i.id for i in items if i.error is None), key=id_key, default=None))
            yield Batch(items, position)
            if first_run:
                return  # start from now, not from the instance's whole history
            url = response.links.get("prev", {}).get("url")

    async def _stream_after_catching_up(self, position: str | None) -> AsyncIterator[Batch]:
        """Open the stream, *then* poll what was posted since ``position``, then read the stream: a status posted
        between the two is in one or the other (or both: the runner skips ids it produced)."""
        path, params = self.timeline.stream
        base = await self._streaming_url()
        timeout = httpx.Timeout(30.0, read=STREAM_READ_TIMEOUT)
        try:
            async with aconnect_sse(self.client, "GET", f"{base}{path}", params=params, timeout=timeout) as events:
                if events.response.status_code in (401, 403) and not self.token:
                    log.info("%s: the instance streams only with a token; polling every %.0fs",
                             self.connector_id, self.poll_interval)
                    self.stream_enabled = False
                    return
                self.http.check(events.response)
                async for batch in self._poll_from(position):
                    position = batch.position
                    yield batch
                log.info("%s: streaming", self.connector_id)
                async for event in events.aiter_sse():
                    if event.event not in ("update", "status.update"):
                        continue  # delete, notification, filters_changed...
                    item = _stream_item(event.data)
                    if item.error is None:
                        position = newest(position, item.id)
                    yield Batch([item], position)
        except SSEError as exc:  # not text/event-stream: this instance does not stream here
            log.info("%s: no streaming (%s); polling every %.0fs", self.connector_id, exc, self.poll_interval)
            self.stream_enabled = False
            return
        except SourceConfigError:
            self.stream_enabled = False  # no streaming endpoint (404): poll
            return
        except httpx.TimeoutException:
            raise TransientError("timeout", f"mastodon: no heartbeat in {STREAM_READ_TIMEOUT:g}s") from None
        except httpx.TransportError as exc:
            raise TransientError("connection", f"mastodon: stream dropped ({type(exc).__name__})") from None
        raise TransientError("connection", "mastodon: the server closed the stream")

    async def _streaming_url(self) -> str:
        """The streaming API may live on another host: the instance says where (``configuration.urls.streaming``)."""
        if self._streaming_base is None:
            self._streaming_base = self.instance
            try:
                response = await self.http.get(f"{self.instance}/api/v2/instance")
                urls = response.json().get("configuration", {}).get("urls", {})
                if isinstance(urls.get("streaming"), str) and urls["streaming"].startswith(("http", "ws")):
                    self._streaming_base = urls["streaming"].replace("wss://", "https://").replace("ws://", "http://")
            except (SourceConfigError, ValueError, AttributeError):
                pass  # an older instance: streaming on its own host
        return self._streaming_base.rstrip("/")


def _json_list(response: httpx.Response) -> list[Any]:
    try:
        value = response.json()
    except ValueError:
        raise TransientError("protocol", "mastodon: a timeline page that is not JSON") from None
    if not isinstance(value, list):
        raise TransientError("protocol", "mastodon: a timeline page that is not a list")
    return value


def _item(status: Any) -> Item:
    if isinstance(status, dict) and isinstance(status.get("id"), str) and status["id"]:
        return Item(status["id"], status)
    original = json.dumps(status, default=str).encode()
    return Item(digest_id(original), status, original, InvalidMention("missing_field", "a status without an id"))


def _stream_item(data: str) -> Item:
    try:
        status = json.loads(data)
    except ValueError:
        original = data.encode("utf-8", "surrogatepass")
        return Item(digest_id(original), None, original, InvalidMention("not_json", "a streamed status is not JSON"))
    return _item(status)

