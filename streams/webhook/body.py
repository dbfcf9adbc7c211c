"""A request body -> validated raw mentions and per-line errors, as ``snowball ingest`` validates a file.

The body is one mention (a JSON object, over as many lines as it likes) or JSON lines (one mention
per line). No clock here: the caller passes ``now_ms``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from streams.models import InvalidMention, RawMention
from streams.models.parse import decode_json, parse_raw_mention


@dataclass(frozen=True, slots=True)
class Outcome:
    line: int
    mention: RawMention | None
    error: InvalidMention | None
    original: bytes


def read_body(body: bytes, now_ms: int) -> list[Outcome]:
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]  # a byte-order mark, as some Windows tools send
    if not body.strip():
        return [Outcome(1, None, InvalidMention("missing_field", "empty body: send a mention or JSON lines"), b"")]
    try:
        whole = json.loads(body)
    except (ValueError, RecursionError):
        whole = None
    else:
        if isinstance(whole, dict) or b"\n" not in body.strip():
            return [_validated(1, body.strip(), now_ms)]
    return [_validated(number, line.rstrip(b"\r"), now_ms)
            for number, line in enumerate(body.split(b"\n"), start=1) if line.strip()]


def _validated(line: int, original: bytes, now_ms: int) -> Outcome:
    try:
        return Outcome(line, parse_raw_mention(decode_json(original), now_ms=now_ms), None, original)
    except InvalidMention as exc:
        return Outcome(line, None, exc, original)
    except RecursionError:  # json.loads on thousands of nested brackets
        return Outcome(line, None, InvalidMention("not_json", "nested too deeply"), original)
