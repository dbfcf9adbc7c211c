"""The brand's own conduct in public: what its accounts post, and what they should not.

Two rules of community management the crowd's signals cannot see:

- never ask a customer for personal data (an e-mail address, a phone, order, booking, account or card number, a
  postal address, a password) in public: move to private messages. A post from one of the brand's accounts that
  does raises an alert quoting it (``personal_data_request``); one that points to private messages raises nothing;
- during a wave, say publicly that the problem is being handled. Every snowball alert tells whether the brand has
  spoken since the episode began (``voice``), and a warning or critical episode with no public word from the brand
  for ``brand_silence_ms`` raises an alert until the brand speaks or the wave calms down (``silence``).

Pure: the text rules are regular expressions over the post (French and English), the rest reads the brand state.
"""

from __future__ import annotations

import re

from streams.detection.config import DetectorConfig
from streams.detection.state import BrandState, SilenceAlert
from streams.models import Alert, AlertKind, ClassifiedMention, Severity
from streams.timeunits import MINUTE_MS

# What a request may ask for, each with the words that name it (English, then French).
_DATA = {
    "an e-mail address": r"e-?mail(?:\s+address)?|adresse\s+(?:e-?mail|mail|[ée]lectronique)|courriel|mail",
    "a phone number": r"(?:tele)?phone(?:\s+number)?|mobile(?:\s+number)?|cell(?:\s+number)?|contact\s+number"
                      r"|num[ée]ro\s+de\s+(?:t[ée]l[ée]phone|portable|mobile)|t[ée]l[ée]phone|portable",
    "an order, booking or account number": r"(?:order|booking|reservation|confirmation|account|customer|ticket|"
                                           r"tracking|membership|loyalty)\s+(?:number|no\.?|#|id|ref(?:erence)?|"
                                           r"code|details)"
                                           r"|num[ée]ro\s+(?:de\s+|d')?(?:commande|client|dossier|r[ée]servation|"
                                           r"compte|contrat|ligne|colis|suivi|billet|abonn[ée])"
                                           r"|n[°o]\s*(?:de\s+)?(?:commande|client|dossier|r[ée]servation)"
                                           r"|r[ée]f[ée]rence\s+(?:de\s+)?(?:commande|dossier|r[ée]servation)",
    "a card number": r"(?:credit|debit|bank)?\s*card\s+(?:number|details)|credit\s+card|iban|rib"
                     r"|num[ée]ro\s+de\s+carte(?:\s+bancaire)?|carte\s+bancaire|coordonn[ée]es\s+bancaires",
    "a postal address": r"(?:home|postal|mailing|street|delivery)\s+address|address|adresse(?:\s+postale)?",
    "a password": r"password|passcode|pin(?:\s+code)?|mot\s+de\s+passe|code\s+(?:pin|secret|confidentiel)",
}
_DATA_RE = {kind: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for kind, words in _DATA.items()}
_ANY_DATA = "|".join(f"(?:{words})" for words in _DATA.values())
_OWNER = r"(?:your|ur|yr|the|votre|vos|ton|ta|tes|le|la|l')"
# A request: a verb of giving (or "what is", "quel est") then, within a few words, the customer's data.
_REQUEST = re.compile(
    r"\b(?:send|give|share|provide|reply|respond|post|tell|leave|drop|include|confirm|put|write|type|add|"
    r"let\s+us\s+(?:know|have)|(?:can|could|may)\s+(?:we|i)\s+(?:get|have|take)|need|what(?:'s|\s+is|\s+was|\s+are)|"
    r"envoy|donn|indiqu|communiqu|transmett|pr[ée]cis|partag|laiss|[ée]cri|renseign|fourni|r[ée]pond|confirm|mett|"
    r"rappel|quel(?:le)?s?\s+(?:est|sont))\w*"
    rf"(?:[^.!?\n]{{0,40}}?)\b{_OWNER}\s*(?:\w+\s+){{0,2}}?(?:{_ANY_DATA})\b",
    re.IGNORECASE,
)
# Pointing to a private channel: the request is not public.
_PRIVATE = re.compile(
    r"\b(?:dms?|dm'?ing|direct\s+messages?|private\s+messages?|privately|pms?|inbox|message\s+us|"
    r"in\s+private|contact\s+form|secure\s+form|web\s?form|"
    r"mp|messages?\s+priv[ée]s?|messagerie(?:\s+priv[ée]e)?|en\s+priv[ée]|formulaire)\b",
    re.IGNORECASE,
)
# Telling customers not to share, or that the brand never asks: a warning, not a request.
_NOT_A_REQUEST = re.compile(
    r"\b(?:never|don'?t|do\s+not|please\s+don'?t|shouldn'?t|should\s+not|won'?t|will\s+not|avoid|jamais|"
    r"(?:ne|n')\s*(?:nous\s+|vous\s+|les\s+|la\s+|le\s+)*(?:communiqu|partag|envoy|donn|transmett|demand|publi|"
    r"divulgu|indiqu)\w*\s+(?:pas|jamais|aucun))\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")


