"""Normalised text: NFC, placeholders for links and handles, emojis as tokens, elongations squeezed."""

from __future__ import annotations

import unicodedata

import pytest

from streams.enrichment import normalize_text


def test_nfc():
    decomposed = unicodedata.normalize("NFD", "Réseau coupé à Orléans")
    assert decomposed != "Réseau coupé à Orléans"
    assert normalize_text(decomposed) == "Réseau coupé à Orléans"


@pytest.mark.parametrize("text, expected", [
    ("voir https://t.co/Ab12Cd34Ef.", "voir http."),
    ("lien: www.acme.fr/aide?x=1, merci", "lien: http, merci"),
    ("(http://example.com/a_b)", "(http)"),
    ("@acme_support réponds", "@user réponds"),
    ("cc @jdoe@mastodon.social", "cc @user"),
    ("mail a@b.fr reste", "mail a@b.fr reste"),
])
def test_links_and_handles_become_placeholders(text, expected):
    assert normalize_text(text) == expected


def test_emojis_are_kept_as_separate_tokens():
    assert normalize_text("nul😡😡 merci👍🏽") == "nul 😡 😡 merci 👍🏽"
    assert normalize_text("famille 👨‍👩‍👧 ok").split() == ["famille", "👨‍👩‍👧", "ok"]


@pytest.mark.parametrize("text, expected", [
    ("nuuuuul", "nuul"),
    ("sooooo baaad!!!!!", "soo baad!!"),
    ("cool good", "cool good"),
    ("1000000 €", "1000000 €"),
    ("quoi ???", "quoi ??"),
])
def test_elongations_are_squeezed(text, expected):
    assert normalize_text(text) == expected


def test_case_is_kept_and_spaces_collapsed():
    assert normalize_text("  HONTE   à\nvous\t") == "HONTE à vous"
