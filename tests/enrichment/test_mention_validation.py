"""Bad input is refused with a fixed reason: missing fields, wrong types, absurd times, sizes, invalid UTF-8."""

from __future__ import annotations

import pytest

from streams.models import Author, Engagement, InvalidMention, RawMention, parse_raw_mention
from streams.models.parse import REASONS, MentionLimits, parse_raw_mention_json, validate_raw_mention

NOW = 1_772_431_200_000  # 2026-03-02T06:00:00Z
GOOD = {"id": "1", "source": "twitter", "text": "Acme en panne", "created_at": "2026-03-02T05:00:00Z",
        "author": {"id": "u1", "handle": "bob", "followers": 10}}


def reason(fn, *args, **kwargs) -> str:
    with pytest.raises(InvalidMention) as err:
        fn(*args, **kwargs)
    assert err.value.reason in REASONS
    return err.value.reason


def test_a_good_mention_passes():
    mention = parse_raw_mention(GOOD, now_ms=NOW)
    assert mention.created_at == NOW - 3_600_000 and mention.author.handle == "bob"
    assert validate_raw_mention(mention, now_ms=NOW) is mention


@pytest.mark.parametrize("change, expected", [
    ({"id": None}, "missing_field"),
    ({"text": None}, "missing_field"),
    ({"created_at": None}, "missing_field"),
    ({"text": 42}, "wrong_type"),
    ({"id": ["x"]}, "wrong_type"),
    ({"author": "bob"}, "wrong_type"),
    ({"engagement": {"likes": "many"}}, "wrong_type"),
    ({"engagement": {"likes": 1e400}}, "wrong_type"),
    ({"created_at": "yesterday"}, "bad_timestamp"),
    ({"created_at": float("nan")}, "bad_timestamp"),
    ({"created_at": True}, "bad_timestamp"),
    ({"created_at": 1_772_431_200}, "timestamp_too_old"),  # epoch seconds read as milliseconds
    ({"created_at": "1999-12-31T23:59:59Z"}, "timestamp_too_old"),
    ({"created_at": NOW * 1000}, "timestamp_in_future"),  # microseconds
    ({"created_at": NOW + 2 * 86_400_000}, "timestamp_in_future"),
    ({"created_at": "9999-12-31T23:59:59+14:00"}, "timestamp_in_future"),
    ({"text": "x" * 40_001}, "text_too_long"),
    ({"url": "https://e.com/" + "a" * 3000}, "field_too_long"),
    ({"text": "panne \ud83d"}, "invalid_utf8"),  # a lone surrogate
    ({"author": {"id": "u1", "handle": "b\udc00b"}}, "invalid_utf8"),
])
def test_bad_fields(change, expected):
    assert reason(parse_raw_mention, {**GOOD, **change}, now_ms=NOW) == expected


def test_not_an_object():
    assert reason(parse_raw_mention, ["a"]) == "not_an_object"


def test_small_clock_skew_is_tolerated_and_no_clock_means_a_fixed_bound():
    parse_raw_mention({**GOOD, "created_at": NOW + 3_600_000}, now_ms=NOW)
    parse_raw_mention({**GOOD, "created_at": NOW * 2})  # 2082: absurd only with a clock
    assert reason(parse_raw_mention, {**GOOD, "created_at": NOW * 1000}) == "timestamp_in_future"


def test_limits_are_configurable():
    limits = MentionLimits(max_text_chars=5)
    assert reason(parse_raw_mention, GOOD, limits=limits) == "text_too_long"


def test_json_bytes_entry_point():
    assert parse_raw_mention_json(b'{"id": "1", "text": "\xc3\xa9", "created_at": 1772431200000}').text == "é"
    assert reason(parse_raw_mention_json, b'{"id": "1", "text": "\xff", "created_at": 1772431200000}') == (
        "invalid_utf8")
    assert reason(parse_raw_mention_json, b'{"id": "1", "text": "\\ud83d", "created_at": 1772431200000}') == (
        "invalid_utf8")
    assert reason(parse_raw_mention_json, b"{not json") == "not_json"


@pytest.mark.parametrize("mention, expected", [
    (RawMention(id="", source="t", text="x", created_at=NOW), "missing_field"),
    (RawMention(id="1", source="t", text=None, created_at=NOW), "wrong_type"),  # type: ignore[arg-type]
    (RawMention(id="1", source="t", text="x", created_at="2026"), "wrong_type"),  # type: ignore[arg-type]
    (RawMention(id="1", source="t", text="x", created_at=NOW, author=Author("a", followers=-1)), "wrong_type"),
    (RawMention(id="1", source="t", text="x", created_at=NOW, engagement=Engagement(likes=-5)), "wrong_type"),
    (RawMention(id="1", source="t", text="x", created_at=0), "timestamp_too_old"),
])
def test_decoded_mentions_are_validated_too(mention, expected):
    assert reason(validate_raw_mention, mention, now_ms=NOW) == expected


def test_reasons_are_short_fixed_codes():
    assert all(r.isidentifier() and r == r.lower() and len(r) <= 24 for r in REASONS)
    assert len(set(REASONS)) == len(REASONS)
