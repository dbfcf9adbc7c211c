"""The brands file: which brands to watch and how to recognise them in text.

Matching is case- and accent-insensitive (see ``fold``) and on word boundaries that also hold
around ``@handles`` and ``#hashtags``. All the terms of all brands (names, aliases, products,
handles, hashtags, topic terms, context terms, exclusions) are compiled into ONE regular
expression, run once per mention: the stream handles thousands of mentions a second.

Ambiguous names (Orange the operator or the fruit, Apple or apples): a brand with
``ambiguous: true`` counts a bare name or alias only when the same text also holds one of its
unambiguous terms (a handle, hashtag or product), one of its ``context`` terms or one of its
topic terms; otherwise the match is dropped. ``exclusions`` always win over a text match.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from streams.errors import ConfigError

MAX_TERMS = 12  # terms shipped per enriched mention: enough for top terms, bounded record size
_HASHTAG = re.compile(r"(?<![\w#])#\w{2,}")


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    """Every code point of a nonzero combining class, to None: what ``str.translate`` deletes (built once, ~0.1 s,
    on the first text that is not ASCII)."""
    return dict.fromkeys(c for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c)))


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Lower case without accents, for case- and accent-insensitive matching."""
    if text.isascii():
        return text.lower()
    # The combining marks dropped in C, where a generator testing each character took twice as long.
    return unicodedata.normalize("NFKD", text.casefold()).translate(_combining_marks())


class BrandsFileError(ConfigError):
    """The brands file cannot be read or does not describe brands; the message names the file and the problem."""


class Role(StrEnum):
    """What a term means for the brand that declares it."""

    NAME = "name"  # names and aliases: ambiguous when the brand says so
    STRONG = "strong"  # handles, hashtags, products: always about the brand
    TOPIC = "topic"
    CONTEXT = "context"
    EXCLUSION = "exclusion"


@dataclass(frozen=True, slots=True)
class Brand:
    id: str
    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    own_accounts: frozenset[str] = frozenset()
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclusions: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    ambiguous: bool = False
    context: tuple[str, ...] = ()
    own_account_ids: frozenset[str] = frozenset()

    @property
    def terms(self) -> tuple[str, ...]:
        return self.names + self.aliases + self.products + self.handles + self.hashtags

    def is_own_account(self, handle: str | None, author_id: str | None = None) -> bool:
        if author_id is not None and author_id in self.own_account_ids:
            return True
        return handle is not None and handle.lstrip("@").casefold() in self.own_accounts

    def roles(self) -> Iterable[tuple[str, Role, str | None]]:
        """(term, role, topic id or None) for every term of the brand."""
        for term in self.names + self.aliases:
            yield term, Role.NAME, None
        for term in self.products + self.handles + self.hashtags:
            yield term, Role.STRONG, None
        for topic, terms in self.topics.items():
            for term in terms:
                yield term, Role.TOPIC, topic
        for term in self.context:
            yield term, Role.CONTEXT, None
        for term in self.exclusions:
            yield term, Role.EXCLUSION, None


_PLURAL_ROLES = (Role.TOPIC, Role.CONTEXT)


@dataclass(slots=True)
class _Found:
    """What the text holds for one brand."""

    names: int = 0
    strong: int = 0
    context: int = 0
    excluded: bool = False
    topics: list[str] = field(default_factory=list)
    topic_terms: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BrandMatch:
    """One brand a text is about, with its topics and the topic terms found."""

    brand_id: str
    topics: tuple[str, ...]
    terms: tuple[str, ...]


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} must be a list of strings")
    return tuple(value)


_ENTRY_KEYS = frozenset({"id", "names", "aliases", "handles", "hashtags", "own_accounts", "own_account_ids", "topics",
                         "exclusions", "products", "ambiguous", "context"})


