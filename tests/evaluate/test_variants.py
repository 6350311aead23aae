"""The generators: deterministic, every category makes real variants, clean names are clean."""

from __future__ import annotations

import pytest

from sanctions.evaluate import CATEGORIES, CLEAN, LOOKALIKE, generate_variants
from sanctions.evaluate.cases import listed_entities, listed_keys, name_key, plain_key
from sanctions.evaluate.clean import generate_clean, generate_lookalikes
from sanctions.model import Entity
from sanctions.screen import Screener

SAMPLE = 15


@pytest.fixture(scope="module")
def entities(eval_screener: Screener) -> list[Entity]:
    return listed_entities(eval_screener)


def test_same_seed_same_variants_other_seed_others(entities: list[Entity]) -> None:
    first = generate_variants(entities, sample=SAMPLE, seed=7)
    assert first == generate_variants(entities, sample=SAMPLE, seed=7)
    assert first != generate_variants(entities, sample=SAMPLE, seed=8)


def test_every_category_makes_variants_that_differ_from_their_source(
    entities: list[Entity],
) -> None:
    by_id = {e.id: e for e in entities}
    cases = generate_variants(entities, sample=SAMPLE, seed=3)
    for category in CATEGORIES:
        made = [c for c in cases if c.category == category]
        assert len(made) == SAMPLE, category
        for case in made:
            entity = by_id[case.expected or ""]
            listed = {plain_key(n.value) for n in entity.names}
            assert plain_key(case.name) != plain_key(case.source_name), case
            if category != "original_script":  # those are listed names, queried as they are
                assert plain_key(case.name) not in listed, case
            assert case.schema == entity.schema


def test_categories_do_what_they_say(entities: list[Entity]) -> None:
    cases = {c.category: c for c in generate_variants(entities, sample=1, seed=11)}
    assert cases["initials"].name.split()[0].endswith(".")
    assert cases["vessel"].schema == "Vessel"
    assert not cases["original_script"].name.isascii()
    assert cases["title"].schema == "Person"
    assert cases["legal_form"].schema in ("Organization", "Company", "LegalEntity")


def test_clean_names_are_on_no_list(entities: list[Entity]) -> None:
    listed = listed_keys(entities)
    # A listed name offered as forbidden is never produced, whatever Faker makes.
    clean = generate_clean(entities, count=300, seed=5, forbidden=listed)
    assert len(clean) == 300
    assert all(c.category == CLEAN and c.expected is None for c in clean)
    assert not {name_key(c.name) for c in clean} & listed
    assert clean == generate_clean(entities, count=300, seed=5, forbidden=listed)
    assert len({c.source_name for c in clean}) > 20  # many locales


def test_lookalikes_are_labelled_and_unlisted(entities: list[Entity]) -> None:
    listed = listed_keys(entities)
    looks = generate_lookalikes(entities, count=50, seed=5, forbidden=listed)
    assert len(looks) == 50
    for case in looks:
        assert case.category == LOOKALIKE and case.expected is None
        assert name_key(case.name) not in listed
        assert name_key(case.name) != name_key(case.source_name)