def personal_data_request(text: str) -> list[str]:
    """What a brand's public post asks a customer for, in public (none when it points to private messages or
    warns not to share): e.g. ["an order, booking or account number"]."""
    if _PRIVATE.search(text):
        return []
    asked: list[str] = []
    for sentence in _SENTENCES.findall(text):
        if _NOT_A_REQUEST.search(sentence):
            continue
        request = _REQUEST.search(sentence)
        if request is None:
            continue
        rest = sentence[request.start():]  # "your phone number and the card number": every kind named after it
        found = []
        for kind, pattern in _DATA_RE.items():  # most specific first: "e-mail address" is not a postal address
            first = pattern.search(rest)
            if first is not None:
                found.append((first.start(), kind))
                rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)  # the same length: positions hold
        asked += [kind for _, kind in sorted(found) if kind not in asked]
    return asked


def brand_post(state: BrandState, cm: ClassifiedMention, brand_id: str, cfg: DetectorConfig) -> list[Alert]:
    """A public post or reply from one of the brand's accounts: the brand has spoken (an open silence alert
    resolves), and a request for personal data in it alerts."""
    m = cm.mention
    t = m.created_at
    posts = state.brand_posts
    posts.append(t)
    if len(posts) > cfg.max_brand_posts:
        del posts[: len(posts) - cfg.max_brand_posts]
    alerts = []
    silent = state.silence_alert
    if silent is not None:
        state.silence_alert = None
        alerts.append(_silence_alert(brand_id, silent, Severity.RESOLVED, t, state, "the brand spoke in public"))
    asked = personal_data_request(m.text)
    if asked:
        state.stats["personal_data_requests"] += 1
        who = (m.author.handle or m.author.id) if m.author else "a brand account"
        quoted = " ".join(m.text.split())
        alerts.append(Alert(
            alert_id=f"{brand_id}:personal_data:{m.id}", kind=AlertKind.PERSONAL_DATA_REQUEST, brand_id=brand_id,
            severity=Severity.WARNING, opened_at=t, event_time=t, score=float(len(asked)),
            summary=f"{brand_id}: {who} asked a customer for {' and '.join(asked)} in public: \"{_clip(quoted)}\"",
            signals={"data_kinds": float(len(asked))},
            reasons=[f"a public reply asks for {kind}" for kind in asked]
            + ["move the conversation to private messages: ask the customer to send it by DM, and edit or delete "
               "the public reply (anyone can read what they post there)"],
            mention_ids=[m.id, *([m.in_reply_to_id] if m.in_reply_to_id else [])],
            author_id=m.author.id if m.author else None,
        ))
    return alerts


def voice(state: BrandState, since: int) -> tuple[int, int | None]:
    """(the brand's public posts and replies since ``since``, the time of its latest one, if any)."""
    posts = [t for t in state.brand_posts if t >= since]
    return len(posts), (max(posts) if posts else None)


def silence(state: BrandState, brand_id: str, now: int, cfg: DetectorConfig) -> list[Alert]:
    """At an evaluation: a warning or critical episode with no public word from the brand for ``brand_silence_ms``
    (since the episode began or the brand's last post) alerts; the alert resolves when the wave does."""
    episode, alert = state.episode, state.silence_alert
    if episode is None:
        if alert is None:
            return []
        state.silence_alert = None
        return [_silence_alert(brand_id, alert, Severity.RESOLVED, now, state, "the wave has calmed down")]
    if alert is not None or episode.severity == "watch":
        return []
    _, last = voice(state, episode.opened)
    quiet_since = last if last is not None else episode.opened
    if now - quiet_since < cfg.brand_silence_ms:
        return []
    alert = state.silence_alert = SilenceAlert(f"{brand_id}:brand_silence:{now}", now)
    return [_silence_alert(brand_id, alert, Severity.WARNING, now, state, "")]


def _silence_alert(brand_id: str, alert: SilenceAlert, severity: Severity, now: int, state: BrandState,
                   why: str) -> Alert:
    episode = state.episode
    since = episode.opened if episode is not None else alert.opened
    count, last = voice(state, since)
    quiet_min = (now - (last if last is not None else since)) / MINUTE_MS
    if severity is Severity.RESOLVED:
        summary, reasons = f"{brand_id}: {why}", [why]
    else:
        since = "since the negative wave began" if last is None else "since its last public post"
        summary = (f"{brand_id}: no public word from the brand for {quiet_min:.0f} min during a {episode.severity} "
                   f"wave: say publicly that the problem is being handled")
        reasons = [f"the brand has not posted or replied in public {since} ({quiet_min:.0f} min)",
                   "a short public message (we know, we are on it, next update at ...) stops the crowd filling the "
                   "silence; answer individual cases in private"]
    return Alert(
        alert_id=alert.id, kind=AlertKind.BRAND_SILENCE, brand_id=brand_id, severity=severity,
        opened_at=alert.opened, event_time=now, topic=episode.topic if episode else None,
        score=round(quiet_min, 1), summary=summary,
        signals={"minutes_silent": round(quiet_min, 1), "brand_posts_since_open": float(count)},
        reasons=reasons, mention_ids=[],
    )


def _clip(text: str, width: int = 140) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
