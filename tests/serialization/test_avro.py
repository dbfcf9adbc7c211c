"""Codecs, and the contract that the .avsc files alone decode every topic."""

import json

import pytest
from fastavro.schema import fingerprint, load_schema, to_parsing_canonical_form

from streams.app import build_codecs
from streams.models import Alert, AlertKind, DeadLetter, Severity
from streams.scenarios import build_scenario
from streams.serialization import DecodeError, SchemaStore, SingleObjectCodec, make_codec
from streams.settings import Settings
from tests.conftest import REPO
from tests.support import plain_fastavro_decode

SCHEMA_DIR = REPO / "schemas"


def sample_records() -> dict[str, dict]:
    """One record per topic role, built by the pure cores."""
    from streams.app.stages import Record
    from streams.pipeline import BrandState
    from tests.support import make_stages

    stages, _ = make_stages()
    mention = build_scenario("demo")[0]
    raw = stages.codecs.raw.encode(mention.to_record())
    out = stages.enrich([Record("mentions.raw", 0, 0, None, raw)], {}).outputs[0]
    enriched = out.value
    step = stages.brand_records([Record("mentions.enriched", 0, 0, out.key, enriched)], BrandState())
    classified = step.outputs[0].value
    alert = Alert("a:1", AlertKind.SNOWBALL, "acme", Severity.WARNING, 1, 2, signals={"x": 1.0}, reasons=["why"])
    letter = DeadLetter("enrich", "not_avro", "bad", "mentions.raw", 1, 7, 3, key=b"k", value=b"\xff\x00")
    return {
        "raw": raw,
        "enriched": enriched,
        "classified": classified,
        "alerts": stages.codecs.alerts.encode(alert.to_record()),
        "dead_letter": stages.codecs.dead_letter.encode(letter.to_record()),
    }


@pytest.mark.parametrize("role", ["raw", "enriched", "classified", "alerts", "dead_letter"])
def test_every_topic_decodes_with_the_schema_files_alone(role):
    data = sample_records()[role]
    record = plain_fastavro_decode(data)
    assert record  # and it matches what the pipeline itself decodes (timestamps aside)
    ours = getattr(build_codecs(Settings()), role).decode(data)
    assert set(record) == set(ours)


def test_single_object_header_is_the_spec_fingerprint():
    store = SchemaStore(SCHEMA_DIR)
    codec = SingleObjectCodec(store, "snowball.RawMention")
    data = codec.encode(build_scenario("demo")[0].to_record())
    schema = load_schema(str(SCHEMA_DIR / "snowball.RawMention.avsc"))
    assert data[2:10] == bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


def test_timestamps_stay_epoch_millis_inside_the_pipeline():
    codec = build_codecs(Settings()).raw
    mention = build_scenario("demo")[0]
    assert codec.decode(codec.encode(mention.to_record()))["created_at"] == mention.created_at


@pytest.mark.parametrize("data, reason", [(b"", "not_avro"), (b"{\"json\": 1}", "not_avro"),
                                          (b"\xc3\x01" + b"\x00" * 8 + b"x", "unknown_schema")])
def test_garbage_is_a_decode_error_with_a_reason(data, reason):
    with pytest.raises(DecodeError) as info:
        build_codecs(Settings()).raw.decode(data)
    assert info.value.reason == reason


def test_truncated_body_is_a_decode_error():
    codec = build_codecs(Settings()).raw
    data = codec.encode(build_scenario("demo")[0].to_record())
    with pytest.raises(DecodeError) as info:
        codec.decode(data[:20])
    assert info.value.reason == "corrupt_body"


def test_older_writer_schema_is_resolved_to_the_current_one(tmp_path):
    """Schema evolution: a record written before a field existed decodes with its default."""
    current = json.loads((SCHEMA_DIR / "snowball.DeadLetter.avsc").read_text())
    old = {**current, "fields": [f for f in current["fields"] if f["name"] not in ("key", "value")]}
    for path in SCHEMA_DIR.glob("*.avsc"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "snowball.DeadLetterV0.avsc").write_text(json.dumps(old))
    store = SchemaStore(tmp_path)
    old_bytes = SingleObjectCodec(store, "snowball.DeadLetterV0").encode(
        {"stage": "s", "reason": "r", "error": "e", "topic": "t", "partition": 0, "offset": 1, "failed_at": 2}
    )
    record = SingleObjectCodec(store, "snowball.DeadLetter").decode(old_bytes)
    assert record["key"] is None and record["value"] is None and record["reason"] == "r"


def test_confluent_wire_format_with_a_registry():
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    store = SchemaStore(SCHEMA_DIR)
    codec = make_codec(store, "snowball.RawMention", "mentions.raw", registry_url="mock://snowball-test")
    mention = build_scenario("demo")[0]
    data = codec.encode(mention.to_record())
    assert data[0] == 0  # magic byte, then a 4-byte schema id
    assert codec.decode(data)["id"] == mention.id
    # Confluent's own deserializer reads what we wrote.
    decoded = AvroDeserializer(codec.registry)(data, SerializationContext("mentions.raw", MessageField.VALUE))
    assert decoded["text"] == mention.text


def test_alerts_written_before_term_clusters_still_decode():
    """snowball.Alert.v1.avsc is kept beside the current schema: a record written with it (before
    ``term_clusters``) decodes with the current reader, the new field at its default; the current one writes
    clusters that a consumer with only the .avsc files reads back."""
    store = SchemaStore(SCHEMA_DIR)
    record = Alert("a:1", AlertKind.SNOWBALL, "acme", Severity.WATCH, 1, 2).to_record()
    old_bytes = SingleObjectCodec(store, "snowball.Alert.v1").encode(
        {k: v for k, v in record.items() if k != "term_clusters"})
    decoded = SingleObjectCodec(store, "snowball.Alert").decode(old_bytes)
    assert decoded["term_clusters"] == [] and decoded["alert_id"] == "a:1"
    assert Alert.from_record(decoded).term_clusters == []
    clusters = [{"terms": ["cancelled", "rebook"], "share": 0.5}]
    data = SingleObjectCodec(store, "snowball.Alert").encode({**record, "term_clusters": clusters})
    assert plain_fastavro_decode(data)["term_clusters"] == clusters


def test_unanswered_complaints_and_the_new_kinds_decode_with_the_schema_files_alone():
    """v3 adds the brand-conduct kinds and an unanswered-complaints alert's list; a v2 record still decodes."""
    store = SchemaStore(SCHEMA_DIR)
    complaints = [{"mention_id": "c1", "author_id": "ann", "complained_at": 1_000, "hours_waited": 2.5,
                   "url": "https://example.org/c1", "text": "still no refund"}]
    for kind in (AlertKind.UNANSWERED_COMPLAINT, AlertKind.PERSONAL_DATA_REQUEST, AlertKind.BRAND_SILENCE):
        record = Alert("a:1", kind, "acme", Severity.WATCH, 1, 2, complaints=complaints).to_record()
        data = SingleObjectCodec(store, "snowball.Alert").encode(record)
        decoded = plain_fastavro_decode(data)
        assert decoded["kind"] == str(kind)
        assert [{**c, "complained_at": 1_000} for c in decoded["complaints"]] == complaints  # read as a datetime
    old = Alert("a:1", AlertKind.REPEAT_CRITIC, "acme", Severity.WATCH, 1, 2).to_record()
    v2 = {k: v for k, v in old.items() if k != "complaints"}
    old_bytes = SingleObjectCodec(store, "snowball.Alert.v2").encode(v2)
    assert Alert.from_record(SingleObjectCodec(store, "snowball.Alert").decode(old_bytes)).complaints == []
