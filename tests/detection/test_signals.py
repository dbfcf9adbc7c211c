import math
from dataclasses import replace

from streams.detection import DetectorConfig, SnowballDetector, codec
from streams.detection.cascades import add_relay, forecast, kernel_cdf, new_cascade
from streams.detection.stats import doubling_time, glr_scan, poisson_sf
from streams.detection.terms import emerging as emerging_terms
from streams.detection.window import compute
from streams.models import AlertKind, Severity
from tests.detection.helpers import HOUR, MIN, T0, background, cm, run


def test_poisson_tail_matches_known_values():
    assert math.isclose(poisson_sf(1, 2.0), 1 - math.exp(-2.0), rel_tol=1e-9)
    # P(X >= 10 | mu = 3) = 0.001102...
    assert math.isclose(poisson_sf(10, 3.0), 0.0011024881, rel_tol=1e-6)
    assert poisson_sf(0, 5.0) == 1.0


def test_glr_finds_the_change_point_and_ignores_normal_counts():
    expected = [1.0] * 20
    flat = [1.0] * 20
    assert glr_scan(flat, expected, 3)[0] == 0.0
    raised = [1.0] * 14 + [6.0] * 6
    stat, k, observed, exp = glr_scan(raised, expected, 3)
    assert k == 6 and observed == 36 and exp == 6
    assert stat > 30
    # dispersion divides the evidence
    assert math.isclose(glr_scan(raised, expected, 3, dispersion=2.0)[0], stat / 2)


def test_doubling_time():
    assert math.isclose(doubling_time(19, 9, 30 * MIN), 30.0)
    assert doubling_time(5, 10, 30 * MIN) == -1.0


def test_seismic_kernel_and_forecast():
    cfg = DetectorConfig()
    assert kernel_cdf(0, cfg) == 0.0
    assert 0.0 < kernel_cdf(5 * MIN, cfg) < kernel_cdf(HOUR, cfg) < 1.0
    cascade = new_cascade(T0, 10_000)
    for i in range(10):
        add_relay(cascade, T0 + (i + 1) * MIN, 50, cfg)
    final, branching, supercritical = forecast(cascade, T0 + 11 * MIN, cfg)
    assert not supercritical and final >= 10 and 0 < branching < 1
    # A cascade whose relays keep coming from large audiences is supercritical.
    hot = new_cascade(T0, 10)
    for i in range(60):
        add_relay(hot, T0 + i * 10_000, 5000, cfg)
    assert forecast(hot, T0 + 11 * MIN, cfg)[2]


def _wave(start: int, minutes: int, per_min: int, prefix: str = "w", **kw):
    return [cm(f"{prefix}{i}-{j}", start + i * MIN + j, author=f"{prefix}-voice{i}-{j}",
               text=f"{prefix} outage {i} {j} refund #fail", **kw)
            for i in range(minutes) for j in range(per_min)]


def test_breadth_one_troll_counts_as_one_voice():
    det = SnowballDetector()
    state, _ = run(det, background(10))
    troll = [cm(f"t{i}", T0 + 10 * HOUR + i * MIN, author="troll", text=f"troll {i} worst") for i in range(60)]
    state, alerts = run(det, troll, state)
    assert not [a for a in alerts if a.kind is AlertKind.SNOWBALL]
    assert any(a.kind is AlertKind.REPEAT_CRITIC and a.author_id == "troll" for a in alerts)


def test_a_lowered_repeat_count_applies_to_authors_already_in_the_state():
    # Four negatives with the default (5) in the saved state, then the setting lowered to 3.
    state, alerts = run(SnowballDetector(), [cm(f"r{i}", T0 + i * MIN, author="ann") for i in range(4)])
    assert not [a for a in alerts if a.kind is AlertKind.REPEAT_CRITIC]
    lowered = SnowballDetector(replace(DetectorConfig(), repeat_count=3))
    state, alerts = run(lowered, [cm("r4", T0 + 10 * MIN, author="ann")], state)
    assert [a.author_id for a in alerts if a.kind is AlertKind.REPEAT_CRITIC] == ["ann"]


def test_copy_paste_counts_as_one_voice():
    det = SnowballDetector()
    state, _ = run(det, background(10))
    bots = [cm(f"b{i}", T0 + 10 * HOUR + i * 20_000, author=f"bot{i}", text="SAME TEXT boycott now")
            for i in range(60)]
    state, alerts = run(det, bots, state)
    assert not [a for a in alerts if a.kind is AlertKind.SNOWBALL]


