"""The brand's own conduct: personal data asked for in public, and its voice during a wave (conduct.py)."""

from __future__ import annotations

import pytest

from streams.detection import SnowballDetector
from streams.detection.conduct import personal_data_request
from streams.models import AlertKind, Severity
from tests.detection.helpers import HOUR, MIN, T0, background, cm, run

EMAIL, PHONE, ORDER = "an e-mail address", "a phone number", "an order, booking or account number"
CARD, ADDRESS, PASSWORD = "a card number", "a postal address", "a password"


@pytest.mark.parametrize(("reply", "asked"), [
    # English, as support accounts write them.
    ("@jo Sorry to hear that! Reply here with your email and we'll sort it out.", [EMAIL]),
    ("@jo Hi Jo, what is your booking reference? We'll check the flight.", [ORDER]),
    ("@sam Can you confirm your phone number and the card number you used?", [PHONE, CARD]),
    ("@kim Please reply with your full postal address so we can resend the parcel.", [ADDRESS]),
    ("@lee Sorry! Please send us your order number and your email address.", [ORDER, EMAIL]),
    ("@max To reset it we need your password, can you post it here?", [PASSWORD]),
    # French.
    ("@marie Envoyez-nous votre numéro de commande, on regarde ça !", [ORDER]),
    ("@paul Pouvez-vous nous indiquer votre adresse e-mail ici ?", [EMAIL]),
    ("@lea N'hésitez pas à nous communiquer votre numéro de client, nous vérifions.", [ORDER]),
    ("@tom Quel est votre numéro de téléphone ? Un conseiller vous rappelle.", [PHONE]),
    ("@ines Bonjour, donnez-nous votre adresse postale et votre numéro de carte bancaire.", [ADDRESS, CARD]),
])
def test_a_public_request_for_personal_data_is_recognised_in_both_languages(reply, asked):
    assert personal_data_request(reply) == asked


@pytest.mark.parametrize("reply", [
    # Pointing to private messages: the right move.
    "@jo DM us your order number and we will look into it.",
    "@jo Could you send us a DM with your booking reference please?",
    "@jo Please send your email address via private message.",
    "@marie Pouvez-vous nous écrire en MP avec votre numéro de dossier ?",
    "@marie Envoyez-nous votre numéro de commande en message privé, on regarde.",
    "@marie Merci de nous transmettre votre adresse e-mail via le formulaire de contact.",
    # Near misses: warnings, mentions of data without asking for it.
    "@sam We will never ask for your password. Please do not share your card details publicly.",
    "@sam Please check your email for the confirmation.",
    "@sam Thanks for sharing your feedback, we have passed it on.",
    "@lea Ne communiquez jamais votre mot de passe, même à nos conseillers.",
    "@lea Nous ne vous demanderons jamais votre mot de passe.",
    "@lea Votre numéro de commande figure dans l'e-mail de confirmation.",
    "@lea Un conseiller vous rappelle au numéro enregistré sur votre compte.",
])
def test_replies_that_point_to_private_messages_or_warn_ask_for_nothing(reply):
    assert personal_data_request(reply) == []


def _support(mid, t, text, reply_to="c1"):
    return cm(mid, t, author="acme_support", negative=False, brand_account=True, in_reply_to_id=reply_to, text=text)


def test_a_brand_reply_asking_for_data_in_public_alerts_quoting_it_and_one_pointing_to_dms_does_not():
    det = SnowballDetector()
    state, _ = run(det, [cm("c1", T0, author="cust", intents=["complaint"])])
    state, alerts = run(det, [_support("r1", T0 + 5 * MIN, "@cust Envoyez-nous votre numéro de commande ici !")],
                        state)
    asked = [a for a in alerts if a.kind is AlertKind.PERSONAL_DATA_REQUEST]
    assert len(asked) == 1 and asked[0].severity is Severity.WARNING
    assert "Envoyez-nous votre numéro de commande ici" in asked[0].summary  # the reply, quoted
    assert any("private messages" in r for r in asked[0].reasons)
    assert asked[0].mention_ids == ["r1", "c1"] and asked[0].author_id == "acme_support"
    state, alerts = run(det, [_support("r2", T0 + 6 * MIN, "@cust Sorry! DM us your order number.")], state)
    assert not [a for a in alerts if a.kind is AlertKind.PERSONAL_DATA_REQUEST]
    assert det.stats(state)["personal_data_requests"] == 1


def _wave(start, minutes, per_min=2, prefix="w"):
    return [cm(f"{prefix}{i}-{j}", start + i * MIN + j * 20_000, author=f"{prefix}-voice{i}-{j}",
               text=f"outage {i} {j} still down, refund now")
            for i in range(minutes) for j in range(per_min)]


def _episode_alerts(alerts, kind):
    return [a for a in alerts if a.kind is kind]


def test_a_wave_the_brand_stays_silent_through_alerts_the_community_managers_until_the_brand_speaks():
    det = SnowballDetector()
    state, _ = run(det, background(10))
    state, alerts = run(det, _wave(T0 + 10 * HOUR, 90), state)
    snowball = _episode_alerts(alerts, AlertKind.SNOWBALL)
    assert snowball and any(a.severity.rank >= Severity.WARNING.rank for a in snowball)
    silent = _episode_alerts(alerts, AlertKind.BRAND_SILENCE)
    assert len(silent) == 1 and silent[0].severity is Severity.WARNING
    assert silent[0].event_time - snowball[0].opened_at >= det.config.brand_silence_ms  # 60 min, not before
    assert "say publicly" in silent[0].summary
    assert all(a.signals["brand_posts_since_open"] == 0 for a in snowball)
    assert any(r.startswith("brand voice: no public word") for r in snowball[-1].reasons)
    # The brand speaks: the silence alert resolves, and the next snowball update says so.
    spoke = cm("post", T0 + 11 * HOUR + 31 * MIN, author="acme_support", negative=False, brand_account=True,
               text="We know about the outage and are on it, next update at 13:00.")
    state, alerts = run(det, [spoke, *_wave(T0 + 11 * HOUR + 32 * MIN, 40, prefix="x")], state)
    resolved = _episode_alerts(alerts, AlertKind.BRAND_SILENCE)
    assert [a.severity for a in resolved][:1] == [Severity.RESOLVED] and resolved[0].alert_id == silent[0].alert_id
    updates = _episode_alerts(alerts, AlertKind.SNOWBALL)
    assert updates and updates[-1].signals["brand_posts_since_open"] == 1
    assert any(r.startswith("brand voice: 1 public post") for r in updates[-1].reasons)


def test_a_brand_that_speaks_during_the_wave_gets_no_silence_alert():
    det = SnowballDetector()
    state, _ = run(det, background(10))
    wave = _wave(T0 + 10 * HOUR, 90)
    posts = [cm(f"p{k}", T0 + 10 * HOUR + k * 25 * MIN, author="acme_support", negative=False, brand_account=True,
                text="Nous savons, nos équipes sont mobilisées, prochain point dans 30 minutes.") for k in range(4)]
    state, alerts = run(det, sorted(wave + posts, key=lambda m: m.mention.created_at), state)
    snowball = _episode_alerts(alerts, AlertKind.SNOWBALL)
    # The same wave as above: warning or worse for longer than the silence it would take to alert.
    assert any(a.severity.rank >= Severity.WARNING.rank for a in snowball)
    assert snowball[-1].event_time - snowball[0].opened_at > det.config.brand_silence_ms
    assert not _episode_alerts(alerts, AlertKind.BRAND_SILENCE)
    assert snowball[-1].signals["brand_posts_since_open"] >= 1
