"""The classify agent's loop: decode, hold into event order, classify, send, acknowledge in offset order.

A brand's enriched mentions arrive merged from every ``mentions.raw`` partition, minutes of event
time out of order under a burst or a replay (see ``streams.app.reorder``). Each decoded mention is
held ``hold_ms`` after its arrival and goes on in event order; it is acknowledged only once
classified and sent, and only after every earlier offset of its partition (``streams.app.acks``),
so a crash never commits a held mention. A stop or a rebalance waits for every event in flight to
be acknowledged: then everything held goes on at once. If sending fails, nothing is saved or
acknowledged and the mentions are held again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import ChainMap
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from streams.app.acks import OffsetOrderAcks
from streams.app.reorder import ArrivalHold
from streams.app.stages import Origin, Output, Stages
from streams.app.tables import BatchTableView

log = logging.getLogger(__name__)

RELEASE_TICK = 0.05  # seconds between looks at what is held
RETRY_AFTER_MS = 1000  # at least this long between tries after a failed send


def monotonic_ms() -> int:
    return int(time.monotonic() * 1000)


def origin_of(event: Any) -> Origin:
    message = event.message
    return Origin(message.topic, message.partition, message.offset, message.key)


class HeldClassify:
    def __init__(self, stages: Stages, contexts: MutableMapping[str, dict],
                 send: Callable[[list[Output]], Awaitable[None]], batch_size: int, hold_ms: int,
                 flushing: Callable[[], bool], clock_ms: Callable[[], int] = monotonic_ms) -> None:
        self.stages = stages
        self.contexts = contexts  # the Faust table
        self.send = send
        self.batch_size = batch_size
        self.flushing = flushing  # true while the app stops or rebalances
        self.clock_ms = clock_ms
        self.hold: ArrivalHold[tuple[Any, tuple]] = ArrivalHold(hold_ms)
        self.acks: OffsetOrderAcks[Any] = OffsetOrderAcks(lambda event: event.message.tp)
        self._lock = asyncio.Lock()
        self._unsent: list[tuple[Any, Output]] = []  # (event, its dead letter) a failed send left
        self._retry_at = 0  # no release before this (clock ms), after a failed send

    async def take(self, stream: Any, events: Sequence[Any]) -> None:
        """Events just read from the stream (in offset order per partition)."""
        async with self._lock:
            lettered: list[tuple[Any, Output]] = []
            now = self.clock_ms()
            for event in events:
                self.acks.received(event)
                letter = self._hold_or_letter(event, now)
                if letter is not None:
                    lettered.append((event, letter))
            await self._classify(stream, lettered, now)

    def _hold_or_letter(self, event: Any, now: int) -> Output | None:
        """Hold the event's mention, or return the dead letter of an event that cannot be classified."""
        origin = origin_of(event)
        letters: list[Output] = []
        enriched = self.stages.decode_enriched(event.value, origin, letters)
        if enriched is None:
            return letters[0]
        brand_id = enriched.enrichment.brand_id
        if event.message.key != brand_id.encode("utf-8"):
            # Its brand's context lives in the partition of its brand id: a foreign key has no place.
            why = f"keyed {event.message.key!r}, about brand {brand_id!r}"
            return self.stages.dead_letter("classify", "key_not_brand", why, origin, event.value)
        self.hold.admit(enriched.mention.event_order, (event, (enriched, origin, event.value)), now)
        return None

    async def release_due(self, stream: Any) -> None:
        """What has been held long enough (everything, while the app stops or rebalances)."""
        async with self._lock:
            await self._classify(stream, [], self.clock_ms())

    async def release_loop(self, stream: Any) -> None:
        # Not an app.timer: Faust ends its timers before it waits for the events in flight, held ones included.
        while True:
            await asyncio.sleep(RELEASE_TICK)
            if len(self.hold) or self._unsent:
                try:
                    await self.release_due(stream)
                except Exception:  # a bug here must not end the loop: the next tick tries again
                    log.exception("releasing held mentions failed")

    async def _classify(self, stream: Any, lettered: list[tuple[Any, Output]], now: int) -> None:
        lettered, self._unsent = self._unsent + lettered, []
        if now < self._retry_at:  # after a failed send: what came meanwhile waits with the rest
            self._unsent = lettered
            return
        released = self.hold.drain() if self.flushing() else self.hold.release(now)
        if not released and not lettered:
            return
        written: dict[str, dict] = {}  # brand contexts, saved once the outputs are sent
        contexts = ChainMap(written, self.contexts)
        outputs = [letter for _, letter in lettered]
        try:
            with self.stages.metrics.stage_timer("classify"):
                items = [item for _, item in released]
                for start in range(0, len(items), self.batch_size):
                    outputs += self.stages.classify_mentions(items[start:start + self.batch_size], contexts)
                    await asyncio.sleep(0)  # a long drain must not starve the consumer's heartbeats
                await self.send(outputs)
        except BaseException as exc:
            # Sending failed or was cancelled (classification errors are dead letters already): nothing is saved
            # or acknowledged, and the mentions are held again, to be classified again from the same state.
            self._unsent = lettered
            for event, item in released:
                self.hold.admit(item[0].mention.event_order, (event, item), now)
            if not isinstance(exc, Exception):
                raise
            self._retry_at = now + max(self.hold.hold_ms, RETRY_AFTER_MS)
            log.exception("classifying %d held mentions failed; they are held again", len(released))
            return
        events = [event for event, _ in released]
        try:
            table = BatchTableView(self.contexts, events)
            for brand_id, state in written.items():  # each has an event of its key in this release: take() checks
                table[brand_id] = state
        finally:  # sent: acknowledged whatever happens to the contexts, never stranded
            for event in self.acks.done([event for event, _ in lettered] + events):
                await stream.ack(event)
