"""The brands file: which brands to watch and how to recognise them in text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def fold(text: str) -> str:
    """Lower case without accents, for case- and accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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

    @property
    def terms(self) -> tuple[str, ...]:
        return self.names + self.aliases + self.handles + self.hashtags

    def is_own_account(self, handle: str | None) -> bool:
        return handle is not None and handle.lstrip("@").casefold() in self.own_accounts


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} must be a list of strings")
    return tuple(value)


class BrandCatalog:
    """All configured brands, with a compiled matcher over their names, handles and hashtags."""

    def __init__(self, brands: list[Brand]) -> None:
        if not brands:
            raise ValueError("the brands file lists no brand")
        ids = [b.id for b in brands]
        if len(set(ids)) != len(ids):
            raise ValueError(f"brand ids must be unique, got {ids}")
        self.brands = {b.id: b for b in brands}
        self._term_owner: dict[str, str] = {}
        for brand in brands:
            for term in brand.terms:
                self._term_owner[fold(term)] = brand.id
        alternatives = sorted(self._term_owner, key=len, reverse=True)
        # Word boundaries that also work around @handles and #hashtags.
        self._matcher = re.compile(
            r"(?<![\w@#])(" + "|".join(re.escape(t) for t in alternatives) + r")(?!\w)"
        )
        self._exclusions = {
            b.id: re.compile("|".join(re.escape(fold(x)) for x in b.exclusions)) for b in brands if b.exclusions
        }
        self._topic_terms = {
            b.id: [(topic, re.compile(r"(?<!\w)(" + "|".join(re.escape(fold(t)) for t in terms) + r")(?!\w)"))
                   for topic, terms in b.topics.items() if terms]
            for b in brands
        }

    @classmethod
    def from_yaml(cls, path: Path | str) -> BrandCatalog:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        entries = data.get("brands") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ValueError(f"{path}: expected a top-level 'brands:' list")
        brands = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise ValueError(f"{path}: brand #{i + 1} needs a string 'id'")
            topics = entry.get("topics") or {}
            brands.append(
                Brand(
                    id=entry["id"],
                    names=_strings(entry.get("names"), f"{entry['id']}.names"),
                    aliases=_strings(entry.get("aliases"), f"{entry['id']}.aliases"),
                    handles=_strings(entry.get("handles"), f"{entry['id']}.handles"),
                    hashtags=_strings(entry.get("hashtags"), f"{entry['id']}.hashtags"),
                    own_accounts=frozenset(
                        h.lstrip("@").casefold() for h in _strings(entry.get("own_accounts"), "own_accounts")
                    ),
                    topics={str(k): _strings(v, f"{entry['id']}.topics.{k}") for k, v in topics.items()},
                    exclusions=_strings(entry.get("exclusions"), f"{entry['id']}.exclusions"),
                )
            )
        return cls(brands)

    @property
    def ids(self) -> list[str]:
        return sorted(self.brands)

    def match(self, text: str, hint: str | None = None) -> list[str]:
        """Brand ids the text is about, in first-mention order; a known ``hint`` always counts."""
        folded = fold(text)
        found: list[str] = []
        if hint is not None and hint in self.brands:
            found.append(hint)
        for m in self._matcher.finditer(folded):
            brand_id = self._term_owner[m.group(1)]
            if brand_id not in found:
                found.append(brand_id)
        return [b for b in found if b == hint or not self._excluded(b, folded)]

    def owners_of(self, handle: str | None) -> list[str]:
        """Brand ids whose own account ``handle`` is."""
        return [b.id for b in self.brands.values() if b.is_own_account(handle)]

    def _excluded(self, brand_id: str, folded: str) -> bool:
        pattern = self._exclusions.get(brand_id)
        return pattern is not None and pattern.search(folded) is not None

    def topics(self, brand_id: str, text: str) -> list[str]:
        folded = fold(text)
        return [topic for topic, pattern in self._topic_terms.get(brand_id, []) if pattern.search(folded)]
