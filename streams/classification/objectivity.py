"""Cues that a mention reports or asks rather than judges, so its sentiment words weigh less.

"Shares crash after the earnings call" and "Apple unveils a killer new phone" hold strong words but
no opinion of the writer; "is the new update good?" asks. The rule model scales such a mention's compound down,
so only a clear opinion still makes it polar. The cue lists are Snowball's own (Apache-2.0), general words of news,
announcements and reported speech, not words of any evaluation set; docs/classification.md gives each cue's
effect on every shared set.
"""

from __future__ import annotations

import re

QUESTION_FACTOR = 0.6  # a question without an exclamation mark
REPORTED_FACTOR = 0.7  # reported speech and announcements: says, according to, unveils, annonce, selon...
MARKET_FACTOR = 0.4  # a $TICKER or market words: "shares plunge" is a price move, not a complaint

REPORTED = frozenset(
    "says said say reports reported reportedly according claims claimed announces announced announcement unveils "
    "unveiled launches launched releases released rumor rumour rumors rumours headline breaking "
    "dit disent declare affirme affirment selon annonce annoncent devoile lance lancent rapporte communique".split()
)
MARKET = frozenset(
    "shares stock stocks earnings revenue revenues quarterly analyst analysts investors investor nasdaq nyse "
    "dividend ipo valuation premarket downgrade downgraded upgrade upgraded "
    "bourse actionnaires investisseurs dividende cotation".split()
)
_TICKER = re.compile(r"\$[A-Za-z]{1,5}\b")


def objectivity_factor(text: str, folded: list[str]) -> float:
    """How much of a mention's compound is the writer's own opinion: 1.0 unless a cue above says otherwise.

    A bare link is no cue: French tweets share links with their own opinion as often as not (a rule that made
    "a link without a first or second person" neutral cost 0.012 macro-F1 on deft2017 for 0.003 elsewhere)."""
    factor = 1.0
    exclaims = "!" in text
    if "?" in text and not exclaims:
        factor *= QUESTION_FACTOR
    if not REPORTED.isdisjoint(folded):
        factor *= REPORTED_FACTOR
    if not MARKET.isdisjoint(folded) or ("$" in text and _TICKER.search(text)):
        factor *= MARKET_FACTOR
    return factor
