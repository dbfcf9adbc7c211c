"""The ids a connector produced last: an insertion-ordered set, bounded, whose Avro encoding is kept up to
date as ids come and go instead of being redone for every cursor write.

A connector on a stream writes its cursor, these ids included, before every item; encoding the whole
window each time cost more than everything else the connector does (about 380 us for 2,000 ids). So the
ids are kept in chunks of ``CHUNK_IDS``, each with the Avro encoding (by fastavro) of its ids as array
*blocks* (a count, then the strings): new ids are encoded once, when the window is next encoded, and
appended to their chunk's blocks; the blocks of the full chunks are joined once per chunk filled or
dropped. Avro writes an array as any number of blocks closed by a zero count (spec, "Complex Types
Encodings"), so ``avro_array`` is a valid encoding of the ids that any reader decodes.

The oldest ids are dropped a whole chunk at a time, once the ids after that chunk number at least
``capacity``: the window never holds fewer than ``capacity`` ids (unless fewer were ever added) and at
most ``capacity + CHUNK_IDS - 1``.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterable, Iterator

import fastavro

# Enough for a feed's whole window or a stream's replay after a reconnect; small enough for a record.
MAX_SEEN_IDS = 2000
# Small enough that re-encoding the newest chunk after each item costs little, large enough that a
# 2,000-id window is few blocks to join.
CHUNK_IDS = 32

_STRING_ARRAY = fastavro.parse_schema({"type": "array", "items": "string"})


def array_blocks(ids: list[str]) -> bytes:
    """The Avro encoding of ``ids`` as an array, without its closing zero count: blocks to join."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, _STRING_ARRAY, ids)
    return buffer.getvalue()[:-1]


_END_OF_ARRAY = b"\x00"


class _Chunk:
    __slots__ = ("ids", "blocks", "encoded")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.blocks = b""  # the encoding of ids[:encoded]
        self.encoded = 0

    def remove(self, item_id: str) -> None:
        self.ids.remove(item_id)
        self.blocks, self.encoded = b"", 0

    def encode(self) -> bytes:
        if self.encoded < len(self.ids):
            self.blocks += array_blocks(self.ids[self.encoded:])
            self.encoded = len(self.ids)
        return self.blocks


class SeenIds:
    def __init__(self, ids: Iterable[str] = (), capacity: int = MAX_SEEN_IDS) -> None:
        self.capacity = capacity
        self._chunk_of: dict[str, _Chunk] = {}
        self._chunks: deque[_Chunk] = deque()
        self._full_blocks: bytes | None = None  # the encoding of every chunk but the newest, None when stale
        self.extend(ids)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._chunk_of

    def __len__(self) -> int:
        return len(self._chunk_of)

    def __iter__(self) -> Iterator[str]:
        """Oldest first."""
        for chunk in self._chunks:
            yield from chunk.ids

    def extend(self, ids: Iterable[str]) -> None:
        """Add ``ids`` as the newest, in order; an id already there moves to the newest end."""
        for item_id in ids:
            previous = self._chunk_of.get(item_id)
            if previous is not None:
                previous.remove(item_id)
                if not previous.ids:
                    self._chunks.remove(previous)
                self._full_blocks = None
            if not self._chunks or len(self._chunks[-1].ids) >= CHUNK_IDS:
                self._chunks.append(_Chunk())
                self._full_blocks = None
            newest = self._chunks[-1]
            newest.ids.append(item_id)
            self._chunk_of[item_id] = newest
        self._trim()

    def resize(self, capacity: int) -> None:
        self.capacity = capacity
        self._trim()

    def _trim(self) -> None:
        while self._chunks and len(self._chunk_of) - len(self._chunks[0].ids) >= self.capacity:
            for item_id in self._chunks.popleft().ids:
                del self._chunk_of[item_id]
            self._full_blocks = None

    def avro_array(self) -> bytes:
        """The ids, oldest first, as an Avro ``array<string>``: only ids added since the last call are encoded."""
        if not self._chunks:
            return _END_OF_ARRAY
        if self._full_blocks is None:
            self._full_blocks = b"".join(self._chunks[i].encode() for i in range(len(self._chunks) - 1))
        return b"".join((self._full_blocks, self._chunks[-1].encode(), _END_OF_ARRAY))
