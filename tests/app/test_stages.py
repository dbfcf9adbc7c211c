"""The batch pipeline on records, without Kafka: same cores, plain dicts for tables."""

from __future__ import annotations

import dataclasses

import pytest

from streams.app.stages import AUTHORS, CONTEXTS, DETECTORS, SEEN, Output, Record, Stages, keep_brand_writes
from streams.models import Alert, DeadLetter, Severity
from streams.pipeline import BrandState
from streams.scenarios import build_scenario
from tests.support import make_stages


def raw_records(stages: Stages, mentions, partition: int = 0) -> list[Record]:
    return [Record("mentions.raw", partition, i, m.id.encode(), stages.codecs.raw.encode(m.to_record()))
            for i, m in enumerate(mentions)]


def as_enriched_records(outputs: list[Output], partition: int = 0) -> list[Record]:
    return [Record("mentions.enriched", partition, i, o.key, o.value)
            for i, o in enumerate(o for o in outputs if o.role == "enriched")]


def run_pipeline(stages: Stages, values: list[bytes], batch: int = 50) -> tuple[list[Output], dict, dict]:
    """Every value through the two steps of the live worker (enrich, then classify and detect), in batches."""
    seen: dict = {}
    state = BrandState({}, {}, {})
    outputs: list[Output] = []
    enriched: list[Output] = []
    raw = [Record("mentions.raw", 0, offset, None, value) for offset, value in enumerate(values)]
    for start in range(0, len(raw), batch):
        step = stages.enrich(raw[start:start + batch], seen)
        seen.update(step.writes[SEEN])
        enriched += [o for o in step.outputs if o.role == "enriched"]
        outputs += [o for o in step.outputs if o.role != "enriched"]
    records = as_enriched_records(enriched)
    for start in range(0, len(records), batch):
        step = stages.brand_records(records[start:start + batch], state)
        keep_brand_writes(state, step)
        outputs += step.outputs
    return outputs, seen, state.detectors


def enrich_one(stages: Stages, mention, offset: int = 0) -> Record:
    step = stages.enrich(raw_records(stages, [mention]), {})
    return Record("mentions.enriched", 0, offset, step.outputs[0].key, step.outputs[0].value)


def alerts_of(stages: Stages, outputs: list[Output]) -> list[Alert]:
    return [Alert.from_record(stages.codecs.alerts.decode(o.value)) for o in outputs if o.role == "alerts"]


def test_the_demo_scenario_alerts_on_the_snowball_and_not_on_sporadic_critics():
    stages, _ = make_stages()
    values = [stages.codecs.raw.encode(m.to_record()) for m in build_scenario("demo")]
    outputs, _, states = run_pipeline(stages, values)
    alerts = alerts_of(stages, outputs)
    snowball = [a for a in alerts if a.kind == "snowball"]
    assert {a.brand_id for a in snowball} == {"acme"}
    assert max(a.severity.rank for a in snowball) >= Severity.WARNING.rank
    assert set(states) == {"acme", "globex"}  # one detector state per brand, in the table


def test_outputs_are_keyed_by_brand_for_partition_local_state():
    stages, _ = make_stages()
    outputs = stages.enrich(raw_records(stages, build_scenario("demo")[:1]), {}).outputs
    assert outputs and all(o.role == "enriched" for o in outputs)
    assert {o.key for o in outputs} <= {b"acme", b"globex"}


def test_a_malformed_record_is_dead_lettered_and_the_next_one_flows():
    stages, metrics = make_stages()
    good = build_scenario("demo")[:5]
    values = [b"\x00garbage"] + [stages.codecs.raw.encode(m.to_record()) for m in good]
    outputs, seen, _ = run_pipeline(stages, values)
    letters = [DeadLetter.from_record(stages.codecs.dead_letter.decode(o.value))
               for o in outputs if o.role == "dead_letter"]
    assert len(letters) == 1
    assert letters[0].reason == "not_avro" and letters[0].stage == "enrich"
    assert letters[0].value == b"\x00garbage" and letters[0].offset == 0
    assert letters[0].failed_at == 1_800_000_000_000
    assert len(seen) == 5 and sum(o.role == "classified" for o in outputs) >= 5


def test_a_redelivered_mention_is_processed_once():
    stages, _ = make_stages()
    record = raw_records(stages, build_scenario("demo")[:1])[0]
    first = stages.enrich([record], {})
    again = stages.enrich([dataclasses.replace(record, offset=1)], first.writes[SEEN])
    assert first.outputs and again.outputs == [] and again.writes[SEEN] == {}
    within = stages.enrich([record, dataclasses.replace(record, offset=1)], {})  # twice in one batch
    assert within.outputs == first.outputs


