"""The enricher contract: one enriched mention per brand, masked text, all stateless fields filled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.enrichment import BrandCatalog, Enricher, update_brand_context
from streams.enrichment.dedup import first_seen_value, is_redelivery, stale_ids
from streams.models import Author, EnrichedMention, RawMention
from streams.serialization import SchemaStore, SingleObjectCodec
from streams.settings import DEFAULT_BRANDS_FILE, DEFAULT_SCHEMA_DIR

T0 = 1_772_431_200_000
CAMPAIGN = "Boycott {h} ! Ils coupent le réseau sans prévenir depuis 3 jours, honte à vous #boycottacme"


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(BrandCatalog.from_yaml(DEFAULT_BRANDS_FILE))


def raw(mid: str, text: str, t: int = T0, author: Author | None = None, **links) -> RawMention:
    return RawMention(id=mid, source="twitter", text=text, created_at=t,
                      author=author or Author(f"u-{mid}", f"user{mid}", followers=120), **links)


def test_one_enriched_mention_per_brand_and_none_without_brand(enricher):
    out = enricher.enrich(raw("1", "Globex Air perd mes bagages, Acme coupe mon réseau"))
    assert [e.enrichment.brand_id for e in out] == ["globex", "acme"]
    assert all(e.enrichment.brands == ["globex", "acme"] for e in out)
    assert [e.enrichment.topics for e in out] == [["baggage"], ["network"]]
    assert enricher.enrich(raw("2", "il fait beau")) == []


def test_personal_data_is_masked_in_the_enriched_text_only(enricher):
    mention = raw("1", "@acme_support panne fibre, rappelez-moi au 06 12 34 56 78 ou moi@exemple.fr")
    (out,) = enricher.enrich(mention)
    assert out.mention.text == "@acme_support panne fibre, rappelez-moi au [phone] ou [email]"
    assert "06 12" not in out.enrichment.normalized_text and "exemple" not in out.enrichment.normalized_text
    assert out.enrichment.pii_masked == 2
    assert out.enrichment.pii_by_kind == {"phone": 1, "email": 1}
    assert mention.text.endswith("moi@exemple.fr")  # the raw mention is untouched


def test_normalised_text_terms_relation_tier_and_fingerprint(enricher):
    text = "ACME encore en pannnnne 😡 https://t.co/x #AcmeDown " + CAMPAIGN.format(h="@acme")
    (out,) = enricher.enrich(raw("1", text, in_reply_to_id="0", author=Author("u", "u", followers=20_000)))
    e = out.enrichment
    assert e.normalized_text.startswith("ACME encore en panne 😡 http #AcmeDown Boycott @user !")
    assert e.relation == "reply" and e.root_id == "0"
    assert e.author_tier == "medium"
    assert e.terms == ["reseau", "#acmedown", "#boycottacme"]
    assert e.fingerprint is not None and len(e.fingerprint) == 16


def test_brand_own_account_is_recognised_even_without_naming_the_brand(enricher):
    (out,) = enricher.enrich(raw("2", "Nous regardons votre dossier en DM", author=Author("9", "Acme_Support"),
                                 in_reply_to_id="1"))
    assert out.enrichment.brand_id == "acme"
    assert out.enrichment.is_brand_account and out.mention.from_brand_account


def test_enriched_records_round_trip_through_avro(enricher):
    codec = SingleObjectCodec(SchemaStore(DEFAULT_SCHEMA_DIR), "snowball.EnrichedMention")
    (out,) = enricher.enrich(raw("1", "Acme: appelez le 06 12 34 56 78 " + CAMPAIGN.format(h="@acme")))
    state, out = update_brand_context(None, out)
    record = out.to_record()
    assert codec.decode(codec.encode(record)) == record
    assert EnrichedMention.from_record(record) == out


def test_brand_context_fills_cascade_and_near_duplicate_fields(enricher):
    state = None
    root = enricher.enrich(raw("root", CAMPAIGN.format(h="@acme"), author=Author("a", "a", followers=500)))[0]
    state, root = update_brand_context(state, root)
    assert (root.enrichment.cascade_size, root.enrichment.cascade_reach) == (1, 500)
    assert root.enrichment.near_duplicate_of is None

    copy = enricher.enrich(raw("copy", CAMPAIGN.format(h="@acme_support"), T0 + 60_000))[0]
    state, copy = update_brand_context(state, copy)
    assert copy.enrichment.near_duplicate_of == "root"
    assert copy.enrichment.root_id == "copy" and copy.enrichment.cascade_size == 1

    rt = enricher.enrich(raw("rt", CAMPAIGN.format(h="@acme"), T0 + 120_000, reposts_id="root"))[0]
    state, rt = update_brand_context(state, rt)
    assert rt.enrichment.near_duplicate_of is None  # a repost is amplification, counted in the cascade
    assert (rt.enrichment.root_id, rt.enrichment.cascade_size, rt.enrichment.cascade_first_at) == ("root", 2, T0)

    reply = enricher.enrich(raw("r", "Acme répondez", T0 + 180_000, in_reply_to_id="rt"))[0]
    state, reply = update_brand_context(state, reply)
    assert reply.enrichment.root_id == "root" and reply.enrichment.cascade_size == 3
    assert json.loads(json.dumps(state)) == state


def test_redeliveries_by_id():
    seen: dict[str, int] = {}
    mention = raw("1", "x", T0 + 5)
    assert not is_redelivery(seen, mention)
    seen[mention.id] = first_seen_value(seen.get(mention.id), mention)
    assert is_redelivery(seen, mention)
    assert first_seen_value(seen[mention.id], raw("1", "x", T0)) == T0
    assert stale_ids([("old", T0), ("new", T0 + 10)], watermark_ms=T0 + 10, horizon_ms=5) == ["old"]


def test_enrichment_is_deterministic(enricher):
    mention = raw("1", "Acme 06 12 34 56 78 " + CAMPAIGN.format(h="@acme"))
    assert enricher.enrich(mention) == enricher.enrich(mention)


def test_schema_and_dataclass_fields_stay_in_sync():
    from dataclasses import fields

    from streams.models import Enrichment

    schema = json.loads((Path(DEFAULT_SCHEMA_DIR) / "snowball.Enrichment.avsc").read_text())
    assert [f["name"] for f in schema["fields"]] == [f.name for f in fields(Enrichment)]
    assert all("default" in f for f in schema["fields"][1:])  # additive: old records still decode
