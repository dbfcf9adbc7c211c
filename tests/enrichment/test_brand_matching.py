"""Brand and topic matching: case, accents, word boundaries, ambiguity, exclusions, several brands."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.enrichment import BrandCatalog
from streams.enrichment.brands import BrandsFileError, terms_found
from streams.settings import DEFAULT_BRANDS_FILE

AMBIGUOUS = Path(__file__).parent / "ambiguous_brands.yaml"


@pytest.fixture(scope="module")
def sample() -> BrandCatalog:
    return BrandCatalog.from_yaml(DEFAULT_BRANDS_FILE)


@pytest.fixture(scope="module")
def ambiguous() -> BrandCatalog:
    return BrandCatalog.from_yaml(AMBIGUOUS)


def test_sample_brands_keep_their_ids_and_handles(sample):
    assert sample.ids == ["acme", "globex"]
    assert "@acme_support" in sample.brands["acme"].handles
    assert "@globexair" in sample.brands["globex"].handles


@pytest.mark.parametrize("text", ["ACME a encore planté", "acmé en panne", "Merci @Acme_Support", "#AcmeTelecom down",
                                  "chez acme, rien", "AcmeTel nul"])
def test_case_and_accent_insensitive_names_handles_hashtags(sample, text):
    assert sample.match(text) == ["acme"]


@pytest.mark.parametrize("text", ["acmeville is nice", "my@acme.com", "subacme", "#acmesque", "x_acme"])
def test_word_boundaries(sample, text):
    assert sample.match(text) == []


def test_several_brands_in_first_mention_order(sample):
    assert sample.match("Globex Air a perdu ma valise, et Acme n'a pas de réseau à l'aéroport") == ["globex", "acme"]


def test_hint_always_counts_and_comes_first(sample):
    assert sample.match("rien à voir", hint="globex") == ["globex"]
    assert sample.match("Acme en panne", hint="globex") == ["globex", "acme"]
    assert sample.match("Acme en panne", hint="unknown-brand") == ["acme"]


def test_exclusion_terms_drop_the_brand(sample):
    assert sample.match("Wile E. Coyote orders from Acme again") == []


def test_ambiguous_name_needs_context(ambiguous):
    assert ambiguous.match("J'ai mangé une orange ce matin") == []
    assert ambiguous.match("an apple a day keeps the doctor away") == []
    assert ambiguous.match("I love apples and oranges") == []
    assert ambiguous.match("Orange coupe encore la fibre, 3e panne ce mois-ci") == ["orange"]
    assert ambiguous.match("Mon forfait Orange a doublé") == ["orange"]
    assert ambiguous.match("Apple support never answers") == ["apple"]


def test_ambiguous_brand_counts_with_a_handle_hashtag_or_product(ambiguous):
    assert ambiguous.match("@orange pourquoi ?") == ["orange"]
    assert ambiguous.match("ma Livebox clignote") == ["orange"]
    assert ambiguous.match("mon iPhone chauffe") == ["apple"]
    assert ambiguous.match("#apple") == ["apple"]


def test_exclusion_beats_context(ambiguous):
    assert ambiguous.match("Orange mécanique, le film, passe sur le réseau câblé") == []
    assert ambiguous.match("un jus d'orange au client") == []


def test_overlapping_terms_are_all_found(ambiguous):
    # "Acme Mobile" is a brand alias and "mobile" a topic term of the same brand.
    (match,) = ambiguous.analyse("Acme Mobile en rade")
    assert match.brand_id == "acme" and match.topics == ("devices",)


def test_topics_per_brand_and_the_terms_found(sample):
    text = "Acme: panne réseau et facture doublée, #scandale #Acme"
    (match,) = sample.analyse(text)
    assert match.topics == ("network", "billing")
    assert terms_found(match, sample.brands["acme"], text) == ["panne", "reseau", "facture", "#scandale"]
    assert sample.topics("acme", text) == ["network", "billing"]


def test_topics_are_those_of_each_brand(sample):
    matches = {m.brand_id: m.topics for m in sample.analyse("Globex en retard et Acme sans réseau")}
    assert matches == {"globex": ("delays",), "acme": ("network",)}


def test_own_accounts_by_handle_or_author_id(tmp_path):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - id: b\n    names: [Bee]\n    own_accounts: ['@Bee_Help']\n"
                    "    own_account_ids: ['42']\n", encoding="utf-8")
    catalog = BrandCatalog.from_yaml(path)
    assert catalog.owners_of("bee_help") == ["b"]
    assert catalog.owners_of(None, "42") == ["b"]
    assert catalog.owners_of("someone", "7") == []


def test_an_account_shared_by_brands_speaks_for_each_in_catalog_order(tmp_path):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - id: z\n    names: [Zed]\n    own_accounts: [group]\n"
                    "  - id: a\n    names: [Ay]\n    own_accounts: ['@Group', ay_help]\n    own_account_ids: ['9']\n"
                    "  - id: m\n    names: [Em]\n    own_account_ids: ['9']\n", encoding="utf-8")
    catalog = BrandCatalog.from_yaml(path)
    for handle in (None, "group", "@GROUP", "ay_help", "nobody"):
        for author_id in (None, "9", "10"):
            expected = [b.id for b in catalog.brands.values() if b.is_own_account(handle, author_id)]
            assert catalog.owners_of(handle, author_id) == expected
    assert catalog.owners_of("@group", "9") == ["z", "a", "m"]


@pytest.mark.parametrize("body, error", [
    ("brands: {}", "top-level 'brands:' list"),
    ("brands:\n  - names: [x]", "needs a string 'id'"),
    ("brands:\n  - id: a\n    ambiguous: maybe", "ambiguous must be true or false"),
    ("brands:\n  - id: a\n    context: oops", "context must be a list of strings"),
    ("brands:\n  - id: a\n    names: [A]\n    handels: ['@a']", "unknown key handels"),
    ("brands:\n  - id: a\n    names: ['  ']", "needs at least one non-empty name"),
    ("brands:\n  - id: a\n    names: [A\n", "not valid YAML at line"),
])
def test_bad_brands_file_is_refused_with_a_clear_error(tmp_path, body, error):
    path = tmp_path / "brands.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(BrandsFileError, match=error) as caught:
        BrandCatalog.from_yaml(path)
    assert str(path) in str(caught.value)


def test_a_brand_known_by_its_products_alone_is_a_brand(tmp_path):
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - id: w\n    products: [Widgetron]\n", encoding="utf-8")
    assert BrandCatalog.from_yaml(path).match("my Widgetron broke again") == ["w"]


def test_a_missing_or_binary_brands_file_is_a_brands_file_error(tmp_path):
    with pytest.raises(BrandsFileError, match="No such file"):
        BrandCatalog.from_yaml(tmp_path / "nope.yaml")
    binary = tmp_path / "brands.yaml"
    binary.write_bytes(b"brands:\n  - id: caf\xe9\n")
    with pytest.raises(BrandsFileError, match="not UTF-8"):
        BrandCatalog.from_yaml(binary)


def test_topic_terms_match_plurals_but_names_do_not(sample, ambiguous):
    (match,) = sample.analyse("Globex a perdu mes bagages et mes valises")
    assert match.topics == ("baggage",) and match.terms == ("bagage", "valise")
    assert ambiguous.match("Apples and oranges, on the iPhones of nobody") == []
    assert ambiguous.match("trois forfaits Orange résiliés") == ["orange"]
