"""Personal data masking: e-mails, phone numbers, card (Luhn) and IBAN numbers."""

from __future__ import annotations

import pytest

from streams.enrichment import PiiKind, PiiMasker


@pytest.fixture(scope="module")
def masker() -> PiiMasker:
    return PiiMasker()


@pytest.mark.parametrize("text, masked, kind", [
    ("écrivez à jean.dupont+sav@gmail.com svp", "écrivez à [email] svp", "email"),
    ("appelez le 06 12 34 56 78 !", "appelez le [phone] !", "phone"),
    ("call +44 20 7946 0958 now", "call [phone] now", "phone"),
    ("US: (212) 555-0199", "US: [phone]", "phone"),
    ("carte 4970 1012 3456 7893 débitée", "carte [card] débitée", "card"),
    ("card 4111-1111-1111-1111", "card [card]", "card"),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "IBAN [iban] merci", "iban"),
    ("iban gb82west12345698765432.", "iban [iban].", "iban"),
])
def test_each_kind_is_masked_and_counted(masker, text, masked, kind):
    result = masker.mask(text)
    assert result.text == masked
    assert result.counts == {kind: 1}
    assert result.total == 1


@pytest.mark.parametrize("text", [
    "commande 123456789, prix 1 299 €, le 12/03/2024 à 14:30",
    "carte 4970 1012 3456 7890 (bad Luhn)",
    "IBAN FR76 3000 6000 0112 3456 7890 180 (bad check digits)",
    "version 2.4.1, 5G, 4K",
])
def test_numbers_that_are_not_personal_data_stay(masker, text):
    result = masker.mask(text)
    assert result.text == text and result.total == 0


def test_numbers_inside_links_are_not_masked(masker):
    # A status id can pass the Luhn check; it is part of a link, not a card number.
    result = masker.mask("https://x.com/a/status/4111111111111111 et 4111111111111111")
    assert result.text == "https://x.com/a/status/4111111111111111 et [card]"


def test_several_kinds_in_one_text(masker):
    result = masker.mask("Moi: a@b.fr, 06 12 34 56 78, b@c.org")
    assert result.text == "Moi: [email], [phone], [email]"
    assert result.counts == {"email": 2, "phone": 1}


def test_kinds_are_a_fixed_enum():
    assert [k.value for k in PiiKind] == ["email", "phone", "card", "iban"]


def test_phone_regions_are_configurable():
    assert PiiMasker(phone_regions=("FR",)).mask("(212) 555-0199").total == 0
