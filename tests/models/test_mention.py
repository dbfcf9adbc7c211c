"""Records of the models: every field, in order, nested values shared (the encoder only reads them)."""

from dataclasses import fields, replace

from streams.models import Author, Classification, DeadLetter, Engagement, Enrichment, RawMention, Sentiment
from streams.models.mention import replaced, shallow_record


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


def test_replaced_is_dataclasses_replace():
    mention = RawMention("m1", "twitter", "text", 1_700_000_000_000, Author("a1"))
    enrichment = Enrichment("acme", ["acme"], terms=["x"])
    for obj, changes in ((mention, {"text": "masked"}), (mention, {"from_brand_account": True}), (mention, {}),
                         (enrichment, {"root_id": "r", "cascade_size": 3, "near_duplicate_of": "m0"})):
        copy = replaced(obj, **changes)
        assert copy == replace(obj, **changes) and copy is not obj
        assert obj == replace(copy, **{name: getattr(obj, name) for name in changes})  # the original untouched