def test_a_record_that_breaks_the_detector_is_dead_lettered_not_fatal():
    stages, _ = make_stages()

    class Broken:
        def process(self, state, mention):
            raise RuntimeError("bug")

    stages.detector = Broken()
    mentions = sorted(build_scenario("demo")[:2], key=lambda m: m.event_order)
    records = [dataclasses.replace(enrich_one(stages, m), partition=2, offset=9 + i) for i, m in enumerate(mentions)]
    out = stages.brand_records(records, BrandState()).outputs
    # The classified mention still goes to its topic; detection's failure is its own letter, and the next flows.
    assert [o.role for o in out] == ["classified", "dead_letter"] * 2
    letter = DeadLetter.from_record(stages.codecs.dead_letter.decode(out[1].value))
    assert (letter.stage, letter.reason, letter.partition, letter.offset) == ("detect", "processing_error", 2, 9)
    assert letter.value == records[0].value


def test_a_batch_that_breaks_the_classifier_is_dead_lettered_and_saves_no_context():
    stages, _ = make_stages()

    class Broken:
        def classify(self, texts, hints):
            raise RuntimeError("bug")

    stages.classifier = Broken()
    records = [enrich_one(stages, m, i) for i, m in enumerate(build_scenario("demo")[:3])]
    step = stages.brand_records(records, BrandState())
    letters = [DeadLetter.from_record(stages.codecs.dead_letter.decode(o.value)) for o in step.outputs]
    assert [(d.stage, d.reason) for d in letters] == [("classify", "processing_error")] * 3
    assert sorted(d.offset for d in letters) == [0, 1, 2] and {d.value for d in letters} == {r.value for r in records}
    assert all(writes == {} for writes in step.writes.values())


def test_classify_batches_keep_event_time_order_and_dead_letter_only_the_bad_ones():
    stages, _ = make_stages()
    mentions = build_scenario("demo")[:4]
    enriched = [enrich_one(stages, m) for m in mentions]
    batch = [enriched[0], Record("e", 0, 1, b"acme", b"junk")] + enriched[1:]
    out = stages.brand_records(batch, BrandState()).outputs
    assert [o.role for o in out].count("dead_letter") == 1
    ids = [stages.codecs.classified.decode(o.value)["mention"]["id"] for o in out if o.role == "classified"]
    assert ids == [m.id for m in sorted(mentions, key=lambda m: m.created_at)]


def test_a_batch_merged_from_several_partitions_is_judged_in_event_time():
    """mentions.raw is keyed by mention id: a burst or a replay reaches a brand's stages partition by partition."""
    stages, _ = make_stages()
    values = [stages.codecs.raw.encode(m.to_record()) for m in build_scenario("demo")]
    partitions = [values[p::4] for p in range(4)]
    merged = [v for chunk in range(0, len(partitions[0]), 40) for part in partitions for v in part[chunk:chunk + 40]]
    assert merged != values
    batch = len(values)  # one batch: the merge reorders inside it
    ordered, _, _ = run_pipeline(stages, values, batch=batch)
    stages, _ = make_stages()
    shuffled, _, _ = run_pipeline(stages, merged, batch=batch)
    assert alerts_of(stages, shuffled) == alerts_of(stages, ordered) != []


def test_mentions_of_the_same_time_are_taken_by_id_whatever_their_arrival():
    """Two copies posted in the same millisecond: which one is the near-duplicate must not depend on the merge."""
    stages, _ = make_stages()
    first, second = build_scenario("demo")[:2]
    same = [dataclasses.replace(m, created_at=first.created_at, text="Acme panne fibre depuis trois jours, remboursez")
            for m in (first, second)]
    enriched = [enrich_one(stages, m, i) for i, m in enumerate(same)]

    def classified(records):
        out = stages.brand_records(records, BrandState()).outputs
        return [stages.codecs.classified.decode(o.value) for o in out if o.role == "classified"]

    forward, backward = classified(enriched), classified(enriched[::-1])
    assert forward == backward
    assert [r["mention"]["id"] for r in forward] == sorted(m.id for m in same)


def test_state_is_written_once_per_brand_and_batch():
    """One changelog record per brand and batch, not per mention; the state read is never written."""
    stages, _ = make_stages()
    mentions = build_scenario("demo")[:120]
    enriched = as_enriched_records(stages.enrich(raw_records(stages, mentions), {}).outputs)

    class ReadOnly(dict):
        def __setitem__(self, key, value):
            raise AssertionError("a step must not write the state it reads")

    step = stages.brand_records(enriched, BrandState(ReadOnly(), ReadOnly(), ReadOnly()))
    brands = {r.key.decode() for r in enriched}
    assert set(step.writes[CONTEXTS]) == set(step.writes[DETECTORS]) == brands
    assert {key.split("|")[0] for key in step.writes[AUTHORS]} <= brands and step.writes[AUTHORS]


