"""One table from a folded token to everything the rules ask about it, so a mention costs one look-up per token.

Without it each token went through four look-ups in four passes: language votes, sentiment lexicon, negators,
intent cues. Tokens the table does not hold matter to no rule (apart from elongated words, which the valence
scorer squeezes and looks up on its own). One table beats one per concern: measured with callgrind, a second
``map(table.get, tokens)`` pass costs more than the Python-level tests it spares.
"""

from __future__ import annotations

from dataclasses import dataclass

# Positions in ``TokenFeatures.valences``: the mention's language picks the merged lexicon to read.
VALENCE_SLOTS = {"en": 0, "fr": 1}
OTHER_SLOT = 2


@dataclass(frozen=True, slots=True)
class TokenFeatures:
    vote: str | None  # the language of a function word only one language has: a whole vote (most of them)
    votes: tuple[tuple[str, float], ...]  # (language, share of one vote) for a function word several share
    valences: tuple[float | None, float | None, float | None] | None  # per VALENCE_SLOTS / OTHER_SLOT, or None
    counted_negator: bool  # counts towards bare negations ("ne" of "ne ... pas" does not)
    contrast: bool  # "but", "mais": what follows weighs more
    cues: frozenset[str]  # intents the word signals
    starts_phrase: bool  # first word of an intent phrase ("customer" of "customer service")
    rare: bool  # any of the four flags above: most known tokens are function words with none of them


def build_token_table(
    function_words: dict[str, tuple[str, ...]],
    lookups: dict[str, dict[str, float]],
    counted_negators: frozenset[str],
    contrast: frozenset[str],
    cues: dict[str, frozenset[str]],
    phrase_starts: frozenset[str],
) -> dict[str, TokenFeatures]:
    """The table for the given word lists; ``lookups`` maps "en", "fr" and "other" to merged valence lexicons."""
    slots = [lookups["en"], lookups["fr"], lookups["other"]]
    words = set(function_words).union(*slots, counted_negators, contrast, cues, phrase_starts)
    table = {}
    for word in words:
        langs = function_words.get(word, ())
        valences = tuple(lookup.get(word) for lookup in slots)
        flags = (word in counted_negators, word in contrast, cues.get(word, frozenset()), word in phrase_starts)
        table[word] = TokenFeatures(
            vote=langs[0] if len(langs) == 1 else None,
            # The share is computed as LanguageIdentifier computes it, so the sums are the same floats.
            votes=tuple((lang, 1.0 / len(langs)) for lang in langs) if len(langs) > 1 else (),
            valences=valences if any(v is not None for v in valences) else None,
            counted_negator=flags[0],
            contrast=flags[1],
            cues=flags[2],
            starts_phrase=flags[3],
            rare=any(flags),
        )
    return table
