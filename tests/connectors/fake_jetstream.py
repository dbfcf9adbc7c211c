"""A local Jetstream: the websocket firehose as JSON events, replay from ``cursor`` (time_us), 429 on the
handshake, and connections dropped mid-stream."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from streams.kafka.processes import free_port

T0 = 1_772_445_000_000_000  # 2026-03-02T09:50:00Z in microseconds


def post(n: int, text: str, **record: object) -> dict:
    """A post commit as Jetstream sends it."""
    return {"did": f"did:plc:user{n % 7}", "time_us": T0 + n * 1000, "kind": "commit",
            "commit": {"rev": f"3l{n:011d}", "operation": "create", "collection": "app.bsky.feed.post",
                       "rkey": f"3k{n:011d}", "cid": f"bafyreib{n:040d}",
                       "record": {"$type": "app.bsky.feed.post", "createdAt": f"2026-03-02T09:50:{n % 60:02d}.000Z",
                                  "langs": ["fr"], "text": text, **record}}}


def like(n: int) -> dict:
    return {"did": "did:plc:liker", "time_us": T0 + n * 1000, "kind": "commit",
            "commit": {"rev": "x", "operation": "create", "collection": "app.bsky.feed.like", "rkey": f"l{n}",
                       "record": {"$type": "app.bsky.feed.like", "subject": {"uri": "at://x", "cid": "y"}}}}


class FakeJetstream:
    def __init__(self) -> None:
        self.events: list[dict | str] = []  # in time_us order; a str is sent as is (a malformed message)
        self.drop_after: list[int | None] = []  # per connection: close after that many events (None: hold)
        self.rate_limited = 0
        self.cursors: list[str | None] = []

    def _process_request(self, connection, request):
        if self.rate_limited:
            self.rate_limited -= 1
            response = connection.respond(HTTPStatus.TOO_MANY_REQUESTS, "slow down\n")
            response.headers["Retry-After"] = "3"
            return response
        return None

    async def _handler(self, socket) -> None:
        query = parse_qs(urlsplit(socket.request.path).query)
        cursor = query.get("cursor", [None])[0]
        self.cursors.append(cursor)
        drop_after = self.drop_after.pop(0) if self.drop_after else None
        sent = 0
        index = 0
        while True:
            while index < len(self.events):
                event = self.events[index]
                index += 1
                if cursor is not None and isinstance(event, dict) and event["time_us"] < int(cursor):
                    continue
                await socket.send(event if isinstance(event, str) else json.dumps(event))
                sent += 1
                if drop_after is not None and sent >= drop_after:
                    return  # closes the connection
            try:  # hold: send what is added later, until the client goes
                await asyncio.wait_for(socket.recv(), 0.02)
            except TimeoutError:
                pass
            except ConnectionClosed:
                return

    @contextmanager
    def serving(self, port: int | None = None) -> Iterator[str]:
        port = port or free_port()
        ready = threading.Event()
        stop: list = []

        def run() -> None:
            async def main() -> None:
                async with serve(self._handler, "127.0.0.1", port, process_request=self._process_request):
                    stop.append(asyncio.get_running_loop().create_future())
                    ready.set()
                    await stop[0]

            asyncio.run(main())

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(10)
        try:
            yield f"ws://127.0.0.1:{port}/subscribe"
        finally:
            future = stop[0]
            future.get_loop().call_soon_threadsafe(future.set_result, None)
            thread.join(timeout=5)
