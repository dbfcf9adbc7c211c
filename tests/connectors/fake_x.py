"""A local X API v2: filtered-stream rules (GET/POST), the stream as newline-delimited JSON with keep-alives,
``backfill_minutes`` replay, 429 with x-rate-limit-* headers, 401 for a wrong bearer token."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

RECORDED = json.loads((Path(__file__).parent.parent / "sources/payloads/twitter_v2_stream_event.json").read_text())


def tweet_event(n: int, tag: str = "globex") -> dict:
    event = copy.deepcopy(RECORDED)
    event["data"]["id"] = str(1896940000000000000 + n)
    event["data"]["edit_history_tweet_ids"] = [event["data"]["id"]]
    event["matching_rules"] = [{"id": f"rule-{tag}", "tag": tag}]
    return event


class FakeX:
    def __init__(self, token: str = "good-bearer") -> None:
        self.token = token
        self.rules: list[dict] = []
        self.streams: list[list] = []  # per connection: events, "keepalive", ("raw", line), "drop", "hold"
        self.sent: list[dict] = []  # every event streamed, for backfill
        self.rate_limited = 0
        self.stream_params: list[dict] = []
        self.closing = False
        self.pace = 0.01  # seconds between streamed lines
        self.app = Starlette(routes=[
            Route("/2/tweets/search/stream/rules", self.get_rules, methods=["GET"]),
            Route("/2/tweets/search/stream/rules", self.change_rules, methods=["POST"]),
            Route("/2/tweets/search/stream", self.stream),
        ])

    def _unauthorized(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse({"title": "Unauthorized", "type": "about:blank", "status": 401,
                                 "detail": "Unauthorized"}, status_code=401)
        return None

    async def get_rules(self, request: Request) -> Response:
        return self._unauthorized(request) or JSONResponse(
            {"data": self.rules, "meta": {"sent": "2026-03-02T09:00:00.000Z", "result_count": len(self.rules)}}
            if self.rules else {"meta": {"sent": "2026-03-02T09:00:00.000Z", "result_count": 0}})

    async def change_rules(self, request: Request) -> Response:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        body = await request.json()
        if "delete" in body:
            ids = set(body["delete"]["ids"])
            self.rules = [r for r in self.rules if r["id"] not in ids]
            return JSONResponse({"meta": {"summary": {"deleted": len(ids), "not_deleted": 0}}})
        added = [{"id": f"r{len(self.rules) + i}", **rule} for i, rule in enumerate(body["add"])]
        self.rules += added
        return JSONResponse({"data": added, "meta": {"summary": {"created": len(added), "not_created": 0}}},
                            status_code=201)

    async def stream(self, request: Request) -> Response:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        self.stream_params.append(dict(request.query_params))
        if self.rate_limited:
            self.rate_limited -= 1
            return JSONResponse({"title": "ConnectionException", "detail": "This stream is currently at the maximum "
                                 "allowed connection limit."}, status_code=429,
                                headers={"x-rate-limit-limit": "50", "x-rate-limit-remaining": "0",
                                         "x-rate-limit-reset": str(int(time.time()) + 4)})
        script = self.streams.pop(0) if self.streams else ["hold"]
        backfill = [e for e in self.sent[-2:]] if request.query_params.get("backfill_minutes") else []

        async def lines():
            for event in backfill:
                yield (json.dumps(event) + "\r\n").encode()
            for step in script:
                if step == "drop":
                    return
                if step == "hold":
                    while not self.closing:
                        yield b"\r\n"
                        await asyncio.sleep(0.05)
                    return
                if step == "keepalive":
                    yield b"\r\n"
                elif isinstance(step, tuple):
                    yield step[1].encode() + b"\r\n"
                else:
                    self.sent.append(step)
                    yield (json.dumps(step) + "\r\n").encode()
                await asyncio.sleep(self.pace)

        return StreamingResponse(lines(), media_type="application/json")
