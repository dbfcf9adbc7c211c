"""HTTP with a platform: errors mapped to what the runner does with them, rate-limit headers honoured.

``PlatformHttp`` wraps an ``httpx.AsyncClient``: a refused credential (401/403) is fatal, a 404 is a
configuration error, 429 and 5xx are transient with the platform's wait (``Retry-After``, or the reset
of its rate-limit headers), and a request is held back while the platform says the window has no
request left (``X-RateLimit-Remaining: 0``) instead of spending a 429.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from streams.connectors.base import CredentialRejected, SourceConfigError, TransientError

USER_AGENT = "snowball-connector/0.1 (+https://github.com/snowball-streams)"
# Header names platforms use for their windows: Mastodon and Reddit (x-ratelimit-*), X (x-rate-limit-*).
REMAINING_HEADERS = ("x-ratelimit-remaining", "x-rate-limit-remaining")
RESET_HEADERS = ("x-ratelimit-reset", "x-rate-limit-reset")


def retry_after_seconds(headers: httpx.Headers, now: float) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or a rate-limit reset header
    (epoch seconds as X sends it, seconds left as Reddit does, an ISO time as Mastodon does)."""
    value = headers.get("retry-after")
    if value:
        seconds = _seconds_until(value, now, http_date=True)
        if seconds is not None:
            return seconds
    for name in RESET_HEADERS:
        if headers.get(name):
            return _seconds_until(headers[name], now, http_date=False)
    return None


def _seconds_until(value: str, now: float, *, http_date: bool) -> float | None:
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value) if http_date else datetime.fromisoformat(value.replace("Z", "+00:00"))
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - now)
    if number > 1e9:  # an epoch time, not a delay
        return max(0.0, number - now)
    return max(0.0, number)


def credential_hint(source: str, response: httpx.Response, hint: str) -> str:
    return (f"{source}: {response.request.url.host} refused the credential ({response.status_code} "
            f"{response.reason_phrase}): {hint}")


class PlatformHttp:
    def __init__(self, source: str, client: httpx.AsyncClient, credential_hint: str,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.source = source
        self.client = client
        self.hint = credential_hint
        self.clock = clock
        self.sleep = sleep
        self._resume_at = 0.0

    async def get(self, url: str, **kwargs: object) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: object) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        wait = self._resume_at - self.clock()
        if wait > 0:
            await self.sleep(wait)
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientError("timeout", f"{self.source}: {type(exc).__name__} on {_where(url)}") from None
        except httpx.TransportError as exc:
            raise TransientError("connection", f"{self.source}: {type(exc).__name__} on {_where(url)}") from None
        self.check(response)
        return response

    def check(self, response: httpx.Response) -> None:
        """Raise what the status means; remember an exhausted rate-limit window."""
        now = self.clock()
        remaining = next((response.headers[h] for h in REMAINING_HEADERS if h in response.headers), None)
        if remaining is not None and _is_zero(remaining):
            self._resume_at = now + (retry_after_seconds(response.headers, now) or 0.0)
        code = response.status_code
        if code < 400:
            return
        where = f"{response.status_code} {response.reason_phrase} from {_where(str(response.request.url))}"
        if code in (401, 403):
            raise CredentialRejected(credential_hint(self.source, response, self.hint))
        if code == 429:
            raise TransientError("rate_limited", f"{self.source}: {where}", retry_after_seconds(response.headers, now))
        if code >= 500 or code == 408:
            raise TransientError("server_error", f"{self.source}: {where}", retry_after_seconds(response.headers, now))
        raise SourceConfigError(f"{self.source}: {where}")


def _is_zero(value: str) -> bool:
    try:
        return float(value) <= 0
    except ValueError:
        return False


def _where(url: str) -> str:
    """Host and path only: query strings can carry keys some platforms accept there."""
    parsed = httpx.URL(url)
    return f"{parsed.host}{parsed.path}"
