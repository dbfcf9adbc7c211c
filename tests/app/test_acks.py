from dataclasses import dataclass

from streams.app.acks import OffsetOrderAcks


@dataclass(eq=False)
class Event:
    partition: int
    offset: int


def test_an_event_done_before_an_earlier_one_of_its_partition_waits_for_it():
    acks = OffsetOrderAcks(lambda e: e.partition)
    a0, a1, a2, b0 = Event(0, 0), Event(0, 1), Event(0, 2), Event(1, 0)
    for event in (a0, a1, b0, a2):
        acks.received(event)
    assert acks.done([a1, b0]) == [b0]  # a0 is still held: committing past it would skip it after a crash
    assert acks.done([a2]) == []
    assert acks.done([a0]) == [a0, a1, a2]
    assert len(acks) == 0


def test_events_done_in_offset_order_are_acknowledged_at_once():
    acks = OffsetOrderAcks(lambda e: e.partition)
    events = [Event(p, o) for o in range(3) for p in range(2)]
    for event in events:
        acks.received(event)
    ackable = acks.done(events)
    assert len(ackable) == len(events) and set(map(id, ackable)) == set(map(id, events))
    for p in range(2):
        assert [e.offset for e in ackable if e.partition == p] == [0, 1, 2]
