"""Intent tags of a mention, from French and English cue words and phrases (Snowball's own lists)."""

from __future__ import annotations

from streams.models import Sentiment

COMPLAINT, QUESTION, PRAISE, INSULT, CRISIS, URGENT = "complaint", "question", "praise", "insult", "crisis", "urgent"
INTENTS = (COMPLAINT, QUESTION, PRAISE, INSULT, CRISIS, URGENT)
_INTENT_ORDER = {intent: rank for rank, intent in enumerate(INTENTS)}

# Matched on folded tokens (lower case, no accents, '#' removed).
_WORDS: dict[str, frozenset[str]] = {
    COMPLAINT: frozenset(
        "complaint complain complaining refund delayed delay cancelled canceled broken outage stuck stranded lost "
        "overbooked overcharged charged unresolved rude unhelpful waiting "
        "plainte reclamation reclamer remboursement rembourser remboursez panne retard annule annulee bloque "
        "bloquee perdu perdue attente injoignable facture facturation sav litige".split()
    ),
    INSULT: frozenset(
        "idiot idiots stupid morons moron clowns clown incompetent incompetents losers loser pathetic fuck fucking "
        "fucked shit crap bullshit sucks suck dumb jerks scum trash garbage "
        "connard connards con cons abrutis abruti incompetent nuls bouffons bouffon guignols escrocs escroc voleurs "
        "merde putain debiles debile minables minable cretins cretin batards encules".split()
    ),
    CRISIS: frozenset(
        "boycott boycotting boycotter boycottez scam scammed scandal scandalous lawsuit lawyer lawyers attorney sue "
        "suing fraud ripoff refund complaint "
        "arnaque arnaques arnaqueurs scandale scandaleux scandaleuse plainte remboursement avocat avocats tribunal "
        "proces escroquerie dgccrf".split()
    ),
    URGENT: frozenset(
        "urgent urgently asap emergency immediately sos urgence urgemment immediatement".split()
    ),
    PRAISE: frozenset(
        "thanks thank thx ty love loved awesome amazing great excellent kudos bravo perfect best fantastic "
        "merci genial geniale super top parfait parfaite excellent felicitations adore chapeau formidable".split()
    ),
}
_PHRASES: dict[str, tuple[str, ...]] = {
    COMPLAINT: ("customer service", "on hold", "still waiting", "no response", "never received", "not working",
                "doesn t work", "doesnt work", "don t work", "service client", "toujours pas", "marche pas",
                "fonctionne pas",
                "aucune reponse", "pas de reponse", "jamais recu"),
    CRISIS: ("class action", "legal action", "rip off", "action collective", "action de groupe", "porter plainte",
             "mise en demeure", "ufc que choisir"),
    URGENT: ("right now", "right away", "need help now", "tout de suite", "au plus vite", "au secours",
             "des que possible", "aidez moi"),
}
# Phrases indexed by their first word: one dictionary look-up per token finds every candidate.
_PHRASE_INDEX: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _intent, _phrases in _PHRASES.items():
    for _phrase in _phrases:
        _words = tuple(_phrase.split())
        _PHRASE_INDEX.setdefault(_words[0], []).append((_words, _intent))
# A mention that opens with one of these asks something even without a question mark.
_QUESTION_OPENERS = frozenset(
    "how why when where what who can could is do are will pourquoi comment quand ou qui est pouvez".split()
)


# Every cue word (and its #hashtag) -> the intents it signals, so one look-up per token finds them all.
_CUES: dict[str, frozenset[str]] = {}
for _intent, _cue_words in _WORDS.items():
    for _word in _cue_words:
        for _key in (_word, "#" + _word):
            _CUES[_key] = _CUES.get(_key, frozenset()) | {_intent}


CUES: dict[str, frozenset[str]] = _CUES
PHRASE_STARTS = frozenset(_PHRASE_INDEX)


def tag(folded: list[str], text: str, sentiment: Sentiment, sarcasm: bool) -> list[str]:
    """The intents of one mention, in INTENTS order."""
    cue_sets = [c for w in folded if (c := _CUES.get(w)) is not None]
    phrase_at = [i for i, w in enumerate(folded) if w in _PHRASE_INDEX]
    return tag_cues(cue_sets, phrase_at, folded, text, sentiment, sarcasm)


def tag_cues(cue_sets: list[frozenset[str]], phrase_at: list[int], folded: list[str], text: str,
             sentiment: Sentiment, sarcasm: bool) -> list[str]:
    """``tag`` once the caller has looked up each token's CUES and where the PHRASE_STARTS words are."""
    asks = "?" in text or _first_word(folded) in _QUESTION_OPENERS
    if not cue_sets and not phrase_at:
        return [QUESTION] if asks else []  # most mentions: no cue word at all
    found: set[str] = set().union(*cue_sets)
    for i in phrase_at:
        for phrase, intent in _PHRASE_INDEX[folded[i]]:
            if tuple(folded[i : i + len(phrase)]) == phrase:
                found.add(intent)
    if asks:
        found.add(QUESTION)
    if PRAISE in found and (sentiment is not Sentiment.POSITIVE or sarcasm):
        found.discard(PRAISE)  # "thanks for nothing" is no praise
    if COMPLAINT in found and sentiment is Sentiment.POSITIVE:
        found.discard(COMPLAINT)  # "refund came fast, thanks!" is no complaint
    return sorted(found, key=_INTENT_ORDER.__getitem__)


def _first_word(folded: list[str]) -> str:
    """The first token that is not an @handle (tokens are never empty)."""
    for word in folded:
        if word[0] != "@":
            return word
    return ""
