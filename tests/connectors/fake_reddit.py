"""A local Reddit: the OAuth token endpoint (basic auth, one-hour tokens), listings newest first with
x-ratelimit-* headers, 401 on an expired token, 429 when over the limit."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

RECORDED = json.loads((Path(__file__).parent.parent / "sources/payloads/reddit_comments.json").read_text())
COMMENT = RECORDED[1]["data"]["children"][0]


def comment(n: int) -> dict:
    thing = copy.deepcopy(COMMENT)
    base36 = "0123456789abcdefghijklmnopqrstuvwxyz"
    value, digits = 1_000_000_000 + n, ""
    while value:
        value, r = divmod(value, 36)
        digits = base36[r] + digits
    thing["data"].update(id=digits, name=f"t1_{digits}", created_utc=1772445000.0 + n, replies="",
                         body=f"Acme m'a encore facturé ({n})")
    return thing


class FakeReddit:
    def __init__(self, client_id: str = "app-id", secret: str = "app-secret") -> None:
        self.basic = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        self.comments: list[dict] = []
        self.posts: list[dict] = [RECORDED[0]["data"]["children"][0]]  # /r/NAME/new: submissions (t3)
        self.tokens_issued = 0
        self.expire_token = False
        self.rate_limited = 0
        self.app = Starlette(routes=[Route("/api/v1/access_token", self.token, methods=["POST"]),
                                     Route("/r/{sub}/comments", self.listing), Route("/r/{sub}/new", self.listing)])

    async def token(self, request: Request) -> Response:
        if request.headers.get("authorization") != self.basic:
            return JSONResponse({"message": "Unauthorized", "error": 401}, status_code=401)
        form = parse_qs((await request.body()).decode())
        if form.get("grant_type") != ["client_credentials"]:
            return JSONResponse({"error": "unsupported_grant_type"})
        self.tokens_issued += 1
        return JSONResponse({"access_token": f"tok-{self.tokens_issued}", "token_type": "bearer",
                             "expires_in": 3600, "scope": "*"})

    async def listing(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"bearer tok-{self.tokens_issued}" or self.expire_token:
            self.expire_token = False
            self.tokens_issued += 1  # the old one is no longer valid
            return JSONResponse({"message": "Unauthorized", "error": 401}, status_code=401)
        if self.rate_limited:
            self.rate_limited -= 1
            return JSONResponse({"message": "Too Many Requests", "error": 429}, status_code=429,
                                headers={"x-ratelimit-used": "100", "x-ratelimit-remaining": "0.0",
                                         "x-ratelimit-reset": "1"})
        limit = int(request.query_params.get("limit", 25))
        things = self.comments if request.url.path.endswith("/comments") else self.posts
        page = list(reversed(things))[:limit]
        return JSONResponse({"kind": "Listing", "data": {"after": None, "dist": len(page), "modhash": "",
                                                         "children": page, "before": None}},
                            headers={"x-ratelimit-used": "3", "x-ratelimit-remaining": "97.0",
                                     "x-ratelimit-reset": "420"})
