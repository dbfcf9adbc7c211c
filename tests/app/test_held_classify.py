"""The classify agent's loop without Kafka: real stages, fake events and stream, a hand-driven clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from streams.app.held_classify import HeldClassify
from streams.app.stages import Origin
from streams.models import ClassifiedMention
from streams.scenarios import build_scenario
from tests.support import make_stages


@dataclass
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes

    @property
    def tp(self) -> tuple[str, int]:
        return self.topic, self.partition


@dataclass(eq=False)
class Event:
    value: bytes
    message: Message


@dataclass
class Stream:
    acked: list[tuple[int, int]] = field(default_factory=list)

    async def ack(self, event: Event) -> None:
        self.acked.append((event.message.partition, event.message.offset))


class Clock:
    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> int:
        return self.ms


def setup(hold_ms=2000, fail_sends=0, flushing=lambda: False):
    stages, _ = make_stages()
    sent: list = []
    failures = [fail_sends]

    async def send(outputs):
        if failures[0]:
            failures[0] -= 1
            raise ConnectionError("broker unreachable")
        sent.extend(outputs)

    contexts: dict = {}
    clock = Clock()
    held = HeldClassify(stages, contexts, send, batch_size=50, hold_ms=hold_ms, flushing=flushing, clock_ms=clock)
    return stages, held, sent, contexts, clock


def enriched_events(stages, count=40):
    """The demo's first enriched mentions, dealt over two partitions newest first (out of event time)."""
    mentions = sorted(build_scenario("demo"), key=lambda m: m.event_order)[:count]
    outputs = [o for m in mentions for o in stages.enrich(stages.codecs.raw.encode(m.to_record()),
                                                           Origin("r", 0, 0), {}) if o.role == "enriched"]
    outputs.reverse()
    offsets = [0, 0]
    events = []
    for i, out in enumerate(outputs):
        partition = i % 2
        events.append(Event(out.value, Message("mentions.enriched", partition, offsets[partition], out.key)))
        offsets[partition] += 1
    return events


def classified_times(stages, outputs):
    return [ClassifiedMention.from_record(stages.codecs.classified.decode(o.value)).mention.created_at
            for o in outputs if o.role == "classified"]


def test_held_mentions_go_on_in_event_order_and_are_acked_in_offset_order():
    stages, held, sent, contexts, clock = setup()
    events = enriched_events(stages)
    stream = Stream()

    async def run():
        await held.take(stream, events[:25])
        clock.ms = 1000
        await held.take(stream, events[25:])
        assert sent == [] and stream.acked == []  # nothing before its hold
        clock.ms = 2000
        await held.release_due(stream)  # the first 25 are due, and every held mention before them in time
        clock.ms = 3000
        await held.release_due(stream)

    asyncio.run(run())
    times = classified_times(stages, sent)
    assert len(times) == len(events) and times == sorted(times)
    for partition in (0, 1):
        offsets = [o for p, o in stream.acked if p == partition]
        assert offsets == sorted(offsets) == list(range(len(offsets)))
    assert len(stream.acked) == len(events) and set(contexts) == {e.message.key.decode() for e in events}


def test_a_failed_send_saves_and_acks_nothing_and_the_mentions_go_on_after_another_hold():
    stages, held, sent, contexts, clock = setup(fail_sends=1)
    events = enriched_events(stages, 10)
    stream = Stream()

    async def run():
        await held.take(stream, events)
        clock.ms = 2000
        await held.release_due(stream)  # the send fails
        assert (sent, stream.acked, contexts, len(held.hold)) == ([], [], {}, len(events))
        clock.ms = 2500  # a bad record meanwhile: its dead letter waits out the retry delay with the rest
        await held.take(stream, [Event(b"not avro", Message("mentions.enriched", 0, 99, b"acme"))])
        clock.ms = 3999
        await held.release_due(stream)
        assert (sent, stream.acked) == ([], [])
        clock.ms = 4000
        await held.release_due(stream)

    asyncio.run(run())
    assert len(classified_times(stages, sent)) == len(events)
    assert [o.role for o in sent].count("dead_letter") == 1  # the bad record's letter, sent once
    assert sorted(stream.acked) == sorted([(e.message.partition, e.message.offset) for e in events] + [(0, 99)])
    assert [o for p, o in stream.acked if p == 0][-1] == 99
    assert set(contexts) == {e.message.key.decode() for e in events}


def test_a_mention_keyed_other_than_its_brand_is_dead_lettered():
    stages, held, sent, contexts, clock = setup(hold_ms=0)
    event = enriched_events(stages, 1)[0]
    event.message.key = b"someone-else"
    stream = Stream()
    asyncio.run(held.take(stream, [event]))
    assert [o.role for o in sent] == ["dead_letter"] and stream.acked == [(0, 0)] and contexts == {}
    assert b"key_not_brand" in sent[0].value


def test_a_cancelled_send_holds_the_mentions_again():
    stages, held, sent, _, clock = setup(hold_ms=0)
    events = enriched_events(stages, 5)
    stream = Stream()

    async def cancelled(outputs):
        raise asyncio.CancelledError

    async def run():
        held.send = cancelled
        try:
            await held.take(stream, events)
        except asyncio.CancelledError:
            pass
        assert len(held.hold) == len(events) and stream.acked == []

    asyncio.run(run())


def test_while_the_app_stops_or_rebalances_everything_held_goes_on_at_once():
    stopping = [False]
    stages, held, sent, _, clock = setup(hold_ms=60_000, flushing=lambda: stopping[0])
    events = enriched_events(stages, 10)
    stream = Stream()

    async def run():
        await held.take(stream, events)
        await held.release_due(stream)
        assert stream.acked == []
        stopping[0] = True
        await held.release_due(stream)

    asyncio.run(run())
    assert len(stream.acked) == len(events) and len(held.hold) == 0
