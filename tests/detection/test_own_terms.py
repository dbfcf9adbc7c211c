"""A brand's own names are not emerging terms: every mention of the brand names it, so they say nothing."""

from __future__ import annotations

from streams.detection import SnowballDetector
from streams.detection.snowball import own_terms
from streams.models import AlertKind
from tests.detection.helpers import HOUR, MIN, T0, background, cm, run


def _wave(text: str) -> list:
    wave = []
    for i in range(60):  # growing: 1 per minute, then more
        for j in range(1 + i // 15):
            wave.append(cm(f"w{i}-{j}", T0 + 10 * HOUR + i * MIN + j, author=f"v{i}-{j}", text=f"{text} {i} {j}"))
    return wave


def _terms(detector: SnowballDetector, text: str) -> list[list[str]]:
    state, _ = run(detector, background(10))
    _, alerts = run(detector, _wave(text), state)
    snow = [a for a in alerts if a.kind is AlertKind.SNOWBALL]
    assert snow
    return [a.top_terms for a in snow]


def test_the_brand_id_and_its_hashtag_are_never_emerging_terms():
    for terms in _terms(SnowballDetector(), "acme #acme stranded refund"):
        assert "acme" not in terms and "#acme" not in terms
        assert "stranded" in terms and "refund" in terms
    unfiltered = SnowballDetector()
    unfiltered.lifecycle.own_terms = lambda brand_id: frozenset()  # as before: the brand's name rises with the wave
    assert all("acme" in t and "#acme" in t for t in _terms(unfiltered, "acme #acme stranded refund"))


def test_names_aliases_and_hashtags_from_the_brands_file_are_left_out_too():
    text = "acmecorp #acmefail acme stranded refund"
    # Without the brand's names, only its id is known: its other names show up as terms.
    assert any("acmecorp" in t and "#acmefail" in t for t in _terms(SnowballDetector(), text))
    names = {"acme": ["Acme Corp", "@AcmeCorp", "#AcmeFail"]}
    for terms in _terms(SnowballDetector(brand_names=names), text):
        assert not {"acme", "acmecorp", "#acmefail"} & set(terms)
        assert "stranded" in terms and "refund" in terms


def test_own_terms_forms():
    assert own_terms("united") == {"united", "#united", "@united"}
    forms = own_terms("virgin_america", ["Virgin America", "@VirginAmerica", "#VirginAmerica"])
    assert {"virginamerica", "#virginamerica", "virgin_america"} <= forms
    assert own_terms("acme", ["Société Générale"]) >= {"sociétégénérale", "#sociétégénérale"}
