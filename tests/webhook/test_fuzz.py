"""1,000 hostile bodies against the webhook: never a 5xx, and nothing produced that fails validation.

The bodies come from a seeded generator (the same 1,000 every run): random bytes, random JSON, records
whose fields hold hostile values, JSON-lines mixes of those with valid records, deep nesting, byte-order
marks, NULs and lone surrogates. A property-testing library costs ~10 ms to draw each of these; this
costs ~10 us, which keeps the suite fast.
"""

from __future__ import annotations

import json
import random

import httpx
import pytest

from streams.connectors.log import MemoryMentionLog
from streams.models.mention import RawMention
from streams.models.parse import validate_raw_mention
from streams.webhook.app import create_app
from streams.webhook.tokens import Tokens
from tests.connectors.support import CODECS, NOW, SETTINGS
from tests.webhook.support import serving

TOKEN = "fuzz-token-0123456789abcdef"
FIELDS = ("id", "source", "text", "created_at", "author", "engagement", "url", "brand_hint", "in_reply_to_id",
          "lang_hint", "reposts_id", "quotes_id", "from_brand_account")
HOSTILE = [
    None, True, 0, -1, 2**63, 2**64, 1e308, -1e308, 0.5, "", " ", "\x00", "\ud83d", "\udc00x", "é" * 5000,
    "x" * 41_000, "2026-03-02T07:41:12Z", "2026-13-45T99:99:99Z", "1772445000", "NaN", "Infinity", "9" * 400,
    [], [1, 2], {}, {"id": None}, {"id": "a", "followers": -5}, {"likes": "many"}, {"likes": 1e400},
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "\u202e\u2066", "🔥" * 1000,
]


def hostile_value(rng: random.Random) -> object:
    if rng.random() < 0.3:
        return random_json(rng, 3)
    return rng.choice(HOSTILE)


def random_json(rng: random.Random, depth: int) -> object:
    kind = rng.randrange(7 if depth else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([rng.randint(-(2**70), 2**70), rng.uniform(-1e300, 1e300), float("nan"), float("inf")])
    if kind in (3, 4):
        return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x10FFFF)]))
                       for _ in range(rng.randrange(20)))
    if kind == 5:
        return [random_json(rng, depth - 1) for _ in range(rng.randrange(4))]
    return {str(random_json(rng, 0)): random_json(rng, depth - 1) for _ in range(rng.randrange(4))}


def record(rng: random.Random) -> object:
    base = {"id": f"ok{rng.randrange(10**6)}", "text": "Acme down again", "created_at": "2026-03-02T07:41:12Z"}
    if rng.random() < 0.3:
        return base
    for name in rng.sample(FIELDS, rng.randrange(1, 4)):
        if rng.random() < 0.2:
            base.pop(name, None)
        else:
            base[name] = hostile_value(rng)
    return base


def encode(value: object) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


def hostile_body(rng: random.Random) -> bytes:
    kind = rng.randrange(8)
    if kind == 0:
        return rng.randbytes(rng.randrange(1, 2000))
    if kind == 1:
        return encode(random_json(rng, 4))
    if kind == 2:
        return encode(record(rng))
    if kind == 3:
        return b"\n".join(encode(record(rng)) for _ in range(rng.randrange(1, 30)))
    if kind == 4:
        depth = rng.choice([100, 1000, 100_000])
        return rng.choice([b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth])
    if kind == 5:  # a valid batch with one byte flipped
        body = bytearray(b"\n".join(encode(record(rng)) for _ in range(5)))
        body[rng.randrange(len(body))] = rng.randrange(256)
        return bytes(body)
    if kind == 6:
        return rng.choice([b"", b"\n\n", b"\xef\xbb\xbf", b"null", b"{}", b"\x00" * 100, b'{"id": "x"}\r\n\r\n',
                           b'\xff\xfe{"id": 1}', b'{"id": "a", "text": "b", "created_at": 1e308}', b"\r" * 50])
    return rng.randbytes(rng.randrange(1, 50)).join(encode(record(rng)) for _ in range(3))


@pytest.fixture(scope="module")
def target():
    mention_log = MemoryMentionLog(clock=lambda: NOW)
    app = create_app(Tokens.parse(TOKEN, "test"), mention_log, CODECS.raw, CODECS.dead_letter, SETTINGS.topics,
                     max_body_bytes=256_000, requests_per_second=100_000, wall_clock=lambda: NOW)
    with serving(app) as url, httpx.Client(base_url=url, timeout=30,
                                           headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client, mention_log


def test_hostile_bodies_never_get_a_5xx_nor_produce_an_invalid_mention(target):
    client, mention_log = target
    rng = random.Random(17)
    codes = set()
    for _ in range(1000):
        body = hostile_body(rng)
        response = client.post("/mentions", content=body)
        assert response.status_code in (202, 400, 413), (response.status_code, body[:200])
        codes.add(response.status_code)
    raw = [(key, value) for _at, (topic, key, value) in mention_log.records if topic == SETTINGS.topics.raw]
    for key, value in raw:
        mention = RawMention.from_record(CODECS.raw.decode(value))
        validate_raw_mention(mention, now_ms=int(NOW * 1000))
        assert key == mention.id.encode()
    assert {202, 400} <= codes and len(raw) > 100  # the generator does reach both answers
