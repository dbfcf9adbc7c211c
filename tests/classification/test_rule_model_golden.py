"""The rule model's answers stay what they were: outputs recorded in a golden file, for odd inputs.

Exactly means ``Classification`` equality: language, label, rounded scores, intents, reason, model. Inputs:
hand-picked odd cases (with eight language hints), non-strings, and a seeded random mix of lexicon words,
emojis, capitals, elongations and odd Unicode; plus ``analyse``, which trained models read features from.
The golden file was first recorded from snowball-rules 2.0.0 before its speed work, so the optimised model is
held to the same answers. After a deliberate change of the model, record it again:

    .venv/bin/python -m tests.classification.test_rule_model_golden
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from dataclasses import astuple
from pathlib import Path

from streams.classification import RuleClassifier
from streams.classification.lexicons import Lexicons

GOLDEN = Path(__file__).with_name("rule_model_golden.json")
HINTS = ["fr", "en", "es", "de", "FR-fr", "x", "", None]
NON_STRINGS = [None, 42, b"bytes", 3.5, ["list"]]

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
    "Служба поддержки не отвечает", "Служба підтримки не відповідає, їх", "客服三天没有回复", "カスタマーサービスが返事をくれない",  # noqa: E501
    "خدمة العملاء لا ترد", "پشتیبانی جواب نمی دهد", "השירות גרוע", "Η εξυπηρέτηση είναι κακή ΣΟΣ", "ΟΔΟΣ ΟΔΟΣ",
    "บริการแย่มาก", "सेवा खराब है", "고객 서비스가 응답하지 않습니다", "great 漢字 service", "ça marche pas",
    "ÇA MARCHE PAS", "Ça Marche Pas", "l'avion a 3h de retard", "l’avion", "c’est génial", "ﬁne service", "ＦＵＬＬＷＩＤＴＨ",  # noqa: E501
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


def _row(classification) -> list:
    return [classification.language, str(classification.sentiment), classification.score,
            classification.negative_score, list(classification.intents), classification.model,
            classification.model_version, classification.reason]


def _classified(model, texts: list, hints: list | None = None, batch: int = 256) -> list[list]:
    rows = []
    for start in range(0, len(texts), batch):
        chunk_hints = None if hints is None else hints[start : start + batch]
        rows += [_row(c) for c in model.classify(texts[start : start + batch], chunk_hints)]
    return rows


def _analysed(model, texts: list[str]) -> list[list]:
    from streams.classification.text import clean

    rows = []
    for text in texts:
        for hint in (None, "fr"):
            language, folded, valence = model.analyse(clean(text), hint)
            rows.append([language, hashlib.sha1(json.dumps(folded).encode()).hexdigest(),
                         list(astuple(valence))])
    return rows


def answers(model) -> dict[str, list]:
    """Everything the golden file records, computed by ``model``."""
    recorded = {
        "hand_picked": _classified(model, HAND_PICKED),
        "non_strings": _classified(model, NON_STRINGS),
        "random": _classified(model, _random_texts(2000, seed=20240611),
                              [random.Random(i).choice([None, None, "fr", "en", "es"]) for i in range(2000)]),
        "analyse": _analysed(model, HAND_PICKED + _random_texts(300, seed=11)),
    }
    for hint in HINTS:
        recorded[f"hint:{hint}"] = _classified(model, HAND_PICKED, [hint] * len(HAND_PICKED))
    return json.loads(json.dumps(recorded))  # the same shapes as read back from the file


def _same_analysis(got: list, want: list) -> bool:
    """Language and tokens exactly; valence sums to 1e-12: the cached path may add the same terms in
    another order, which moves the last bit of a float (these are features, not labels)."""
    if got[:2] != want[:2] or len(got[2]) != len(want[2]):
        return False
    return all(math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12) if isinstance(w, float) else g == w
               for g, w in zip(got[2], want[2], strict=True))


def test_answers_match_the_golden_file() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = answers(RuleClassifier())
    assert current.keys() == golden.keys()
    for case, rows in golden.items():
        assert len(current[case]) == len(rows), case
        same = _same_analysis if case == "analyse" else lambda got, want: got == want
        for i, (got, want) in enumerate(zip(current[case], rows, strict=True)):
            assert same(got, want), f"{case}[{i}]: {got} != {want}"


def test_same_answers_whatever_the_cache_holds() -> None:
    """Per-token or per-chunk caches must not make an answer depend on what was classified before."""
    texts = _random_texts(500, seed=7) + HAND_PICKED
    fresh = RuleClassifier()
    once = fresh.classify(texts)
    assert fresh.classify(texts) == once == fresh.classify(list(reversed(texts)))[::-1]


def test_text_scanner_with_a_tiny_memory_matches_whole_text_scanning() -> None:
    from streams.classification.text import (
        _CAPITAL_PAIR,
        ANCHOR,
        CAPITAL_PAIR,
        ELONGATED,
        EMOJI,
        EMOTICON,
        TextScanner,
        clean,
        fold,
        has_elongation,
        tokens,
    )
    from streams.classification.valence import SARCASM_ANCHORS

    lexicons = Lexicons.load()
    emoji, emoticons = frozenset(lexicons.emoji), frozenset(lexicons.emoticons)
    table = {word: f"entry of {word}" for word in _WORDS}
    scanner = TextScanner(table, max_chunks=4, emoji=emoji, emoticons=emoticons, anchors=SARCASM_ANCHORS)
    for text in [clean(t) for t in HAND_PICKED + _random_texts(1000, seed=3)] * 2:
        flags = ((ELONGATED if has_elongation(text) else 0) | (CAPITAL_PAIR if _CAPITAL_PAIR.search(text) else 0)
                 | (EMOJI if not emoji.isdisjoint(text) else 0)
                 | (EMOTICON if not emoticons.isdisjoint(text.split()) else 0)
                 | (ANCHOR if any(a in text.lower() for a in SARCASM_ANCHORS) else 0))
        folded = tokens(fold(text))
        assert scanner.scan(text) == (folded, [table.get(t) for t in folded], flags), repr(text[:200])


def test_every_sarcasm_cue_holds_an_anchor_the_scanner_flags() -> None:
    """Texts whose chunks hold no anchor skip the sarcasm search: each alternative of the pattern must hold one,
    inside a stretch without whitespace (a chunk)."""
    from streams.classification.valence import SARCASM, SARCASM_ANCHORS

    assert not any(ch.isspace() for anchor in SARCASM_ANCHORS for ch in anchor)
    for alternative in SARCASM.pattern.split("|"):
        if alternative.startswith("\\U"):  # an emoji, written as its escape in the pattern
            alternative = chr(int(alternative[2:], 16))
        assert any(anchor in alternative for anchor in SARCASM_ANCHORS), alternative


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(answers(RuleClassifier()), ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    print(f"recorded {GOLDEN}")
