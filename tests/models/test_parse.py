import pytest

from streams.models import InvalidMention, RawMention, parse_raw_mention, parse_timestamp_ms

VALID = {
    "id": "42",
    "source": "twitter",
    "text": "Encore une panne chez @acme_support",
    "created_at": "2026-03-02T10:00:00Z",
    "author": {"id": "u1", "handle": "marie", "followers": "120", "verified": False},
    "in_reply_to_id": "41",
    "engagement": {"likes": 3},
}


def test_parses_the_documented_import_format():
    mention = parse_raw_mention(VALID)
    assert mention.id == "42" and mention.source == "twitter"
    assert mention.created_at == 1_772_445_600_000
    assert mention.author.handle == "marie" and mention.author.followers == 120
    assert mention.engagement.likes == 3 and mention.engagement.reposts == 0
    assert mention.in_reply_to_id == "41"


@pytest.mark.parametrize(
    "value, expected",
    [
        (1_772_445_600_000, 1_772_445_600_000),
        ("1772445600000", 1_772_445_600_000),
        ("2026-03-02T11:00:00+01:00", 1_772_445_600_000),
        ("2026-03-02 10:00:00", 1_772_445_600_000),  # naive means UTC
        ("2015-02-24 11:35:52 -0800", 1_424_806_552_000),  # CSV export style
    ],
)
def test_created_at_is_iso_8601_or_epoch_ms(value, expected):
    assert parse_timestamp_ms(value) == expected


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"text": None}, "missing_field"),
        ({"text": 12}, "wrong_type"),
        ({"created_at": None}, "missing_field"),
        ({"created_at": "yesterday"}, "bad_timestamp"),
        ({"id": ""}, "missing_field"),
        ({"author": "bob"}, "wrong_type"),
        ({"engagement": {"likes": "many"}}, "wrong_type"),
        ({"created_at": "\u00b2"}, "bad_timestamp"),  # a digit to str.isdigit(), not to int()
        ({"created_at": "\u0661\u0662\u0663"}, "bad_timestamp"),  # Arabic-Indic digits are not epoch ms
        ({"created_at": "99999999999999999999999"}, "timestamp_in_future"),
        ({"author": {"id": "u1", "followers": 1e30}}, "wrong_type"),  # more than an Avro long holds
        ({"engagement": {"reposts": 2**63}}, "wrong_type"),
    ],
)
def test_bad_input_gets_a_clear_reason(change, reason):
    with pytest.raises(InvalidMention) as info:
        parse_raw_mention({**VALID, **change})
    assert info.value.reason == reason


def test_not_an_object_is_rejected():
    with pytest.raises(InvalidMention) as info:
        parse_raw_mention(["not", "a", "mention"])
    assert info.value.reason == "not_an_object"


def test_record_round_trip_keeps_every_field():
    mention = parse_raw_mention(VALID)
    assert RawMention.from_record(mention.to_record()) == mention


def test_timestamp_errors_say_what_the_value_reads_as():
    with pytest.raises(InvalidMention) as seconds:
        parse_raw_mention({**VALID, "created_at": 1_772_445_600})
    assert "2026-03-02T10:00:00Z in epoch seconds" in seconds.value.detail
    with pytest.raises(InvalidMention) as future:
        parse_raw_mention({**VALID, "created_at": "9999-01-01T00:00:00Z"})
    assert "9999-01-01T00:00:00Z" in future.value.detail and "2100-01-01T00:00:00Z" in future.value.detail
