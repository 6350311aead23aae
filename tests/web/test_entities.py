"""The entity page (every field, names by kind and script, history with field-level diffs)
and the list changes page (version pickers, added/removed/modified), in-process over the
real store of tests/web/conftest.py: OFAC SDN 2023 as version 1 and its 2024 snapshot as
version 2. Which entities were added, removed or modified is asked of the store, not
guessed; a small list of our own, loaded in three versions, covers a reappearance and a
value that must render as text."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lxml.html
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from uihelpers import as_user, sign_in, ui_client

from sanctions.model import Entity, Identifier, IdKind, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.store import Store
from sanctions.store.history import entity_history, property_changes
from sanctions.web.views.entities import SHOWN

SDN = "ofac-sdn"
GERTLER = "ofac-sdn:23252"


def _db_of(client: TestClient) -> Path:
    return Path(client.app.state.sanctions.settings.db)  # type: ignore[attr-defined]


def _doc(html: str) -> Any:
    return lxml.html.fromstring(html)


def _by_id(html: str, element_id: str) -> Any:
    found = _doc(html).get_element_by_id(element_id, None)
    assert found is not None, f"no element with id={element_id!r}"
    return found


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _facts(section: Any) -> dict[str, list[str]]:
    """A section's <dl class="facts"> terms and their values (one per list item)."""
    out: dict[str, list[str]] = {}
    for dt in section.xpath('.//dl[contains(@class, "facts")]/dt'):
        dd = dt.getnext()
        items = dd.xpath(".//li")
        out[_text(dt)] = [_text(li) for li in items] if items else [_text(dd)]
    return out


def _steps(html: str) -> list[str]:
    """The history steps of an entity page, as text, newest first."""
    return [_text(li) for li in _by_id(html, "history").xpath(".//li")]


def _diff_row(step: Any, prop: str) -> tuple[list[str], list[str]]:
    """The removed and added values a history step shows for one FtM property."""
    rows = step.xpath(f'.//table[@class="diff"]//tr[th[@title="{prop}"]]')
    assert len(rows) == 1, f"no diff row for {prop}"
    removed = [_text(d) for d in rows[0].xpath(".//del")]
    added = [_text(i) for i in rows[0].xpath(".//ins")]
    return removed, added


def _linked_ids(section: Any) -> list[str]:
    prefix = "/ui/entities/"
    return [
        a.get("href")[len(prefix) :]
        for a in section.xpath(".//a[@href]")
        if a.get("href").startswith(prefix)
    ]


@pytest.fixture(scope="module")
def sdn(shared_client: TestClient) -> Iterator[Store]:
    """The shared client's store, read by the tests to know what the pages must show."""
    with Store(_db_of(shared_client)) as store:
        yield store


def _in_version(store: Store, entity_id: str, version: int) -> Entity:
    return store.entity_by_hash(store.member_hashes(SDN, version)[entity_id])


# -- the entity page ---------------------------------------------------------------------------


def test_signed_out_pages_redirect_to_sign_in(anon: TestClient) -> None:
    for path in (f"/ui/entities/{GERTLER}", f"/ui/changes/{SDN}?from=1&to=2"):
        response = anon.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/login?next=" + quote(path, safe="")
        assert "GERTLER" not in response.text and "Added" not in response.text


