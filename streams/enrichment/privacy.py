"""Personal data masking: e-mail addresses, phone numbers, payment card and IBAN numbers.

Masked text goes to the enriched and later topics; the raw topic keeps what was received.
Nothing here logs: the caller counts masks by kind (``PiiKind`` is a fixed enum, safe as a
metric label) and never writes the original text anywhere.

Candidates are found by cheap patterns and confirmed by the libraries that know the rules:
``phonenumbers`` (Google's libphonenumber) for phone numbers in the configured regions,
``python-stdnum`` for the Luhn check of card numbers and the ISO 13616 check of IBANs.
Anything inside a link is left alone: a status URL's 19-digit id is not a card number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import phonenumbers
from stdnum import iban, luhn

from streams.enrichment.text import URL, may_hold_url

DEFAULT_PHONE_REGIONS = ("FR", "US", "GB")  # national formats recognised; +<country> numbers always are


class PiiKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    IBAN = "iban"


PLACEHOLDERS = {kind: f"[{kind.value}]" for kind in PiiKind}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
# Two letters, two check digits, then 11 to 30 letters or digits, written compact or in groups of four.
_IBAN = re.compile(
    r"(?<!\w)[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?!\w)", re.IGNORECASE
)
# 13 to 19 digits, possibly in groups split by single spaces or dashes.
_CARD = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w/-])")
# A phone number has at least six digits: texts without such a run skip the slower matcher.
_MAYBE_PHONE = re.compile(r"\d(?:[\s().-]{0,3}\d){5,}")
_DIGIT = re.compile(r"\d")  # what IBANs, card and phone numbers all hold (``\d``: any decimal digit, as above)


@dataclass(frozen=True, slots=True)
class Masked:
    """Masked text and how many items of each kind were masked."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


Span = tuple[int, int, PiiKind]


def _overlaps(start: int, end: int, taken: Sequence[tuple[int, int, object]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end, _ in taken)


class PiiMasker:
    """Pure and thread-safe: one instance for the whole process."""

    def __init__(self, phone_regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> None:
        self.phone_regions = tuple(phone_regions)

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping spans of personal data, in text order."""
        # An e-mail address holds "@", every number a digit: most texts hold neither and skip every pattern.
        has_at, has_digit = "@" in text, _DIGIT.search(text) is not None
        if not has_at and not has_digit:
            return []
        links = URL.finditer(text) if may_hold_url(text) else ()
        taken: list[tuple[int, int, object]] = [(m.start(), m.end(), None) for m in links]
        found: list[Span] = []

        def take(start: int, end: int, kind: PiiKind) -> None:
            if not _overlaps(start, end, taken):
                taken.append((start, end, kind))
                found.append((start, end, kind))

        if has_at:
            for m in _EMAIL.finditer(text):
                take(m.start(), m.end(), PiiKind.EMAIL)
        if not has_digit:
            return sorted(found)
        for m in _IBAN.finditer(text):
            if iban.is_valid(m.group()):
                take(m.start(), m.end(), PiiKind.IBAN)
        # A card number's first six digits are such a run too: without one, there is neither.
        if _MAYBE_PHONE.search(text):
            for m in _CARD.finditer(text):
                if luhn.is_valid(re.sub(r"\D", "", m.group())):
                    take(m.start(), m.end(), PiiKind.CARD)
            for region in self.phone_regions:
                for m in phonenumbers.PhoneNumberMatcher(text, region):
                    take(m.start, m.end, PiiKind.PHONE)
        return sorted(found)

    def mask(self, text: str) -> Masked:
        spans = self.spans(text)
        if not spans:
            return Masked(text)
        parts: list[str] = []
        counts: dict[str, int] = {}
        cursor = 0
        for start, end, kind in spans:
            parts.append(text[cursor:start])
            parts.append(PLACEHOLDERS[kind])
            counts[kind.value] = counts.get(kind.value, 0) + 1
            cursor = end
        parts.append(text[cursor:])
        return Masked("".join(parts), counts)