def test_invalid_mentions_are_dead_lettered_with_their_reason():
    stages, metrics = make_stages()
    mention = build_scenario("demo")[0]
    far_future = dataclasses.replace(mention, created_at=1_800_000_000_000 + 10 * 86_400_000)
    out = stages.enrich(raw_records(stages, [far_future], partition=1), {}).outputs
    letter = DeadLetter.from_record(stages.codecs.dead_letter.decode(out[0].value))
    assert (out[0].role, letter.reason) == ("dead_letter", "timestamp_in_future")


def test_detector_counts_and_pii_masks_reach_the_metrics():
    stages, metrics = make_stages()
    mention = dataclasses.replace(build_scenario("demo")[0], id="pii-1",
                                  text="Acme, rappelez-moi au 06 12 34 56 78 ou marie.dupont@example.com")
    values = [stages.codecs.raw.encode(m.to_record()) for m in [mention, mention]]
    outputs, _, _ = run_pipeline(stages, values)
    value = metrics.registry.get_sample_value
    assert value("snowball_pii_masked_total", {"kind": "email"}) == 1
    assert value("snowball_pii_masked_total", {"kind": "phone"}) == 1
    enriched_text = [stages.codecs.classified.decode(o.value)["mention"]["text"] for o in outputs
                     if o.role == "classified"]
    assert enriched_text and all("example.com" not in t and "06 12" not in t for t in enriched_text)
    assert value("snowball_detector_set_aside_mentions", {"brand": "acme", "reason": "duplicates"}) == 0


def test_author_histories_are_kept_per_brand_and_author_and_explain_repeat_critics():
    stages, _ = make_stages()
    enriched = as_enriched_records(stages.enrich(raw_records(stages, build_scenario("demo")), {}).outputs)
    state = BrandState({}, {}, {})
    step = stages.brand_records(enriched, state)
    keep_brand_writes(state, step)
    outputs = step.outputs
    troll = state.authors["globex|globex-troll"]["authors"]["globex-troll"]
    assert troll["mentions"] == troll["negatives"] > 5 and troll["first_at"] < troll["last_at"]
    repeat = [a for a in alerts_of(stages, outputs) if a.kind == "repeat_critic" and a.brand_id == "globex"]
    assert repeat and repeat[0].signals["author_negatives_total"] >= 5
    assert any(r.startswith("history with the brand:") for r in repeat[0].reasons)


@pytest.mark.parametrize("scenario", ["demo", "troll"])
def test_the_agents_work_gives_the_backtest_alerts_field_for_field(scenario, tmp_path):
    """The same cores live and offline, repeat critics' author histories included: in event order (as ingest
    produces a file and the classify agent's hold lets a burst out), in batches, the agents' work gives the alerts
    of the backtest."""
    from streams.backtest.runner import run_backtest
    from streams.io.jsonl import write_jsonl
    from streams.settings import Settings

    mentions = build_scenario(scenario)
    history = tmp_path / "history.jsonl"
    with open(history, "w", encoding="utf-8") as out:
        write_jsonl((m.to_record() for m in mentions), out)
    stages, _ = make_stages()
    in_order = sorted(mentions, key=lambda m: m.event_order)
    outputs, _, _ = run_pipeline(stages, [stages.codecs.raw.encode(m.to_record()) for m in in_order])
    live = [a.to_record() for a in alerts_of(stages, outputs)]
    offline = [a.to_record() for a in run_backtest(history, Settings().brands_file).alerts]
    assert any(a["kind"] == "repeat_critic" for a in offline)
    assert live == offline


def test_the_worker_keeps_every_own_name_of_a_brand_out_of_its_emerging_terms():
    from streams.app.wiring import build_stages
    from streams.settings import Settings

    detector = build_stages(Settings()).detector
    # From the brands file: an alias, a multi-word alias, a handle and a hashtag; not only the id.
    assert {"acmetel", "acmemobile", "@acme_support", "#acmetelecom", "acme"} <= detector.own_terms("acme")
    assert "acmetel" not in detector.own_terms("globex")


def test_a_dead_letter_keeps_at_most_a_record_s_worth_of_the_original_bytes():
    from streams.app.stages import MAX_LETTER_VALUE_BYTES

    stages, _ = make_stages()
    huge = b"\x00" * (MAX_LETTER_VALUE_BYTES + 50_000)
    out = stages.enrich([Record("mentions.raw", 3, 7, b"k", huge)], {}).outputs
    letter = DeadLetter.from_record(stages.codecs.dead_letter.decode(out[0].value))
    assert letter.value == huge[:MAX_LETTER_VALUE_BYTES] and len(out[0].value) < 1_048_576
    assert f"of {len(huge)} bytes" in letter.error
