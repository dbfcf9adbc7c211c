"""A local Mastodon instance speaking the real protocol: timelines with Link pagination and min_id, the
streaming API (server-sent events, heartbeats), 429s with rate-limit headers, and dropped streams."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

RECORDED = json.loads((Path(__file__).parent.parent / "sources/payloads/mastodon_statuses.json").read_text())


def status(n: int) -> dict:
    """A recorded status, renumbered: ids grow with n like Mastodon's."""
    value = copy.deepcopy(RECORDED[0])
    value["id"] = str(113945116532100000 + n)
    value["created_at"] = f"2026-03-02T10:{n // 60 % 60:02d}:{n % 60:02d}.000Z"
    value["content"] = f"<p>#<span>Acme</span> outage again, day {n}</p>"
    return value


class FakeMastodon:
    def __init__(self, statuses: list[dict] | None = None) -> None:
        self.statuses = list(statuses or [])
        # One script per streaming connection: ("update", status), ("raw", text), ("post", status) adds to the
        # timeline only (posted while the client is away), "drop" closes the stream, "hold" keeps it open.
        self.streams: list[list] = []
        self.rate_limited = 0  # how many timeline requests to answer 429 next
        self.stream_needs_token = False
        self.valid_token = "good-token"
        self.requests: list[tuple[str, dict]] = []
        self.closing = False
        self.pace = 0.01  # seconds between streamed events
        self.app = Starlette(routes=[
            Route("/api/v2/instance", self.instance),
            Route("/api/v1/accounts/verify_credentials", self.verify_credentials),
            Route("/api/v1/timelines/tag/{tag}", self.timeline),
            Route("/api/v1/timelines/public", self.timeline),
            Route("/api/v1/streaming/hashtag", self.stream),
            Route("/api/v1/streaming/public", self.stream),
        ])

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.valid_token}"

    async def instance(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"domain": "mastodon.test", "version": "4.3.2",
                             "configuration": {"urls": {"streaming": base.replace("http://", "ws://")}}})

    async def verify_credentials(self, request: Request) -> Response:
        if not self._authorized(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        return JSONResponse({"id": "1", "username": "snowball", "acct": "snowball"})

    async def timeline(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.requests.append((request.url.path, params))
        if self.rate_limited:
            self.rate_limited -= 1
            return JSONResponse({"error": "Too many requests"}, status_code=429,
                                headers={"Retry-After": "1", "X-RateLimit-Limit": "300",
                                         "X-RateLimit-Remaining": "0",
                                         "X-RateLimit-Reset": "2026-03-02T10:05:00.000Z"})
        limit = int(params.get("limit", 20))
        ordered = sorted(self.statuses, key=lambda s: (len(s["id"]), s["id"]))
        if "min_id" in params:
            newer = [s for s in ordered if (len(s["id"]), s["id"]) > (len(params["min_id"]), params["min_id"])]
            page = list(reversed(newer[:limit]))
        else:
            page = list(reversed(ordered[-limit:]))
        headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299"}
        if page:
            url = str(request.url.remove_query_params(["min_id", "max_id"]))
            sep = "&" if "?" in url else "?"
            headers["Link"] = (f'<{url}{sep}max_id={page[-1]["id"]}>; rel="next", '
                               f'<{url}{sep}min_id={page[0]["id"]}>; rel="prev"')
        return JSONResponse(page, headers=headers)

    async def stream(self, request: Request) -> Response:
        self.requests.append((request.url.path, dict(request.query_params)))
        if self.stream_needs_token and not self._authorized(request):
            return JSONResponse({"error": "This method requires an authenticated user"}, status_code=401)
        script = self.streams.pop(0) if self.streams else ["hold"]
        while script and isinstance(script[0], tuple) and script[0][0] == "post":  # before the client can read
            self.statuses.append(script.pop(0)[1])

        async def events():
            yield b":)\n"
            for step in script:
                if step == "drop":
                    return
                if step == "hold":
                    while not self.closing:
                        yield b":thump\n"
                        await asyncio.sleep(0.05)
                    return
                kind, value = step
                if kind == "raw":
                    yield value.encode()
                    continue
                self.statuses.append(value)
                if kind == "update":
                    yield f"event: update\ndata: {json.dumps(value)}\n\n".encode()
                await asyncio.sleep(self.pace)

        return StreamingResponse(events(), media_type="text/event-stream")

