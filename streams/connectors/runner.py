"""Run one source: map its items to raw mentions, produce them with delivery confirmed, then move the cursor.

Per batch: skip the ids already produced, map the rest through the source adapter (a malformed item is
dead-lettered with its reason, the others go on), write the cursor with the batch as *pending*, produce,
await the broker's acknowledgement, then write the cursor with the batch *committed*. A source that
drops (``TransientError``) is reconnected from the last committed position after a pause: the
platform's ``Retry-After`` or rate-limit reset when it gave one, else exponential backoff with jitter.
A refused credential stops the run (``CredentialRejected``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from streams.connectors.base import Batch, Item, Source, TransientError
from streams.connectors.cursor import MAX_SEEN_IDS, Cursor
from streams.connectors.log import MentionLog, Record
from streams.connectors.metrics import ConnectorMetrics
from streams.connectors.seen_ids import SeenIds
from streams.kafka.clients import DeliveryFailed
from streams.models import DeadLetter, InvalidMention
from streams.models.parse import parse_raw_mention
from streams.serialization.avro import Codec
from streams.settings import TopicSettings
from streams.sources import ADAPTERS

log = logging.getLogger(__name__)

COMMIT_DELAY_SECONDS = 10.0
MAX_BATCH_ITEMS = 500
QUEUE_BATCHES = 1000
SUMMARY_EVERY_SECONDS = 60.0
_END = object()  # the source ended (a one-shot poll)
# Room for clock skew between this host and the broker when looking for a pending batch after a crash.
RECOVERY_MARGIN_MS = 60_000


@dataclass(frozen=True, slots=True)
class Backoff:
    initial_seconds: float = 1.0
    max_seconds: float = 300.0
    # A platform asking for more than this is capped: a reset header far in the future is more likely
    # a clock problem than a real 1-hour ban, and the next try gets a fresh answer.
    max_retry_after_seconds: float = 900.0


class ConnectorRunner:
    def __init__(self, source: Source, mention_log: MentionLog, raw_codec: Codec, dead_letter_codec: Codec,
                 topics: TopicSettings, metrics: ConnectorMetrics, *, backoff: Backoff = Backoff(),
                 wall_clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.source = source
        self.log = mention_log
        self.raw_codec = raw_codec
        self.dead_letter_codec = dead_letter_codec
        self.topics = topics
        self.metrics = metrics
        self.backoff = backoff
        self.wall_clock = wall_clock
        self.sleep = sleep
        self.adapter = ADAPTERS[source.adapter]
        self.capacity = getattr(source, "seen_capacity", MAX_SEEN_IDS)
        self.cursor = Cursor(source.connector_id, seen=SeenIds(capacity=self.capacity))
        self._loaded = False
        self._failures = 0
        self._commit_due: asyncio.TimerHandle | None = None
        self._unwritten_since: float | None = None  # loop time of a commit no cursor write carries yet
        self._summary, self._summary_at = [0, 0], time.monotonic()

    async def run(self) -> None:
        """Until the source ends (a one-shot poll) or stops with a fatal error; reconnects on transient ones."""
        retrying = AsyncRetrying(retry=retry_if_exception_type((TransientError, DeliveryFailed)), wait=self._wait,
                                 before_sleep=self._before_sleep, sleep=self.sleep, reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    await self._session()
        finally:
            self._log_summary()
            await self._write_commit()
            await self.log.close()

    async def _session(self) -> None:
        """Read the source in a task of its own while batches are produced: what arrives during a produce is
        merged into the next batch, so a busy stream pays the cursor and the broker round trip once per
        batch, not once per item.

        Merged batches stay within half the seen-ids window (and ``MAX_BATCH_ITEMS``): a restart after a
        crash during a batch resumes from the position before it and skips what was produced by the seen
        ids, so they must hold the whole batch and what the platform repeats before it. (The source's own
        batches, pages of 40 to 100, are far smaller than its window.)"""
        await self._recover()
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_BATCHES)
        reader = asyncio.create_task(self._read(queue))
        limit = max(1, min(MAX_BATCH_ITEMS, self.capacity // 2))
        following = None  # a batch read but left for the next merge
        try:
            while True:
                first = following if following is not None else await queue.get()
                following = None
                batches, ending = [first], None
                if first is _END or isinstance(first, BaseException):
                    batches, ending = [], first
                count = sum(len(b.items) for b in batches)
                while batches and not queue.empty():
                    following = queue.get_nowait()
                    if following is _END or isinstance(following, BaseException):
                        ending, following = following, None
                        break
                    if count + len(following.items) > limit:
                        break
                    batches.append(following)
                    count += len(following.items)
                    following = None
                if batches:
                    position = next((b.position for b in reversed(batches) if b.position is not None), None)
                    await self.handle(Batch([i for b in batches for i in b.items], position))
                    self._failures = 0
                if ending is _END:
                    return
                if ending is not None:
                    raise ending
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _read(self, queue: asyncio.Queue) -> None:
        try:
            async for batch in self.source.batches(self.cursor.position):
                await queue.put(batch)
            await queue.put(_END)
        except Exception as exc:  # handed to the session, which raises it where the retry policy sees it
            await queue.put(exc)

    async def _recover(self) -> None:
        """Load the cursor once; settle a batch left pending by a crash or a failed delivery."""
        if not self._loaded:
            self.cursor = await self.log.load_cursor(self.source.connector_id) or self.cursor
            self.cursor.seen.resize(self.capacity)
            self._loaded = True
        if not self.cursor.pending_ids:
            return
        found = await self.log.keys_since((self.topics.raw, self.topics.dead_letter),
                                          self.cursor.updated_at - RECOVERY_MARGIN_MS, set(self.cursor.pending_ids))
        log.info("%s: %d of %d items of an unfinished batch were already produced", self.source.connector_id,
                 len(found), len(self.cursor.pending_ids))
        self.cursor = self.cursor.recovered(found, self.cursor.position, self._now_ms())
        await self.log.save_cursor(self.cursor, wait=True)

    async def handle(self, batch: Batch) -> None:
        now_ms = self._now_ms()
        self.metrics.fetched(len(batch.items))
        fresh: dict[str, Item] = {}
        for item in batch.items:
            if item.id not in self.cursor.seen and item.id not in fresh:
                fresh[item.id] = item
        self.metrics.skipped(len(batch.items) - len(fresh))
        if not fresh:
            if batch.position is not None and batch.position != self.cursor.position:
                self.cursor.begin((), batch.position, now_ms).commit(now_ms)
                self._commit_soon()
            return
        records: list[Record] = []
        produced = 0
        for item in fresh.values():
            mentions, letter = self._map(item, now_ms)
            produced += len(mentions)
            records += mentions
            if letter is not None:
                records.append(letter)
        # This write also commits the previous batch (its ids are in seen, the position moved past it).
        self._unwritten_since = None
        self.cursor.begin(fresh, batch.position, now_ms)
        await self.log.save_cursor(self.cursor, wait=True)
        await self.log.send(records)
        self.cursor.commit(self._now_ms())
        self._commit_soon()
        self.metrics.produced(produced)
        self._summary[0] += produced
        self._summary[1] += len(records) - produced
        log.debug("%s: %d mentions produced, %d dead-lettered", self.source.connector_id, produced,
                  len(records) - produced)
        if time.monotonic() - self._summary_at > SUMMARY_EVERY_SECONDS:
            self._log_summary()

    def _log_summary(self) -> None:
        """Counts at INFO once a minute (never a post's text), not a line per item of a busy stream."""
        if self._summary != [0, 0]:
            log.info("%s: %d mentions produced, %d dead-lettered since the last report", self.source.connector_id,
                     *self._summary)
        self._summary, self._summary_at = [0, 0], time.monotonic()

    def _commit_soon(self) -> None:
        """Write the committed cursor ``COMMIT_DELAY_SECONDS`` after a batch, unless it is written by then: the
        next batch's write carries it, so a stream with an item every few seconds writes its cursor once per
        item, not twice. Until written, a restart after a crash rechecks the last batch on the topics
        (``_recover``), which it does for a crash during a batch anyway. One timer at a time, moved on when
        it finds a later batch: not a timer per item."""
        loop = asyncio.get_running_loop()
        self._unwritten_since = loop.time()
        if self._commit_due is None:
            self._commit_due = loop.call_later(COMMIT_DELAY_SECONDS, self._commit_timer)

    def _commit_timer(self) -> None:
        self._commit_due = None
        if self._unwritten_since is None:
            return
        loop = asyncio.get_running_loop()
        wait = self._unwritten_since + COMMIT_DELAY_SECONDS - loop.time()
        if wait > 0:
            self._commit_due = loop.call_later(wait, self._commit_timer)
        else:
            asyncio.ensure_future(self._write_commit())

    async def _write_commit(self) -> None:
        if self._commit_due is not None:
            self._commit_due.cancel()
            self._commit_due = None
        if self._unwritten_since is not None and not self.cursor.pending_ids:
            self._unwritten_since = None
            await self.log.save_cursor(self.cursor, wait=False)

    def _map(self, item: Item, now_ms: int) -> tuple[list[Record], Record | None]:
        """The item's mentions, or its dead letter: a malformed item yields no mention at all."""
        try:
            if item.error is not None:
                raise item.error
            mentions = [parse_raw_mention(r, now_ms=now_ms) for r in self.adapter.records(item.payload)]
        except InvalidMention as exc:
            return [], self._dead_letter(item, exc.reason, str(exc), now_ms)
        return [(self.topics.raw, m.id.encode(), self.raw_codec.encode(m.to_record())) for m in mentions], None

    def _dead_letter(self, item: Item, reason: str, error: str, now_ms: int) -> Record:
        self.metrics.dead_lettered(reason)
        original = item.original if item.original is not None else _json_bytes(item.payload)
        letter = DeadLetter(stage="ingest", reason=reason, error=error, topic=self.source.connector_id,
                            partition=0, offset=0, failed_at=now_ms, key=item.id.encode(), value=original)
        # Keyed by the platform id: a restart after a crash finds it like a mention (_recover).
        return self.topics.dead_letter, item.id.encode(), self.dead_letter_codec.encode(letter.to_record())

    def _wait(self, state: RetryCallState) -> float:
        self._failures += 1
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:  # at least the initial backoff: "Retry-After: 0" on repeat is no invitation
            return max(self.backoff.initial_seconds, min(float(retry_after), self.backoff.max_retry_after_seconds))
        ceiling = min(self.backoff.max_seconds, self.backoff.initial_seconds * 2 ** (self._failures - 1))
        return random.uniform(ceiling / 2, ceiling)  # jitter: many connectors do not reconnect in step

    def _before_sleep(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        kind = error.kind if isinstance(error, TransientError) else "delivery"
        self.metrics.error(kind)
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s: %s (%s); retrying in %.1fs", self.source.connector_id, kind, error, wait)

    def _now_ms(self) -> int:
        return int(self.wall_clock() * 1000)


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
