"""The version store, on hand-built publications (the real-file loads are in test_cli.py),
on SQLite and on PostgreSQL (`db_url`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctions.errors import NotFound, ParseError
from sanctions.model import Entity, Link, NameKind
from sanctions.sources.base import Publication
from sanctions.store import Store


def person(num: int, name: str, **props: list[str]) -> Entity:
    entity = Entity(f"test:{num}", "Person", datasets=["test"])
    entity.add_name(name, NameKind.PRIMARY)
    for prop, values in props.items():
        for value in values:
            entity.add(prop, value)
    return entity


def publication(
    entities: list[Entity] | Iterator[Entity], published: str | None = None
) -> Publication:
    return Publication("test", "test", [Path("test.csv")], iter(entities), published=published)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as s:
        yield s


def test_first_load_creates_version_one(store: Store) -> None:
    result = store.load(
        publication([person(1, "GERTLER, Dan"), person(2, "DEBOUTTE, Pieter")], "2023-12-28"),
        sha256="a",
    )
    assert result.status == "loaded"
    assert (result.version.version, result.version.entities, result.version.added) == (1, 2, 2)
    [active] = store.lists()
    assert (active.source, active.published, active.schemas) == (
        "test",
        "2023-12-28",
        {"Person": 2},
    )


def test_same_bytes_make_no_new_version(store: Store) -> None:
    store.load(publication([person(1, "A")]), sha256="same")
    again = store.load(publication([person(1, "A")]), sha256="same")
    assert again.status == "unchanged"
    assert [v.version for v in store.versions("test")] == [1]


def test_changes_lists_added_removed_and_changed_properties(store: Store) -> None:
    store.load(
        publication([person(1, "A", nationality=["ru"]), person(2, "B"), person(3, "C")]),
        sha256="v1",
    )
    store.load(
        publication([person(1, "A", nationality=["ru", "by"]), person(3, "C"), person(4, "D")]),
        sha256="v2",
    )
    diff = store.changes("test")
    assert (diff.from_version, diff.to_version) == (1, 2)
    assert diff.added == ["test:4"]
    assert diff.removed == ["test:2"]
    assert diff.changed == [{"id": "test:1", "properties": ["nationality"]}]
    [active] = store.lists()
    assert (active.version, active.added, active.removed, active.changed) == (2, 1, 1, 1)
    # Explicit range, and the reverse direction.
    back = store.changes("test", from_version=2, to_version=1)
    assert back.added == ["test:2"] and back.removed == ["test:4"]


def test_value_order_alone_is_not_a_change(store: Store) -> None:
    store.load(publication([person(1, "A", nationality=["ru", "by"])]), sha256="v1")
    store.load(publication([person(1, "A", nationality=["by", "ru"])]), sha256="v2")
    assert store.changes("test").changed == []


def _failing(entities: list[Entity]) -> Iterator[Entity]:
    yield from entities
    raise ParseError("expected 12 columns, found 3 (truncated file?)", path="sdn.csv", line=3)


def test_error_mid_load_leaves_previous_version_active(store: Store) -> None:
    store.load(publication([person(1, "A")], "2023-01-01"), sha256="v1")
    with pytest.raises(ParseError, match="truncated"):
        store.load(publication(_failing([person(5, "E"), person(6, "F")])), sha256="v2")
    [active] = store.lists()
    assert (active.version, active.published, active.entities) == (1, "2023-01-01", 1)
    assert [v.version for v in store.versions("test")] == [1]
    assert store.entity("test:1").caption == "A"
    with pytest.raises(NotFound):
        store.entity("test:5")


def test_readers_never_see_a_partial_load(db_url: str) -> None:
    path = db_url
    with Store(path) as writer:
        writer.load(publication([person(1, "A")]), sha256="v1")
        seen_during_load: list[int] = []

        def observed() -> Iterator[Entity]:
            for num in range(2, 2500):  # more than one insert batch
                yield person(num, f"N{num}")
            with Store(path) as reader:
                seen_during_load.append(reader.lists()[0].entities)

        writer.load(publication(observed()), sha256="v2")
        assert seen_during_load == [1]
        assert writer.lists()[0].entities == 2498


def test_duplicate_ids_and_empty_publications_are_refused(store: Store) -> None:
    with pytest.raises(ParseError, match="twice"):
        store.load(publication([person(1, "A"), person(1, "A again")]), sha256="dup")
    with pytest.raises(ParseError, match="no entities"):
        store.load(publication([]), sha256="empty")
    assert store.lists() == []


def test_entity_of_another_source_is_refused(store: Store) -> None:
    stray = Entity("other:1", "Person")
    stray.add_name("X", NameKind.PRIMARY)
    with pytest.raises(ParseError, match="prefix"):
        store.load(publication([stray]), sha256="x")


def test_links_resolve_to_unique_primary_names(store: Store) -> None:
    company = Entity("test:10", "Organization")
    company.add_name("FLEURETTE PROPERTIES LIMITED", NameKind.PRIMARY)
    company.links.append(Link("GERTLER, Dan"))
    company.links.append(Link("NOBODY LISTED"))
    store.load(publication([company, person(11, "GERTLER, Dan")]), sha256="links")
    links = store.entity("test:10").links
    assert [(lk.name, lk.target_id) for lk in links] == [
        ("GERTLER, Dan", "test:11"),
        ("NOBODY LISTED", None),
    ]


def test_removed_entity_says_when_it_was_last_listed(store: Store) -> None:
    store.load(publication([person(1, "A"), person(2, "B")]), sha256="v1")
    store.load(publication([person(1, "A")]), sha256="v2")
    with pytest.raises(NotFound, match="version 1"):
        store.entity("test:2")


def test_unchanged_entities_share_storage(store: Store) -> None:
    entities = [person(n, f"N{n}") for n in range(100)]
    store.load(publication(entities), sha256="v1")
    store.load(publication([*entities, person(100, "NEW")]), sha256="v2")
    (blobs,) = store.conn.execute("SELECT COUNT(*) FROM blobs").fetchone()
    assert blobs == 101


def test_iter_entities_reads_any_version(store: Store) -> None:
    store.load(publication([person(1, "A")]), sha256="v1")
    store.load(publication([person(1, "A"), person(2, "B")]), sha256="v2")
    assert [e.id for e in store.iter_entities("test", 1)] == ["test:1"]
    assert [e.id for e in store.iter_entities("test")] == ["test:1", "test:2"]
    with pytest.raises(NotFound):
        list(store.iter_entities("nosuch"))


def test_entity_round_trips_through_the_store(store: Store) -> None:
    entity = person(1, "ALIYEV, Ilham", nationality=["az"], birthPlace=["Baku"])
    entity.add_name("Ильхам Алиев", NameKind.ORIGINAL, "ru")
    store.load(publication([entity]), sha256="v1")
    assert store.entity("test:1") == entity


def test_a_load_that_would_remove_most_of_a_list_can_be_refused(store: Store) -> None:
    store.load(publication([person(n, f"N{n}") for n in range(10)]), sha256="full")
    shrunk = [person(n, f"N{n}") for n in range(3)]  # as if the file were cut after 3 rows
    with pytest.raises(ParseError, match="would remove 7 of the 10 entities"):
        store.load(publication(shrunk), sha256="cut", max_removed_share=0.5)
    assert store.lists()[0].entities == 10  # the full version stays active
    # Within the allowance, or without a guard (a deliberate `sanctions load`), it loads.
    keep = [person(n, f"N{n}") for n in range(6)]
    assert store.load(publication(keep), sha256="ok", max_removed_share=0.5).status == "loaded"
    assert store.load(publication(shrunk), sha256="cut").version.entities == 3