def test_near_copies_count_in_their_cluster_whatever_their_fingerprint():
    """Enrichment links near copies to the cluster's first mention (``near_duplicate_of``); their SimHash
    fingerprints differ. They are one cluster, and the first mention counts in it under its own id."""
    det = SnowballDetector()
    state, _ = run(det, background(10))
    bots = []
    for i in range(60):
        m = cm(f"b{i}", T0 + 10 * HOUR + i * 20_000, author=f"bot{i}", text=f"boycott now, they lied {i} times",
               fingerprint=f"{i:016x}")
        bots.append(replace(m, enrichment=replace(m.enrichment, near_duplicate_of="b0" if i else None)))
    state, alerts = run(det, bots, state)
    assert not [a for a in alerts if a.kind is AlertKind.SNOWBALL]
    assert state.copies["b0"] == f"{0:016x}"  # the first mention's alias of its cluster entry
    weight = state.copies[f"{0:016x}"].value
    assert weight > 30  # every copy counted in the first mention's entry


def test_volume_share_growth_breadth_terms_and_amplification_are_in_the_alert():
    det = SnowballDetector()
    state, _ = run(det, background(10))
    wave = []
    for i in range(60):  # growing: 1 per minute, then more
        for j in range(1 + i // 15):
            wave.append(cm(f"w{i}-{j}", T0 + 10 * HOUR + i * MIN + j, author=f"v{i}-{j}", followers=2000,
                           text=f"#flightgate stranded at the gate {i} {j}", topics=["delays"]))
    state, alerts = run(det, wave, state)
    snow = [a for a in alerts if a.kind is AlertKind.SNOWBALL]
    assert snow and snow[0].severity is Severity.WATCH
    s = snow[-1].signals
    for key in ("glr", "volume_ratio", "p_value", "negative_share", "doubling_time_min", "acceleration",
                "distinct_authors", "first_time_author_share", "engagement", "reach", "cascade_forecast"):
        assert key in s
    assert s["volume_ratio"] > 2 and s["distinct_authors"] >= 8 and s["first_time_author_share"] > 0.5
    assert s["negative_share"] > 0.5 and s["reach"] > 0
    assert "#flightgate" in snow[-1].top_terms or "stranded" in snow[-1].top_terms
    assert snow[-1].topic == "delays"
    assert any(r.startswith("volume:") for r in snow[-1].reasons)
    sig = compute(state, det.config)
    assert sig.glr > 0 and emerging_terms(state, det.config, state.watermark)


def test_cascade_relays_are_tracked():
    det = SnowballDetector()
    state, _ = run(det, background(10))
    root = cm("root", T0 + 10 * HOUR, author="spark", followers=80_000, text="the root complaint outage")
    relays = [cm(f"r{i}", T0 + 10 * HOUR + (i + 1) * 20_000, author=f"rt{i}", reposts_id="root",
                 text="the root complaint outage") for i in range(50)]
    state, _ = run(det, [root, *relays], state)
    assert state.cascades["root"].relays == 50
    assert codec.loads(codec.dumps(state)).cascades["root"] == state.cascades["root"]  # saved and restored whole


def test_alert_reasons_explain_the_episode_topic_and_never_exceed_whole_shares():
    """An episode keeps its topic after the hour's leading topic changes: its share is the topic's own, and
    shares (topic, first-time authors) stay within 0..100%. Function words are no emerging terms."""
    import re

    from streams.backtest.evaluation import evaluate_scenario
    from streams.scenarios import build_labelled

    snowballs = [a for a in evaluate_scenario(build_labelled("demo")).run.alerts
                 if a.kind == "snowball" and a.severity.rank >= 1 and a.topic]
    assert snowballs
    for alert in snowballs:
        topic_lines = [r for r in alert.reasons if r.startswith("topic:")]
        shares = [int(s) for r in alert.reasons for s in re.findall(r"(\d+)%", r)]
        assert all(0 <= s <= 100 for s in shares), alert.reasons
        assert topic_lines and " 0% " not in topic_lines[0], alert.reasons
        assert not {"c'est", "suis", "jamais", "votre"} & set(alert.top_terms or ())


def test_emerging_terms_are_the_words_a_wave_carries_more_than_usual_not_every_word_it_doubles():
    """A wave multiplies the brand's usual words with its volume ("message", "words" here, in every post as
    before): only the words over-represented against their usual share emerge. Link placeholders and HTML
    entities never do."""
    det = SnowballDetector()
    state, _ = run(det, background(30))
    wave = [cm(f"w{i}", T0 + 30 * HOUR + i * MIN // 2, author=f"v{i}",
               text=f"bg message number {i} with words stranded &amp; http" if i % 2 else
               f"bg message number {i} with words") for i in range(80)]
    state, alerts = run(det, wave, state)
    terms = [t for t, _ in emerging_terms(state, det.config, state.watermark)]
    assert "stranded" in terms
    assert not {"message", "number", "words", "amp", "http"} & set(terms)
