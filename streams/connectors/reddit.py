"""Reddit: new comments and posts of subreddits, and new posts of searches, through the OAuth API.

The app authenticates with its client id and secret (an "installed" or "web" app uses the client
credentials grant; a "script" app may add a username and password), gets a one-hour bearer token and
renews it when Reddit answers 401; a token request refused means wrong credentials and stops. Each
listing is polled newest first (100 a page, Reddit's maximum); what is newer than the cursor is
produced oldest first. The position is the newest id seen per listing (base-36 ids grow with time).
Rate limits: ``x-ratelimit-remaining`` / ``x-ratelimit-reset`` (seconds), honoured by ``PlatformHttp``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from streams.connectors.base import Batch, CredentialRejected, Item, TransientError
from streams.connectors.http import PlatformHttp

log = logging.getLogger(__name__)

AUTH_URL = "https://www.reddit.com/api/v1/access_token"
API_URL = "https://oauth.reddit.com"
TOKEN_HINT = "check REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET (and REDDIT_USERNAME / REDDIT_PASSWORD for a script app)"
USER_AGENT = "python:snowball-connector:0.1 (by /u/{user})"  # Reddit asks for a unique, descriptive agent


@dataclass(frozen=True, slots=True)
class Listing:
    path: str  # /r/france/comments, /r/france/new, /search?q=...
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def subreddit_comments(cls, name: str) -> Listing:
        return cls(f"/r/{name}/comments")

    @classmethod
    def subreddit_posts(cls, name: str) -> Listing:
        return cls(f"/r/{name}/new")

    @classmethod
    def search(cls, query: str) -> Listing:
        return cls("/search", (("q", query), ("sort", "new"), ("type", "link")))

    def key(self) -> str:
        return self.path + ("?" + "&".join(f"{k}={v}" for k, v in self.params) if self.params else "")


@dataclass(frozen=True, slots=True)
class Credentials:
    client_id: str
    client_secret: str
    username: str | None = None
    password: str | None = None


def id_value(fullname: str) -> int:
    """``t1_mfa1b2c`` -> the base-36 number: Reddit's ids grow with time."""
    return int(fullname.partition("_")[2] or "0", 36)


class RedditSource:
    source = "reddit"
    adapter = "reddit"
    seen_capacity = 500  # ids grow: a page (100) per listing overlaps the last one

    def __init__(self, credentials: Credentials, listings: list[Listing], *, name: str = "listings",
                 poll_interval: float = 60.0, once: bool = False, auth_url: str = AUTH_URL, api_url: str = API_URL,
                 client: httpx.AsyncClient | None = None) -> None:
        self.credentials = credentials
        self.listings = listings
        self.poll_interval = poll_interval
        self.once = once
        self.auth_url = auth_url
        self.api_url = api_url.rstrip("/")
        self.connector_id = f"reddit:{name}"
        agent = USER_AGENT.format(user=credentials.username or credentials.client_id)
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(30.0), headers={"User-Agent": agent})
        self.http = PlatformHttp(self.source, self.client, TOKEN_HINT)
        self._token: str | None = None

    async def _authenticate(self) -> None:
        c = self.credentials
        data = ({"grant_type": "password", "username": c.username, "password": c.password} if c.username
                else {"grant_type": "client_credentials"})
        try:
            response = await self.client.post(self.auth_url, data=data, auth=(c.client_id, c.client_secret))
        except httpx.TransportError as exc:
            raise TransientError("connection", f"reddit: {type(exc).__name__} getting a token") from None
        self.http.check(response)
        body = response.json()
        if "access_token" not in body:  # Reddit answers 200 {"error": "invalid_grant"} for a wrong password
            raise CredentialRejected(f"reddit: the token request was refused ({body.get('error', 'no token')}): "
                                     f"{TOKEN_HINT}")
        self._token = body["access_token"]

    async def _get(self, listing: Listing) -> httpx.Response:
        for attempt in range(2):
            if self._token is None:
                await self._authenticate()
            try:
                return await self.http.get(f"{self.api_url}{listing.path}", params=[*listing.params, ("limit", "100"),
                                                                                   ("raw_json", "1")],
                                           headers={"Authorization": f"bearer {self._token}"})
            except CredentialRejected:
                if attempt:
                    raise
                self._token = None  # expired (they last an hour): one new token, then give up
        raise AssertionError("unreachable")

    async def batches(self, position: str | None) -> AsyncIterator[Batch]:
        newest: dict[str, str] = json.loads(position) if position else {}
        while True:
            for listing in self.listings:
                response = await self._get(listing)
                items, top = self._new_items(response, newest.get(listing.key()))
                if top is not None:
                    newest = {**newest, listing.key(): top}
                yield Batch(items, json.dumps(newest, sort_keys=True))
            if self.once:
                return
            await asyncio.sleep(self.poll_interval)

    def _new_items(self, response: httpx.Response, after: str | None) -> tuple[list[Item], str | None]:
        try:
            children = response.json()["data"]["children"]
        except (ValueError, KeyError, TypeError):
            raise TransientError("protocol", "reddit: a listing that is not a listing") from None
        things = [c for c in children if isinstance(c, dict) and isinstance(c.get("data"), dict)
                  and isinstance(c["data"].get("name"), str)]
        floor = id_value(after) if after else -1
        fresh = [t for t in things if id_value(t["data"]["name"]) > floor]
        fresh.sort(key=lambda t: id_value(t["data"]["name"]))  # oldest first
        top = fresh[-1]["data"]["name"] if fresh else None
        return [Item(t["data"]["name"], t) for t in fresh], top
