"""The optimised rule model says exactly what the frozen reference (snowball-rules 2.0.0 before the speed work) says.

Exactly means ``Classification`` equality: language, label, rounded scores, intents, reason. Inputs: hand-picked
odd cases, a seeded random mix of lexicon words, emojis, capitals, elongations and odd Unicode, and the shared
evaluation data when it is there.
"""

from __future__ import annotations

import csv
import random
from dataclasses import astuple
from pathlib import Path

import pytest

from streams.classification import RuleClassifier
from streams.classification.lexicons import Lexicons
from tests.classification.reference.rules import RuleClassifier as ReferenceRuleClassifier

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

HAND_PICKED = [
    "", " ", "   \n\t", "\u200b\u200d\ufeff", "!!!???...", "@@@@ ###", "#", "@", "_", "x", "t", "n", "ne pas",
    "great", "awful", "the", "top", "nul", "super", "pas mal", "pas terrible", "pas ouf du tout", "not bad",
    "Je suis pas du tout content", "je ne suis pas satisfait du service", "Franchement c'est nuuuuul",
    "Merci @sncf, super accueil 😍", "pas mal du tout ce nouveau forfait", "I am not happy with this at all",
    "Thanks for nothing @united", "thank you for nothing", "Love the new app, awesome work!!!",
    "@delta flight delayed 3 hours and still no update", "Worst. Service. EVER 😡", "WORST SERVICE EVER",
    "c'est nul", "c'est vraiment nul", "c'est NUL", "c'est TRES TRES nul", "vraiment trop bien", "so so good",
    "C'est une arnaque, je porte plainte #boycott", "time for a class action against them",
    "toujours pas de remboursement, service client injoignable", "pourquoi mon colis n'est pas arrivé ?",
    "Merci beaucoup, service génial", "merci pour rien, comme d'hab", "bande d'incompétents et de guignols",
    "URGENT: plus de réseau, aidez-moi", "great service, as usual 🙄", "oh great, another delay /s",
    "Encore bravo la SNCF 🤡", "quelle surprise, encore en retard", "yeah right, best airline ever",
    "the service is good but the food is awful", "bon accueil mais service lamentable", "not good, however cheap",
    "won't win", "don't like it", "I can't believe how good this is", "didn't love it", "isn't bad",
    "goooood", "sooooo good", "GOOOOD", "baaaaad", "nuuuul", "géniaaaal", "coooool", "haha", "loool", "#fail",
    "#nul", "#Génial", "#top #merci", "@nul is a handle", "😡😡😡", "🙂", "🙂🙂", ":) :( <3 :-/", ":)", "http://x.y :/",
    "a=b", "x;y", "<3<3", "le service est 💩", "👍👍 merci", "😂😂😂 la honte", "❤️", "👎",
    "le service client ne répond pas depuis trois jours", "the customer service has not answered for three days",
    "el servicio no funciona desde ayer", "el servicio es muy malo y nadie contesta",
    "der Kundendienst ist nicht erreichbar", "il servizio è pessimo", "o serviço não funciona", "de service is slecht",
    "Служба поддержки не отвечает", "Служба підтримки не відповідає, їх", "客服三天没有回复", "カスタマーサービスが返事をくれない",
    "خدمة العملاء لا ترد", "پشتیبانی جواب نمی دهد", "השירות גרוע", "Η εξυπηρέτηση είναι κακή ΣΟΣ", "ΟΔΟΣ ΟΔΟΣ",
    "บริการแย่มาก", "सेवा खराब है", "고객 서비스가 응답하지 않습니다", "great 漢字 service", "ça marche pas",
    "ÇA MARCHE PAS", "Ça Marche Pas", "l'avion a 3h de retard", "l’avion", "c’est génial", "ﬁne service", "ＦＵＬＬＷＩＤＴＨ",
    "İstanbul ǅ ß ﬁ", "Ǆǅǆ", "naïve café crème brûlée", "e\u0301te\u0301 ge\u0301nial", "\u0301\u0301\u0301",
    "ñ ¿qué? ¡mal!", "straße schlecht", "ctrl\x00\x07\x1bchars", "\ud800 lone surrogate \udfff", "\x85\xa0\u2028",
    "tab\tsep\u3000ideographic\u00a0nbsp", "¨good¨", "good¨bad", "x" * 200_000, "nul " * 10_000, "mot " * 50_000,
    "great " * 600, "je suis so happy mais le service est nul", "top!", "top!!!!!!", "nul!!", "?", "how?",
    "Pourquoi", "@sncf pourquoi", "@a @b comment faire", "refund came fast, thanks!", "customer service on hold",
    "still waiting for my refund", "tout de suite svp", "au secours", "mise en demeure", "ufc que choisir",
    "rip off", "class action now", "doesn t work", "service client", "aucune reponse", "jamais reçu",
]

_EMOJIS = ["😍", "😡", "🙂", "🙄", "🤦", "🤡", "💩", "👍", "👎", "❤", "😂", "😭", "🔥", "✈", "🎉"]
_ODD = ["!", "!!!", "?", "...", ":)", ":(", "<3", ";)", "=)", ":/", "/s", "#", "@", "'", "’", "-", "_", "\n", "\t",
        "\u00a0", "\u200b", "Σ", "ς", "σ", "\u0301", "ß", "İ", "ﬁ", "é", "É", "ç", "œ", "ñ", "ü", "ò", "漢", "の",
        "я", "ї", "ع", "پ", "א", "ω", "ก", "क", "한", "１", "²", "½", "\x00", "\x1b", "\x7f", "\ud83d"]
