"""Refreshing under load: screens running on other threads never see a half-swapped index."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from sanctions.model import Entity, NameKind
from sanctions.screen import Query, Screener
from sanctions.sources.base import Publication
from sanctions.store import Store


def people(count: int) -> list[Entity]:
    out = []
    for num in range(count):
        entity = Entity(f"test:{num}", "Person" if num % 2 else "Vessel", datasets=["test"])
        entity.add_name(
            f"Aleksandr Ivanov {num}" if num % 2 else f"SEA STAR {num}", NameKind.PRIMARY
        )
        out.append(entity)
    return out


def load(store: Store, count: int) -> None:
    publication = Publication("test", "test", [Path("t.csv")], iter(people(count)))
    store.load(publication, sha256=f"v{count}")


def test_screens_during_refresh_see_one_whole_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.db")
    load(store, 40)
    screener = Screener.from_store(store)
    errors: list[BaseException] = []
    wrong: list[str] = []
    stop = threading.Event()

    def screen_forever() -> None:
        query = Query("Aleksandr Ivanov", schema="Person")
        while not stop.is_set():
            try:
                hits = screener.screen(query, threshold=0.5, limit=50)
            except BaseException as exc:  # an index/mask mismatch raises IndexError here
                errors.append(exc)
                return
            # Every hit must be a Person that exists in some loaded version.
            wrong.extend(h.entity_id for h in hits if h.schema != "Person")

    threads = [threading.Thread(target=screen_forever) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        # Alternate between lists of very different sizes, so a mask built for one index
        # would not fit the other.
        for round_number in range(12):
            load(store, 6 if round_number % 2 == 0 else 400 + round_number)
            assert screener.refresh(store)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert wrong == []
    # After the last refresh the screener answers from the last version only.
    assert screener.versions == {"test": 13}
    assert len(screener.index.entities) == 411
    store.close()


def test_a_snapshot_keeps_its_masks_to_itself(tmp_path: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        load(store, 10)
        screener = Screener.from_store(store)
        before = screener._snapshot
        screener.screen(Query("Aleksandr Ivanov", schema="Person"))
        assert ("Person", None) in before.masks
        load(store, 30)
        screener.refresh(store)
        after = screener._snapshot
        assert after is not before and after.masks == {}
        screener.screen(Query("Aleksandr Ivanov", schema="Person"))
        mask = after.masks[("Person", None)]
        assert mask is not None and len(mask) == 30


def test_a_refresh_in_the_middle_of_a_screen_cannot_mix_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic version of the race: the screen is held while it builds its schema
    mask, a refresh swaps the index meanwhile, then both go on."""
    store = Store(tmp_path / "store.db")
    load(store, 6)
    screener = Screener.from_store(store)
    module = sys.modules[Screener.__module__]
    real = module.schema_compatible
    inside, release = threading.Event(), threading.Event()

    def held(query_schema: str | None, listed_schema: str) -> bool:
        if threading.current_thread().name == "held-screen":
            inside.set()
            release.wait(10)
        return bool(real(query_schema, listed_schema))

    monkeypatch.setattr(module, "schema_compatible", held)
    results: list[object] = []

    def screen_once() -> None:
        try:
            results.append(screener.screen(Query("Aleksandr Ivanov", schema="Person")))
        except BaseException as exc:
            results.append(exc)

    thread = threading.Thread(target=screen_once, name="held-screen")
    thread.start()
    assert inside.wait(10)
    load(store, 400)
    assert screener.refresh(store)
    release.set()
    thread.join(10)
    monkeypatch.setattr(module, "schema_compatible", real)
    # The held screen finished on the index it started with...
    assert len(results) == 1 and isinstance(results[0], list)
    # ...and the new index answers with a mask of its own size.
    hits = screener.screen(Query("Aleksandr Ivanov 399", schema="Person"), limit=500)
    assert any(h.entity_id == "test:399" for h in hits)
    assert all(h.schema == "Person" for h in hits)
    store.close()