def _brand_from_entry(entry: dict[str, Any]) -> Brand:
    bid = entry["id"]
    unknown = sorted(map(str, set(entry) - _ENTRY_KEYS))
    if unknown:  # a misspelt key ("handels") would otherwise be ignored without a word
        raise ValueError(f"brand {bid}: unknown key {', '.join(unknown)} (known: {', '.join(sorted(_ENTRY_KEYS))})")
    topics = entry.get("topics") or {}
    if not isinstance(topics, dict):
        raise ValueError(f"{bid}.topics must be a mapping of topic id to terms")
    ambiguous = entry.get("ambiguous", False)
    if not isinstance(ambiguous, bool):
        raise ValueError(f"{bid}.ambiguous must be true or false")
    brand = Brand(
        id=bid,
        names=_strings(entry.get("names"), f"{bid}.names"),
        aliases=_strings(entry.get("aliases"), f"{bid}.aliases"),
        handles=_strings(entry.get("handles"), f"{bid}.handles"),
        hashtags=_strings(entry.get("hashtags"), f"{bid}.hashtags"),
        own_accounts=frozenset(h.lstrip("@").casefold() for h in _strings(entry.get("own_accounts"), "own_accounts")),
        own_account_ids=frozenset(_strings(entry.get("own_account_ids"), f"{bid}.own_account_ids")),
        topics={str(k): _strings(v, f"{bid}.topics.{k}") for k, v in topics.items()},
        exclusions=_strings(entry.get("exclusions"), f"{bid}.exclusions"),
        products=_strings(entry.get("products"), f"{bid}.products"),
        ambiguous=ambiguous,
        context=_strings(entry.get("context"), f"{bid}.context"),
    )
    if not any(fold(term).strip() for term in brand.terms):  # nothing to match it by: no mention would be its
        raise ValueError(f"brand {bid} needs at least one non-empty name, alias, handle, hashtag or product")
    return brand


