"""X/Twitter API v2 filtered stream: rules generated from the brands file, tagged with brand ids.

At start the connector makes the app's stream rules match the brands file: one rule per brand (split
when a brand's terms do not fit the rule length), tagged with the brand id, so each streamed post's
``matching_rules[].tag`` becomes its ``brand_hint``; rules tagged with a brand id that are no longer
wanted are deleted, other rules are left alone. The stream is newline-delimited JSON with a
keep-alive newline every 20 s. X offers no resume by id: after a drop, ``backfill_minutes`` (Pro
access and above) asks for what was missed, and the runner skips what it already produced.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx

from streams.connectors.base import Batch, Item, TransientError, digest_id
from streams.connectors.http import PlatformHttp
from streams.models import InvalidMention

log = logging.getLogger(__name__)

API = "https://api.x.com"
TOKEN_HINT = "set X_BEARER_TOKEN (or --token-file) to the app's bearer token, with filtered-stream access"
FIELDS = {
    "tweet.fields": "created_at,author_id,referenced_tweets,public_metrics,lang,note_tweet",
    "expansions": "author_id,referenced_tweets.id",
    "user.fields": "username,verified,public_metrics",
}
MAX_RULE_LENGTH = 512  # Basic access; Pro allows 1,024
# X sends a keep-alive newline every 20 s: three missed mean a dead connection.
STREAM_READ_TIMEOUT = 60.0


def _operand(term: str) -> str:
    """A rule operand: ``@handle`` and ``#hashtag`` are X operators of their own; a phrase is quoted."""
    term = term.strip().replace('"', "")
    if term.startswith(("@", "#")):
        return term
    return f'"{term}"' if " " in term or "-" in term else term


def stream_rules(terms_by_brand: dict[str, tuple[str, ...]], max_length: int = MAX_RULE_LENGTH) -> list[dict[str, str]]:
    """``[{"value": "(acme OR @acme_support ...)", "tag": "acme"}, ...]``: each brand's terms OR-ed, split in as
    many rules as the length limit needs, every rule tagged with the brand id."""
    rules = []
    for brand, terms in terms_by_brand.items():
        operands = list({_operand(t).lower(): _operand(t) for t in terms if t.strip()}.values())
        parts: list[str] = []
        for operand in operands:
            if parts and len(" OR ".join([*parts, operand])) + 2 > max_length:
                rules.append({"value": f"({' OR '.join(parts)})", "tag": brand})
                parts = []
            parts.append(operand)
        if parts:
            rules.append({"value": f"({' OR '.join(parts)})", "tag": brand})
    return rules


class FilteredStreamSource:
    source = "twitter"
    adapter = "twitter-v2"

    def __init__(self, token: str, rules: list[dict[str, str]], *, api: str = API, backfill_minutes: int = 0,
                 client: httpx.AsyncClient | None = None) -> None:
        self.api = api.rstrip("/")
        self.rules = rules
        self.backfill_minutes = backfill_minutes
        self.connector_id = "twitter:filtered-stream"
        self.client = client or httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"},
                                                  timeout=httpx.Timeout(30.0, read=STREAM_READ_TIMEOUT))
        self.http = PlatformHttp(self.source, self.client, TOKEN_HINT)
        self._rules_synced = False
        self._connected_before = False

    async def sync_rules(self) -> None:
        url = f"{self.api}/2/tweets/search/stream/rules"
        existing = (await self.http.get(url)).json().get("data") or []
        ours = {r["tag"] for r in self.rules}
        wanted = {(r["value"], r["tag"]) for r in self.rules}
        stale = [r["id"] for r in existing if r.get("tag") in ours and (r.get("value"), r.get("tag")) not in wanted]
        present = {(r.get("value"), r.get("tag")) for r in existing}
        missing = [r for r in self.rules if (r["value"], r["tag"]) not in present]
        if stale:
            await self.http.post(url, json={"delete": {"ids": stale}})
        if missing:
            response = await self.http.post(url, json={"add": missing})
            errors = response.json().get("errors") or []
            if errors:
                log.warning("%s: X refused %d rules: %s", self.connector_id, len(errors),
                            "; ".join(str(e.get("title")) for e in errors[:3]))
        log.info("%s: %d rules (%d added, %d deleted)", self.connector_id, len(self.rules), len(missing), len(stale))
        self._rules_synced = True

    async def batches(self, position: str | None) -> AsyncIterator[Batch]:
        if not self._rules_synced:
            await self.sync_rules()
        params = dict(FIELDS)
        if self.backfill_minutes and (self._connected_before or position is not None):
            params["backfill_minutes"] = str(self.backfill_minutes)
        self._connected_before = True
        try:
            async with self.client.stream("GET", f"{self.api}/2/tweets/search/stream", params=params) as response:
                if response.status_code >= 400:
                    await response.aread()
                    self.http.check(response)
                async for line in response.aiter_lines():
                    if not line.strip():
                        continue  # keep-alive
                    item = _item(line)
                    if item is None:
                        continue
                    yield Batch([item], item.id if item.error is None else position)
        except httpx.TimeoutException:
            raise TransientError("timeout", f"twitter: no keep-alive in {STREAM_READ_TIMEOUT:g}s") from None
        except httpx.TransportError as exc:
            raise TransientError("connection", f"twitter: stream dropped ({type(exc).__name__})") from None
        raise TransientError("connection", "twitter: the server closed the stream")


def _item(line: str) -> Item | None:
    try:
        event = json.loads(line)
    except ValueError:
        original = line.encode("utf-8", "surrogatepass")
        return Item(digest_id(original), None, original, InvalidMention("not_json", "a streamed line is not JSON"))
    if isinstance(event, dict) and "data" not in event and "errors" in event:
        # An operational message (the stream will be disconnected, a rule problem): no post.
        titles = [e.get("title") for e in event["errors"] if isinstance(e, dict)]
        log.warning("twitter: stream says %s", "; ".join(str(t) for t in titles[:3]))
        return None
    data = event.get("data") if isinstance(event, dict) else None
    tweet_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(tweet_id, str):
        original = line.encode("utf-8", "surrogatepass")
        return Item(digest_id(original), event, original,
                    InvalidMention("missing_field", "a streamed post without data.id"))
    return Item(tweet_id, event)