def test_entity_page_shows_every_field(shared_client: TestClient, sdn: Store) -> None:
    client = as_user(shared_client, "vera")  # the viewer role is enough
    response = client.get(f"/ui/entities/{GERTLER}")
    assert response.status_code == 200
    html = response.text
    entity = sdn.entity(GERTLER)
    doc = _doc(html)
    assert _text(doc.xpath("//h1")[0]) == entity.caption == "GERTLER, Dan"
    assert _text(_by_id(html, "entity-id")) == GERTLER
    head = _text(doc.xpath('//p[@class="entity-head"]')[0])
    assert "Person" in head and "ofac-sdn" in head and "GLOMAG" in head
    assert _facts(_by_id(html, "sanctions")) == {
        "Lists": ["ofac-sdn"],
        "Program": ["GLOMAG"],
        "Birth date": ["1973-12-23"],
        "Birth place": ["Tel Aviv, Israel"],
        "Gender": ["male"],
        "Nationality": ["IL, CD"],
        "Country": ["IL, CD"],
    }
    names = [[_text(c) for c in tr] for tr in _by_id(html, "names").xpath(".//tbody/tr")]
    assert names == [["Primary name", "Latin", "GERTLER, Dan"]]
    # identifiers: type, number, issuing country and note, one row each
    rows = [
        [_text(td) for td in tr.xpath("td")]
        for tr in _by_id(html, "identifiers").xpath(".//tbody/tr")
    ]
    assert len(rows) == len(entity.identifiers) == 4
    assert ["Passport", "10945182", "IL", "issued 28 Jun 2010 expires 27 Jun 2020"] in rows
    assert ["Passport", "DB0009084", "CD", "issued 28 May 2015 expires 27 May 2020"] in rows
    assert ["National ID", "027100619", "IL", ""] in rows
    addresses = _text(_by_id(html, "addresses"))
    for address in entity.addresses:
        assert address.full in addresses
    assert entity.get("notes")[0] in _text(_by_id(html, "notes"))
    # every FtM value of the entity is on the page somewhere
    text = _text(doc)
    for prop, values in entity.to_ftm()["properties"].items():
        for value in values:
            assert value.upper() in text.upper(), (prop, value)
    hrefs = doc.xpath("//a/@href")
    assert "/ui/screen?name=GERTLER%2C+Dan" in hrefs  # "screen this name"
    assert f"/ui/changes/{SDN}" in hrefs


def test_an_unchanged_entity_has_one_history_step(shared_client: TestClient, sdn: Store) -> None:
    # Gertler's row is the same in both versions: one step, his first appearance.
    assert sdn.member_hashes(SDN, 1)[GERTLER] == sdn.member_hashes(SDN, 2)[GERTLER]
    html = as_user(shared_client, "vera").get(f"/ui/entities/{GERTLER}").text
    steps = _steps(html)
    assert len(steps) == 1 and steps[0].startswith("Version 1: First appearance")
    assert "Unchanged from version 1 through version 2" in _text(_by_id(html, "history"))
    v1 = sdn.versions(SDN)[0]
    assert v1.loaded_at[:16].replace("T", " ") in steps[0]
    step = _by_id(html, "history").xpath(".//li")[0]
    assert _diff_row(step, "program") == ([], ["GLOMAG"])  # a first step shows only additions
    assert not step.xpath(".//del")


def test_a_modified_entity_shows_the_values_removed_and_added(
    shared_client: TestClient, sdn: Store
) -> None:
    diff = sdn.changes(SDN, 1, 2)
    # one whose change replaces a value (a removal and an addition in the same property)
    chosen = None
    for change in diff.changed:
        old = _in_version(sdn, change["id"], 1).flat_properties()
        new = _in_version(sdn, change["id"], 2).flat_properties()
        for prop in change["properties"]:
            if set(old.get(prop, [])) - set(new.get(prop, [])) and set(new.get(prop, [])) - set(
                old.get(prop, [])
            ):
                chosen = (change, prop, old, new)
                break
        if chosen:
            break
    assert chosen is not None, "no entity in the real diff replaces a value"
    change, prop, old, new = chosen
    html = as_user(shared_client, "vera").get(f"/ui/entities/{change['id']}").text
    steps = _by_id(html, "history").xpath(".//li")
    assert len(steps) == 2  # newest first: changed in v2, first listed in v1
    assert _text(steps[0]).startswith("Version 2: Changed")
    assert _text(steps[1]).startswith("Version 1: First appearance")
    removed, added = _diff_row(steps[0], prop)
    assert removed == [" ".join(v.split()) for v in old[prop] if v not in new.get(prop, [])]
    assert added == [" ".join(v.split()) for v in new[prop] if v not in old.get(prop, [])]
    # every changed property, and only those, has a row in the v2 step
    shown = steps[0].xpath('.//table[@class="diff"]//th[@scope="row"]/@title')
    assert sorted(shown) == sorted(change["properties"])
    assert f"/ui/changes/{SDN}?from=1&to=2" in steps[0].xpath(".//a/@href")


