"""The brand step: contexts, classification and detection of one brand partition's batch, as pure data."""

from __future__ import annotations

from collections import ChainMap

from streams.backtest.evaluation import classify_gold
from streams.detection import SnowballDetector
from streams.models import Sentiment
from streams.pipeline import BrandState, BrandStep, EnrichStep, in_event_order
from streams.pipeline.brand_step import _WritesOverTable, classifier_step
from streams.scenarios import build_labelled, build_scenario
from streams.settings import Settings


def enriched_demo():
    from streams.enrichment import BrandCatalog, Enricher

    enricher = Enricher(BrandCatalog.from_yaml(Settings().brands_file))
    mentions = in_event_order(build_scenario("demo"), lambda m: m)
    return [e for found in EnrichStep(enricher).run(mentions, {}).enriched for e in found]


def rule_step() -> BrandStep:
    from streams.classification import load_classifier

    return BrandStep(classifier_step(load_classifier(None), batch_size=7), SnowballDetector())


def alert_records(batches):
    return [a.to_record() for batch in batches for a in batch.all_alerts()]


def test_batches_of_any_size_give_the_alerts_of_one_batch():
    enriched = enriched_demo()
    whole_state = BrandState()
    whole = rule_step().run(enriched, whole_state)
    assert whole.all_alerts() and not whole.failures
    for size in (1, 13, 100):
        state, batches = BrandState(), []
        step = rule_step()
        for start in range(0, len(enriched), size):
            batch = step.run(enriched[start:start + size], state)
            state.apply(batch)
            batches.append(batch)
        assert alert_records(batches) == alert_records([whole])
        assert [c.to_record() for b in batches for c in b.classified] == [c.to_record() for c in whole.classified]


def test_the_step_reads_the_state_and_returns_each_key_s_new_value_once():
    enriched = enriched_demo()
    contexts: dict = {}
    batch = rule_step().run(enriched, BrandState(contexts, {}, {}))
    assert contexts == {}  # read only: the caller stores what the step returns
    assert set(batch.contexts) == set(batch.detectors) == {"acme", "globex"}
    assert all(key.split("|")[0] in {"acme", "globex"} for key in batch.authors)


def test_alerts_and_failures_name_their_input_mention():
    enriched = enriched_demo()[:50]

    class BreaksOnThird(SnowballDetector):
        calls = 0

        def process(self, state, cm):
            self.calls += 1
            if self.calls == 3:
                raise RuntimeError("bug")
            return super().process(state, cm)

    from streams.classification import load_classifier

    batch = BrandStep(classifier_step(load_classifier(None)), BreaksOnThird()).run(enriched, BrandState())
    assert [(f.index, f.stage) for f in batch.failures] == [(2, "detect")]
    assert batch.sources == list(range(50)) and len(batch.classified) == 50  # classified, then judged
    indices = [index for index, _ in batch.alerts]
    assert indices == sorted(set(indices)) and 2 not in indices  # each alert under the mention that raised it
    assert all(a.brand_id == enriched[index].enrichment.brand_id for index, alerts in batch.alerts for a in alerts)


def test_a_classifier_that_fails_fails_the_batch_and_writes_nothing():
    def broken(mentions):
        raise RuntimeError("bug")

    batch = BrandStep(broken, SnowballDetector()).run(enriched_demo()[:5], BrandState())
    assert [(f.index, f.stage) for f in batch.failures] == [(i, "classify") for i in range(5)]
    assert batch.contexts == batch.detectors == batch.authors == {} and not batch.classified


def test_a_mention_the_classification_leaves_out_is_not_judged():
    enriched = enriched_demo()[:10]
    batch = BrandStep(lambda ms: [None if i % 2 else c for i, c in enumerate(
        rule_step().classify(ms))], SnowballDetector()).run(enriched, BrandState())
    assert batch.unclassified == [1, 3, 5, 7, 9] and batch.sources == [0, 2, 4, 6, 8]


def test_detection_alone_is_the_detector_mention_by_mention():
    """An oracle written out: each mention through the detector, its author's history tracked, in order."""
    from streams.enrichment.authors import track_author

    gold = classify_gold(build_labelled("demo"))
    batch = BrandStep(rule_step().classify, SnowballDetector()).detect(gold, BrandState())
    detector, states, histories, expected = SnowballDetector(), {}, {}, []
    for index, mention in enumerate(gold):
        states[mention.brand_id], alerts = detector.process(states.get(mention.brand_id), mention)
        track_author(histories, mention, alerts)
        expected += [(index, a.to_record()) for a in alerts]
    assert [(index, a.to_record()) for index, alerts in batch.alerts for a in alerts] == expected
    assert any(kind == "snowball" for kind in (record["kind"] for _, record in expected))
    assert batch.authors == histories and set(batch.detectors) == set(states)
    assert all(c.classification.sentiment in set(Sentiment) for c in batch.classified)


def test_batch_writes_over_table_read_as_a_chainmap():
    writes, table = {"both": 1, "none": None}, {"both": 2, "table": 3}
    overlay, chain = _WritesOverTable(writes, table), ChainMap(writes, table)
    for key in ("both", "none", "table", "neither"):
        assert overlay.get(key) == chain.get(key) and overlay.get(key, "d") == chain.get(key, "d")
    overlay["new"] = 4
    assert writes["new"] == 4 and "new" not in table