class BrandCatalog:
    """All configured brands, with one compiled matcher over every term of every brand."""

    def __init__(self, brands: list[Brand]) -> None:
        if not brands:
            raise ValueError("the brands file lists no brand")
        ids = [b.id for b in brands]
        if len(set(ids)) != len(ids):
            raise ValueError(f"brand ids must be unique, got {ids}")
        self.brands = {b.id: b for b in brands}
        # Own account handle (folded) or id -> the brands it speaks for, so owners_of is two look-ups.
        self._accounts: dict[str, set[str]] = {}
        self._account_ids: dict[str, set[str]] = {}
        for brand in brands:
            for handle in brand.own_accounts:
                self._accounts.setdefault(handle, set()).add(brand.id)
            for account_id in brand.own_account_ids:
                self._account_ids.setdefault(account_id, set()).add(brand.id)
        # folded term -> every (brand, role, topic) it stands for: a term may serve several brands.
        self._owners: dict[str, list[tuple[str, Role, str | None]]] = {}
        for brand in brands:
            for term, role, topic in brand.roles():
                folded = fold(term).strip()
                if folded:
                    self._owners.setdefault(folded, []).append((brand.id, role, topic))
        alternatives = sorted(self._owners, key=len, reverse=True)
        # A lookahead at each word start finds overlapping terms ("acme mobile" and "mobile");
        # the negative lookbehind keeps the alternation from being tried inside words. The
        # optional "s"/"x" lets topic and context terms match French and English plurals
        # ("bagages", "delays"); names never do: "apples" is not Apple.
        self._matcher = re.compile(
            r"(?<![\w@#])(?=(" + "|".join(re.escape(t) for t in alternatives) + r")([sx]?)(?!\w))"
        )

    def own_names(self) -> dict[str, tuple[str, ...]]:
        """Brand id -> its names, aliases, products, handles and hashtags: what the detector keeps out of a wave's
        emerging terms (a brand's own name rises with every wave about it)."""
        return {brand_id: brand.terms for brand_id, brand in self.brands.items()}

    @classmethod
    def from_yaml(cls, path: Path | str) -> BrandCatalog:
        """The catalog of a brands file; any problem with the file is a ``BrandsFileError`` naming it."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise BrandsFileError(f"brands file {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise BrandsFileError(f"brands file {path}: not UTF-8 text (byte {exc.start})") from None
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" at line {where.line + 1}" if where is not None else ""
            problem = getattr(exc, "problem", None) or exc
            raise BrandsFileError(f"brands file {path}: not valid YAML{line}: {problem}") from None
        entries = data.get("brands") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise BrandsFileError(f"brands file {path}: expected a top-level 'brands:' list")
        try:
            brands = []
            for i, entry in enumerate(entries):
                if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
                    raise ValueError(f"brand #{i + 1} needs a string 'id'")
                brands.append(_brand_from_entry(entry))
            return cls(brands)
        except ValueError as exc:
            raise BrandsFileError(f"brands file {path}: {exc}") from None

    @property
    def ids(self) -> list[str]:
        return sorted(self.brands)

    def analyse(self, text: str, hint: str | None = None) -> list[BrandMatch]:
        """Brands the text is about, in first-mention order (a known ``hint`` first, and always kept)."""
        found: dict[str, _Found] = {}
        order: list[str] = []
        for m in self._matcher.finditer(fold(text)):
            term, plural = m.group(1), bool(m.group(2))
            for brand_id, role, topic in self._owners[term]:
                if plural and role not in _PLURAL_ROLES:
                    continue
                entry = found.setdefault(brand_id, _Found())
                if role is Role.NAME:
                    entry.names += 1
                elif role is Role.STRONG:
                    entry.strong += 1
                elif role is Role.CONTEXT:
                    entry.context += 1
                elif role is Role.EXCLUSION:
                    entry.excluded = True
                else:
                    entry.context += 1  # a topic term is context too: "Orange" next to "fibre"
                    if topic not in entry.topics:
                        entry.topics.append(topic)  # type: ignore[arg-type]
                    if term not in entry.topic_terms:
                        entry.topic_terms.append(term)
                if role in (Role.NAME, Role.STRONG) and brand_id not in order:
                    order.append(brand_id)
        if hint is not None and hint in self.brands:
            order = [hint] + [b for b in order if b != hint]
        matches = []
        for brand_id in order:
            entry = found.get(brand_id, _Found())
            if brand_id != hint and not self._accepts(self.brands[brand_id], entry):
                continue
            matches.append(BrandMatch(brand_id, tuple(entry.topics), tuple(entry.topic_terms)))
        return matches

    @staticmethod
    def _accepts(brand: Brand, found: _Found) -> bool:
        if found.excluded:
            return False
        if found.strong:
            return True
        return found.names > 0 and (not brand.ambiguous or found.context > 0)

    def match(self, text: str, hint: str | None = None) -> list[str]:
        """Brand ids the text is about, in first-mention order; a known ``hint`` always counts."""
        return [m.brand_id for m in self.analyse(text, hint)]

    def owners_of(self, handle: str | None, author_id: str | None = None) -> list[str]:
        """Brand ids whose own account is ``handle`` (or the author id ``author_id``), in catalog order:
        the brands ``Brand.is_own_account`` says yes for."""
        by_id = self._account_ids.get(author_id, ()) if author_id is not None else ()
        by_handle = self._accounts.get(handle.lstrip("@").casefold(), ()) if handle is not None else ()
        if not by_id and not by_handle:
            return []
        return [brand_id for brand_id in self.brands if brand_id in by_id or brand_id in by_handle]

    def topics(self, brand_id: str, text: str) -> list[str]:
        """Topic ids of ``brand_id`` whose terms the text holds."""
        return list(self._found_for(brand_id, text).topics)

    def _found_for(self, brand_id: str, text: str) -> _Found:
        entry = _Found()
        for m in self._matcher.finditer(fold(text)):
            for owner, role, topic in self._owners[m.group(1)]:
                if owner == brand_id and role is Role.TOPIC and topic not in entry.topics:
                    entry.topics.append(topic)  # type: ignore[arg-type]
        return entry


def hashtags(text: str) -> list[str]:
    """Folded hashtags of a text, in order, without repeats."""
    seen: list[str] = []
    for tag in _HASHTAG.findall(fold(text)):
        if tag not in seen:
            seen.append(tag)
    return seen


def terms_found(match: BrandMatch, brand: Brand, text: str) -> list[str]:
    """Topic terms found plus the text's own hashtags (not the brand's), bounded: the emerging-topic hints."""
    own = {fold(h) for h in brand.hashtags}
    terms = list(match.terms) + [t for t in hashtags(text) if t not in own and t not in match.terms]
    return terms[:MAX_TERMS]