def test_an_added_entity_first_appears_in_version_2(shared_client: TestClient, sdn: Store) -> None:
    added = sdn.changes(SDN, 1, 2).added[0]
    entity = sdn.entity(added)
    html = as_user(shared_client, "vera").get(f"/ui/entities/{added}").text
    assert _text(_doc(html).xpath("//h1")[0]) == entity.caption
    steps = _steps(html)
    assert len(steps) == 1 and steps[0].startswith("Version 2: First appearance active")


def test_links_point_at_the_linked_entities(shared_client: TestClient, sdn: Store) -> None:
    linking = next(
        e for e in sdn.iter_entities(SDN) if sum(1 for lk in e.links if lk.target_id) >= 2
    )
    html = as_user(shared_client, "vera").get(f"/ui/entities/{linking.id}").text
    links = _by_id(html, "links")
    targets = [lk.target_id for lk in linking.links if lk.target_id]
    assert _linked_ids(links) == targets
    for link in linking.links:
        assert link.name in _text(links)


def test_a_removed_entity_still_shows_its_history(shared_client: TestClient, sdn: Store) -> None:
    removed = sdn.changes(SDN, 1, 2).removed[0]
    last = _in_version(sdn, removed, 1)
    response = as_user(shared_client, "vera").get(f"/ui/entities/{removed}")
    assert response.status_code == 200
    html = response.text
    assert _text(_doc(html).xpath("//h1")[0]) == last.caption
    warning = _text(_doc(html).xpath('//p[@class="warning"]')[0])
    assert f"Removed from {SDN} in version 2" in warning and "version 1" in warning
    steps = _steps(html)
    assert [s.split(":")[0] for s in steps] == ["Version 2", "Version 1"]
    assert steps[0].startswith("Version 2: Removed") and "First appearance" in steps[1]
    removed_names = _diff_row(_by_id(html, "history").xpath(".//li")[0], "name")[0]
    assert removed_names == [last.caption]