_WORDS = ("not never no pas ne n jamais rien sans t don won very really so too tres trop vraiment si peu kinda "
          "but mais however pourtant cependant sauf the le la les de et is est a y en el der il o het de "
          "thanks thank merci for pour nothing rien as usual comme d hab habitude toujours encore bravo quelle "
          "surprise what yeah right oh just great much customer service client on hold still waiting tout suite "
          "refund remboursement retard delayed arnaque plainte boycott urgent asap insult idiot nuls merde "
          "how why pourquoi comment mal terrible ouf fou super top cool pain sale con chat coin lecture").split()


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lexicons = Lexicons.load()
    sentiment_words = sorted(set(lexicons.words["en"]) | set(lexicons.words["fr"]))
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 25)):
            roll = rng.random()
            if roll < 0.35:
                word = rng.choice(sentiment_words)
            elif roll < 0.7:
                word = rng.choice(_WORDS)
            elif roll < 0.8:
                word = rng.choice(_EMOJIS) * rng.randint(1, 3)
            else:
                word = rng.choice(_ODD)
            shape = rng.random()
            if shape < 0.08:
                word = word.upper()
            elif shape < 0.12:
                word = word.title()
            elif shape < 0.17 and word:
                i = rng.randrange(len(word))
                word = word[: i + 1] + word[i] * rng.randint(1, 5) + word[i + 1 :]
            elif shape < 0.2:
                word = "#" + word
            elif shape < 0.22:
                word = "@" + word
            parts.append(word)
            parts.append(rng.choice([" ", " ", " ", "", "  ", ", ", "'", "\n", "! ", "? ", "\u00a0", "-"]))
        texts.append("".join(parts))
    return texts


def _shared_texts() -> list[str]:
    texts = []
    for path in (SHARED_DATA / "airline_en" / "tweets_dev.csv", SHARED_DATA / "french" / "deft2017" / "fr_tweets_dev.csv"):
        if path.is_file():
            with open(path, encoding="utf-8", newline="") as handle:
                texts.extend(row["text"] for row in csv.DictReader(handle))
    for path in (SHARED_DATA / "french" / "allocine").glob("*.tsv"):
        texts.extend(line.partition("\t")[2] for line in path.read_text(encoding="utf-8").splitlines())
    return texts


@pytest.fixture(scope="module")
def models() -> tuple[RuleClassifier, ReferenceRuleClassifier]:
    return RuleClassifier(), ReferenceRuleClassifier()


def assert_identical(models, texts: list, hints: list | None = None, batch: int = 256) -> None:
    fast, reference = models
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        chunk_hints = None if hints is None else hints[start : start + batch]
        got, want = fast.classify(chunk, chunk_hints), reference.classify(chunk, chunk_hints)
        for text, g, w in zip(chunk, got, want, strict=True):
            assert g == w, f"{str(text)[:200]!r}: {g} != {w}"


def test_hand_picked_inputs(models) -> None:
    assert_identical(models, HAND_PICKED)
    assert_identical(models, [None, 42, b"bytes", 3.5, ["list"]])  # type: ignore[list-item]


@pytest.mark.parametrize("hint", ["fr", "en", "es", "de", "FR-fr", "x", "", None])
def test_with_language_hints(models, hint: str | None) -> None:
    assert_identical(models, HAND_PICKED, [hint] * len(HAND_PICKED))


def test_random_mixes(models) -> None:
    texts = _random_texts(4000, seed=20240611)
    hints = [random.Random(i).choice([None, None, "fr", "en", "es"]) for i in range(len(texts))]
    assert_identical(models, texts, hints)


def test_same_answers_whatever_the_cache_holds(models) -> None:
    """Per-token or per-chunk caches must not make an answer depend on what was classified before."""
    texts = _random_texts(500, seed=7) + HAND_PICKED
    fresh = RuleClassifier()
    once = fresh.classify(texts)
    assert fresh.classify(texts) == once == fresh.classify(list(reversed(texts)))[::-1]


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="no shared evaluation data next to the repository")
def test_shared_evaluation_data(models) -> None:
    texts = _shared_texts()
    assert len(texts) > 1000
    assert_identical(models, texts, batch=512)


def test_analyse_is_identical_for_the_trained_models(models) -> None:
    """Trained models read the rule model's valence (positive and negative sums too) through ``analyse``."""
    from streams.classification.text import clean

    def plain(reading):  # the two Valence classes differ, their fields must not
        language, folded, valence = reading
        return language, folded, astuple(valence)

    fast, reference = models
    for text in HAND_PICKED + _random_texts(1000, seed=11):
        for hint in (None, "fr"):
            assert plain(fast.analyse(clean(text), hint)) == plain(reference.analyse(clean(text), hint)), repr(text[:200])


def test_text_scanner_with_a_tiny_memory_matches_whole_text_scanning() -> None:
    from streams.classification.text import CAPITAL_PAIR, ELONGATED, TextScanner, clean, fold, has_elongation, tokens
    from streams.classification.valence import _CAPITALS

    scanner = TextScanner(max_chunks=4)
    for text in [clean(t) for t in HAND_PICKED + _random_texts(1000, seed=3)] * 2:
        flags = (ELONGATED if has_elongation(text) else 0) | (CAPITAL_PAIR if _CAPITALS.search(text) else 0)
        assert scanner.scan(text) == (tokens(fold(text)), flags), repr(text[:200])
