"""Normalised text for the classifier and the near-duplicate fingerprint; the original text is kept apart.

The placeholders are those the Twitter-trained multilingual sentiment models expect
(``@user`` for any handle, ``http`` for any link), so a model of issue #4 reads this text as it
was trained on. Case is kept: cased models use it ("NUL" shouts louder than "nul").
"""

from __future__ import annotations

import re
import unicodedata

import emoji

USER_PLACEHOLDER = "@user"
URL_PLACEHOLDER = "http"

# Links with a scheme or a bare "www."; trailing punctuation belongs to the sentence, not the link.
URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"]+?(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE)
# @handle, and the Mastodon form @handle@instance.social.
HANDLE = re.compile(r"(?<![\w@])@\w+(?:@[\w-]+(?:\.[\w-]+)+)?")
# Three or more of the same letter or of ! ? become two: "nuuuul" -> "nuul", "cool" stays "cool".
_ELONGATION = re.compile(r"([^\W\d_]|[!?])\1{2,}")
# Any character three times in a row: what an elongation needs, found several times faster (no alternation).
_TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)
# Every emoji holds a character of these blocks; most texts have none and skip the slower tokenizer.
_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff]")


def _emoji_token(chars: str, _data: dict) -> str:
    return f" {chars} "


def may_hold_url(text: str) -> bool:
    """False only when ``URL`` cannot match: a link needs "://" or "www." (any case: only "w" and "W" fold to
    "w"). A substring test is much cheaper than the pattern's scan, and most texts hold no link."""
    return "://" in text or "w." in text or "W." in text


def normalize_text(text: str) -> str:
    """NFC, links and handles as placeholders, each emoji its own token, elongations squeezed, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    if may_hold_url(text):
        text = URL.sub(URL_PLACEHOLDER, text)
    if "@" in text:  # what every handle starts with
        text = HANDLE.sub(USER_PLACEHOLDER, text)
    if _MAYBE_EMOJI.search(text):
        text = emoji.replace_emoji(text, replace=_emoji_token)
    if _TRIPLE.search(text):
        text = _ELONGATION.sub(r"\1\1", text)
    # str.split() splits on what ``\s`` matches (both are str.isspace()): the runs collapsed, the ends stripped.
    return " ".join(text.split())