def test_unknown_entities_are_404(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    for entity_id in ("ofac-sdn:999999999", "nowhere:1"):
        response = client.get(f"/ui/entities/{entity_id}")
        assert response.status_code == 404
        assert "Not found" in response.text and entity_id in response.text


# -- the changes page --------------------------------------------------------------------------


def _section_ids(html: str, section: str) -> list[str]:
    return _linked_ids(_by_id(html, section))


def _heading(html: str, section: str) -> str:
    return _text(_by_id(html, section).xpath(".//h2")[0])


def test_changes_default_to_the_last_two_versions(shared_client: TestClient, sdn: Store) -> None:
    response = as_user(shared_client, "vera").get(f"/ui/changes/{SDN}")
    assert response.status_code == 200
    html = response.text
    diff = sdn.changes(SDN, 1, 2)
    assert len(diff.added) > SHOWN  # the real diff is larger than a section shows
    _by_id(html, "changes")
    assert _heading(html, "added") == f"Added ({len(diff.added):,})"
    assert _heading(html, "removed") == f"Removed ({len(diff.removed):,})"
    assert _heading(html, "modified") == f"Modified ({len(diff.changed):,})"
    assert _section_ids(html, "added") == diff.added[:SHOWN]
    assert f"and {len(diff.added) - SHOWN:,} more" in _text(_by_id(html, "added"))
    assert _section_ids(html, "removed") == diff.removed[: min(SHOWN, len(diff.removed))]
    assert _section_ids(html, "modified") == [c["id"] for c in diff.changed][:SHOWN]
    # captions: the newer version's entity for added ones, the older's for removed ones
    first_added = _by_id(html, "added").xpath(".//tbody/tr")[0]
    assert _text(first_added.xpath(".//a")[0]) == _in_version(sdn, diff.added[0], 2).caption
    first_removed = _by_id(html, "removed").xpath(".//tbody/tr")[0]
    assert _text(first_removed.xpath(".//a")[0]) == _in_version(sdn, diff.removed[0], 1).caption
    # modified rows list the changed properties
    row = _by_id(html, "modified").xpath(".//tbody/tr")[0]
    badges = [_text(b) for b in row.xpath('.//span[@class="badge"]')]
    assert len(badges) == len(diff.changed[0]["properties"])


def test_version_pickers_list_every_version(shared_client: TestClient, sdn: Store) -> None:
    html = as_user(shared_client, "vera").get(f"/ui/changes/{SDN}").text
    form = _by_id(html, "version-picker")
    assert form.get("method") == "get" and form.get("action") == f"/ui/changes/{SDN}"
    assert form.xpath('.//button[@type="submit"]')
    versions = sdn.versions(SDN)
    for name, chosen in (("from", "1"), ("to", "2")):
        select = form.xpath(f'.//select[@name="{name}"]')[0]
        assert form.xpath(f'.//label[@for="{select.get("id")}"]')
        options = {o.get("value"): _text(o) for o in select.xpath("option") if o.get("value")}
        assert sorted(options) == [str(v.version) for v in versions]
        for v in versions:
            assert f"{v.entities:,} entities" in options[str(v.version)]
            assert v.loaded_at[:10] in options[str(v.version)]
        assert select.xpath("option[@selected]/@value") == [chosen]


def test_changes_between_chosen_versions(shared_client: TestClient, sdn: Store) -> None:
    client = as_user(shared_client, "vera")
    same = client.get(f"/ui/changes/{SDN}?from=2&to=2").text
    assert [_heading(same, s) for s in ("added", "removed", "modified")] == [
        "Added (0)",
        "Removed (0)",
        "Modified (0)",
    ]
    # version 1 alone: the first load, every entity added
    first = client.get(f"/ui/changes/{SDN}?to=1").text
    assert _heading(first, "added") == f"Added ({sdn.versions(SDN)[0].entities:,})"
    assert "is the first version" in _text(_by_id(first, "changes"))
    # backwards: v2 -> v1 adds what v1 -> v2 removed
    back = client.get(f"/ui/changes/{SDN}", params={"from": "2", "to": "1"}).text
    forward = sdn.changes(SDN, 1, 2)
    assert _heading(back, "added") == f"Added ({len(forward.removed):,})"
    assert _section_ids(back, "added") == forward.removed[:SHOWN]
    assert _by_id(back, "version-picker").xpath('.//select[@name="from"]/option[@selected]/@value')
    assert "Comparing backwards" in back


def test_bad_versions_and_sources_are_404(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    for path in (
        f"/ui/changes/{SDN}?from=9",
        f"/ui/changes/{SDN}?to=3",
        f"/ui/changes/{SDN}?to=abc",
        "/ui/changes/no-such-list",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text


# -- a list of our own: a reappearance, and values that must stay text ------------------------

HOSTILE = '<script>alert("x")</script> & <b>Co</b>'


def _entity(number: int, name: str, **props: list[str]) -> Entity:
    return Entity(
        id=f"custom-test:{number}",
        schema="Organization",
        names=[Name(name, NameKind.PRIMARY), Name("Акме", NameKind.ALIAS)],
        identifiers=[Identifier(IdKind.REGISTRATION, "R-1", "ru", "<i>note</i>")],
        properties={k: list(v) for k, v in props.items()},
        datasets=["custom-test"],
    )


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory, ui_base_db: Path) -> Iterator[TestClient]:
    """The fixture's store plus custom-test in three versions: entity 1 changes its
    programme in v2; entity 2 goes in v2 and comes back unchanged in v3."""
    dest = tmp_path_factory.mktemp("entities") / "store.db"
    shutil.copyfile(ui_base_db, dest)
    one = _entity(1, HOSTILE, program=["A"], notes=["<img src=x onerror=alert(1)>"])
    one_v2 = _entity(1, HOSTILE, program=["B"], notes=["<img src=x onerror=alert(1)>"])
    two = _entity(2, "SECOND COMPANY", program=["A"])
    with Store(dest) as store:
        for number, entities in enumerate(([one, two], [one_v2], [one_v2, two]), start=1):
            publication = Publication(
                "custom-test", "test", [Path(f"v{number}.csv")], iter(entities)
            )
            store.load(publication, sha256=f"{number:064d}", actor="tests")
    yield from ui_client(dest)


def test_values_are_rendered_as_text(custom: TestClient) -> None:
    html = sign_in(custom, "vera").get("/ui/entities/custom-test:1").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<i>note" not in html
    assert str(escape(HOSTILE)) in html
    doc = _doc(html)
    assert _text(doc.xpath("//h1")[0]) == " ".join(HOSTILE.split())
    assert "<img src=x onerror=alert(1)>" in _text(_by_id(html, "notes"))
    assert "<i>note</i>" in _text(_by_id(html, "identifiers"))
    assert not doc.xpath("//main//script | //main//img | //main//b | //main//i")
    changes = custom.get("/ui/changes/custom-test?from=1&to=2").text
    assert "<script>alert" not in changes
    assert _text(_by_id(changes, "modified").xpath(".//a")[0]) == " ".join(HOSTILE.split())


def test_names_are_grouped_by_kind_and_script(custom: TestClient) -> None:
    html = sign_in(custom, "vera").get("/ui/entities/custom-test:1").text
    rows = [_text(tr) for tr in _by_id(html, "names").xpath(".//tbody/tr")]
    assert rows[0].startswith("Primary name Latin")
    assert rows[1] == "Alias (a.k.a.) Cyrillic Акме"


def test_a_reappearance_and_a_change_in_the_history(custom: TestClient) -> None:
    client = sign_in(custom, "vera")
    gone_and_back = _steps(client.get("/ui/entities/custom-test:2").text)
    assert [s.split(" active")[0].split(" Loaded")[0] for s in gone_and_back] == [
        "Version 3: Reappeared",
        "Version 2: Removed",
        "Version 1: First appearance",
    ]
    assert "same content it had before its removal" in gone_and_back[0]
    changed = client.get("/ui/entities/custom-test:1").text
    step = _by_id(changed, "history").xpath(".//li")
    assert len(step) == 2  # v3 holds the same content as v2: no step
    assert _diff_row(step[0], "program") == (["A"], ["B"])


def test_property_changes_is_a_diff_of_the_ftm_properties() -> None:
    old = _entity(1, "OLD NAME", program=["A", "B"], notes=["same"])
    new = _entity(1, "NEW NAME", program=["B", "C"], notes=["same"])
    new.schema = "Company"
    changes = {c.prop: (c.removed, c.added) for c in property_changes(old, new)}
    assert changes == {
        "schema": (["Organization"], ["Company"]),
        "name": (["OLD NAME"], ["NEW NAME"]),
        "program": (["A"], ["C"]),
    }
    assert property_changes(old, old) == []
    first = {c.prop: c.added for c in property_changes(None, old)}
    assert first["program"] == ["A", "B"] and first["registrationNumber"] == ["R-1"]


def test_entity_history_of_an_id_never_listed_is_empty(sdn: Store) -> None:
    assert entity_history(sdn, "ofac-sdn:999999999") == []
    assert [s.kind for s in entity_history(sdn, GERTLER)] == ["added"]
