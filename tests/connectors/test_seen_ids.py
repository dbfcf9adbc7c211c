"""The seen-ids window: order, bounds, and an Avro encoding kept up to date that always decodes to its ids."""

from __future__ import annotations

import io
import random

import fastavro

from streams.connectors.seen_ids import CHUNK_IDS, SeenIds

STRING_ARRAY = fastavro.parse_schema({"type": "array", "items": "string"})


def decoded(window: SeenIds) -> list[str]:
    data = io.BytesIO(window.avro_array())
    ids = fastavro.schemaless_reader(data, STRING_ARRAY)
    assert data.read() == b""  # nothing after the array's closing zero
    return ids


def test_ids_keep_their_order_and_an_id_seen_again_moves_to_the_newest_end():
    window = SeenIds(["a", "b", "c"], capacity=10)
    window.extend(["a", "d"])
    assert list(window) == ["b", "c", "a", "d"] and "a" in window and "z" not in window and len(window) == 4
    assert decoded(window) == ["b", "c", "a", "d"]


def test_the_window_never_holds_fewer_than_its_capacity_and_drops_the_oldest_first():
    capacity = 100
    window = SeenIds(capacity=capacity)
    for n in range(1000):
        window.extend([str(n)])
        assert min(n + 1, capacity) <= len(window) < capacity + CHUNK_IDS
        assert list(window) == [str(k) for k in range(n + 1 - len(window), n + 1)]  # the newest, in order


def test_resizing_keeps_the_newest_ids():
    window = SeenIds(map(str, range(500)), capacity=500)
    window.resize(50)
    assert 50 <= len(window) < 50 + CHUNK_IDS and list(window)[-1] == "499" and "0" not in window


def test_the_encoding_kept_up_to_date_always_decodes_to_the_ids_in_order():
    rng = random.Random(17)
    window = SeenIds(capacity=150)
    for step in range(3000):
        if rng.random() < 0.1:  # an id seen again, from anywhere in the window
            window.extend([rng.choice(list(window) or ["x"])])
        else:
            window.extend(f"id-{step}-{k}" for k in range(rng.choice((1, 1, 1, 3, 40))))
        if rng.random() < 0.5:
            assert decoded(window) == list(window), step
    assert decoded(window) == list(window)
    assert decoded(SeenIds()) == []
