"""The shipped rule model behind the contract the Faust shell relies on."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from streams.classification import Classifier, load_classifier
from streams.classification.intents import INTENTS
from streams.models import Classification, Sentiment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return load_classifier(None)


def one(clf: Classifier, text: str, hint: str | None = None) -> Classification:
    return clf.classify([text], [hint])[0]


def test_contract(clf: Classifier) -> None:
    assert isinstance(clf, Classifier)
    assert clf.name and clf.version
    out = clf.classify(["great", "awful", "the"], None)
    assert [c.sentiment for c in out] == [Sentiment.POSITIVE, Sentiment.NEGATIVE, Sentiment.NEUTRAL]
    for c in out:
        assert 0.0 <= c.negative_score <= 1.0 and 0.0 <= c.score <= 1.0
        assert c.model == clf.name and c.model_version == clf.version
        assert set(c.intents) <= set(INTENTS)


def test_empty_batch(clf: Classifier) -> None:
    assert clf.classify([]) == []


def test_hints_must_match_texts(clf: Classifier) -> None:
    with pytest.raises(ValueError):
        clf.classify(["a", "b"], ["fr"])


@pytest.mark.parametrize("text", [
    "", "   \n\t", "😡😡😡", "🙂", "\ud800 lone surrogate \udfff", "ctrl\x00\x07\x1bchars", "x" * 200_000,
    "mot " * 50_000, "@@@@ ###", "je suis so happy mais le service est nul", "!!!???...", "\u200b\u200d\ufeff",
    "ＦＵＬＬＷＩＤＴＨ", "İstanbul ǅ ß ﬁ", ":) :( <3 :-/",
])
def test_odd_text_never_raises(clf: Classifier, text: str) -> None:
    c = one(clf, text)
    assert isinstance(c.sentiment, Sentiment)
    assert 0.0 <= c.score <= 1.0


def test_non_strings_get_a_reason(clf: Classifier) -> None:
    out = clf.classify([None, 42])  # type: ignore[list-item]
    assert all(c.sentiment is Sentiment.NEUTRAL and c.reason.startswith("not a text") for c in out)


def test_empty_and_huge_texts_say_why(clf: Classifier) -> None:
    assert one(clf, "").reason == "empty text"
    assert "first" in one(clf, "nul " * 10_000).reason


def test_probabilities_are_consistent(clf: Classifier) -> None:
    for text in ["super service merci", "service nul", "le train part à 8h"]:
        c = one(clf, text)
        if c.sentiment is Sentiment.NEGATIVE:
            assert c.score == c.negative_score
        else:
            assert c.negative_score < c.score


@pytest.mark.parametrize(("text", "expected"), [
    ("Je suis pas du tout content", Sentiment.NEGATIVE),
    ("je ne suis pas satisfait du service", Sentiment.NEGATIVE),
    ("Franchement c'est nuuuuul", Sentiment.NEGATIVE),
    ("Merci @sncf, super accueil 😍", Sentiment.POSITIVE),
    ("pas mal du tout ce nouveau forfait", Sentiment.POSITIVE),
    ("I am not happy with this at all", Sentiment.NEGATIVE),
    ("Thanks for nothing @united", Sentiment.NEGATIVE),
    ("Love the new app, awesome work!!!", Sentiment.POSITIVE),
    ("@delta flight delayed 3 hours and still no update", Sentiment.NEGATIVE),
    ("Worst. Service. EVER 😡", Sentiment.NEGATIVE),
    # a negator that means "only" does not reverse
    ("Wish you nothing but the best!", Sentiment.POSITIVE),
    ("je n'aime que ce forfait", Sentiment.POSITIVE),
    ("je n'aime pas que le forfait change", Sentiment.NEGATIVE),
    ("nothing good about it", Sentiment.NEGATIVE),
])
def test_social_media_rules(clf: Classifier, text: str, expected: Sentiment) -> None:
    assert one(clf, text).sentiment is expected


def test_intensifiers_and_capitals_strengthen(clf: Classifier) -> None:
    plain, boosted, shouted = (one(clf, t).negative_score for t in ("c'est nul", "c'est vraiment nul", "c'est NUL"))
    assert boosted > plain and shouted > plain


def test_intents(clf: Classifier) -> None:
    assert "crisis" in one(clf, "C'est une arnaque, je porte plainte #boycott").intents
    assert "crisis" in one(clf, "time for a class action against them").intents
    assert "complaint" in one(clf, "toujours pas de remboursement, service client injoignable").intents
    assert "question" in one(clf, "pourquoi mon colis n'est pas arrivé ?").intents
    assert "praise" in one(clf, "Merci beaucoup, service génial").intents
    assert "praise" not in one(clf, "merci pour rien, comme d'hab").intents
    assert "insult" in one(clf, "bande d'incompétents et de guignols").intents
    assert "urgent" in one(clf, "URGENT: plus de réseau, aidez-moi").intents


@pytest.mark.parametrize(("text", "language"), [
    ("le service client ne répond pas depuis trois jours", "fr"),
    ("the customer service has not answered for three days", "en"),
    ("el servicio no funciona desde ayer", "es"),
    ("der Kundendienst ist nicht erreichbar", "de"),
    ("Служба поддержки не отвечает", "ru"),
    ("客服三天没有回复", "zh"),
    ("カスタマーサービスが返事をくれない", "ja"),
    ("خدمة العملاء لا ترد", "ar"),
    ("🙂🙂", "und"),
    ("", "und"),
])
def test_language(clf: Classifier, text: str, language: str) -> None:
    assert one(clf, text).language == language


def test_other_languages_are_passed_on_not_forced(clf: Classifier) -> None:
    c = one(clf, "el servicio es muy malo y nadie contesta")
    assert c.language == "es"
    assert isinstance(c.sentiment, Sentiment)


def test_hint_settles_short_texts(clf: Classifier) -> None:
    assert one(clf, "top", "fr").language == "fr"
    assert one(clf, "le service client ne répond pas", "en").language == "fr"  # a hint does not beat the text


def test_pure_and_deterministic(clf: Classifier) -> None:
    texts = ["service nul", "great", "pourquoi ?"]
    assert clf.classify(texts) == clf.classify(texts) == [one(clf, t) for t in texts]


def test_model_and_avro_schema_in_sync() -> None:
    schema = json.loads((ROOT / "schemas" / "snowball.Classification.avsc").read_text())
    assert [f["name"] for f in schema["fields"]] == [f.name for f in fields(Classification)]
    assert all("default" in f for f in schema["fields"][3:])


def test_every_shipped_resource_has_a_licence_note() -> None:
    resources = ROOT / "streams" / "classification" / "resources"
    notes = (resources / "LICENCES.md").read_text()
    for path in resources.iterdir():
        if path.suffix in (".tsv", ".py") and path.name != "__init__.py":
            assert f"`{path.name}`" in notes, path.name


@pytest.mark.parametrize("text", ["Shares crash after the earnings call", "$XYZ plunges 10% premarket",
                                  "Les actionnaires inquiets, la cotation chute"])
def test_market_news_is_neutral(clf: Classifier, text: str) -> None:
    assert one(clf, text).sentiment is Sentiment.NEUTRAL


@pytest.mark.parametrize(("cued", "plain"), [
    ("is this update bad?", "this update is bad"),
    ("the CEO says the outage was bad", "the outage was bad"),
    ("selon le PDG, la panne était grave et mauvaise", "la panne était grave et mauvaise"),
])
def test_questions_and_reported_speech_weigh_less(clf: Classifier, cued: str, plain: str) -> None:
    assert one(clf, cued).negative_score < one(clf, plain).negative_score


def test_an_exclaimed_question_keeps_its_sentiment(clf: Classifier) -> None:
    assert one(clf, "why is this update so bad?!").sentiment is Sentiment.NEGATIVE


def test_hate_is_english_and_hate_with_a_circumflex_is_french(clf: Classifier) -> None:
    assert one(clf, "j'ai hâte de recevoir mon colis").sentiment is Sentiment.POSITIVE
    assert one(clf, "I hate this app").sentiment is Sentiment.NEGATIVE


def test_twice_escaped_text_is_read_as_its_characters(clf: Classifier) -> None:
    from streams.classification.text import clean

    assert clean(r"didn\u2019t work \ud83d\ude02") == "didn\u2019t work \U0001F602"
    assert clean(r"C:\users\me") == r"C:\users\me"
    assert one(clf, r"I didn\u2019t like it").sentiment is one(clf, "I didn't like it").sentiment


def test_words_of_the_other_language_are_not_read_into_a_mention(clf: Classifier) -> None:
    # French "plane" (of "planer") is no complaint about an English plane; English "grand" is not French "grand".
    assert one(clf, "boarding the plane now").sentiment is Sentiment.NEUTRAL
    assert one(clf, "un grand parc éolien au large de la côte").sentiment is Sentiment.NEUTRAL
    # The social-media words of the other language still count: "top", "fail" and "wtf" are loanwords.
    assert one(clf, "le nouveau forfait, top").sentiment is Sentiment.POSITIVE
    assert one(clf, "encore un fail de la livraison").sentiment is Sentiment.NEGATIVE


def test_negative_evidence_outweighs_as_much_positive(clf: Classifier) -> None:
    assert one(clf, "good seats, awful food").sentiment is Sentiment.NEGATIVE


def test_french_inflected_forms_take_their_lemma_s_valence(clf: Classifier) -> None:
    # The lexicons list "décevoir"; tweets write "déçoivent".
    assert one(clf, "ils nous déçoivent encore").sentiment is Sentiment.NEGATIVE
    # Only in French mentions: "gate" (of "gâter") is no French word in "we are at the gate".
    assert one(clf, "we are at the gate").sentiment is Sentiment.NEUTRAL


@pytest.mark.parametrize(("supposed", "asserted"), [
    ("it would be great to get a reply", "it is great to get a reply"),
    ("if it is bad I will switch", "it is bad and I will switch"),
])
def test_a_supposed_opinion_weighs_less_than_an_asserted_one(clf: Classifier, supposed: str, asserted: str) -> None:
    assert one(clf, supposed).score < one(clf, asserted).score
