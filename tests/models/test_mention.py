"""Records of the models: every field, in order, nested values shared (the encoder only reads them)."""

from dataclasses import fields

from streams.models import Author, Classification, DeadLetter, Engagement, Enrichment, RawMention, Sentiment
from streams.models.mention import shallow_record


def test_shallow_record_holds_every_field_in_order_without_copies():
    values = [
        RawMention("m1", "twitter", "text", 1_700_000_000_000, Author("a1", "@a", 5, True), "acme", "p", None, "q",
                   "https://x.test", "fr", Engagement(1, 2, 3, 4), True),
        Enrichment("acme", ["acme", "beta"], ["billing"], pii_by_kind={"email": 1}),
        Classification("fr", Sentiment.NEGATIVE, 0.9, 0.9, ["refund"], "rules", "1", ""),
        DeadLetter("enrich", "not_avro", "detail", "mentions.raw", 0, 5, 1, b"k", b"v"),
        Author("a2"),
    ]
    for value in values:
        record = shallow_record(value)
        assert list(record) == [f.name for f in fields(value)]
        for name, item in record.items():
            assert item is getattr(value, name)
