"""Monitoring over the real OFAC files: the 2023 SDN list, then the 2024-05-03 snapshot.

Customers are made from real listed individuals written "First Last" (as customers write
them): some listed in both files, some only added in 2024, some removed by 2024; and clean
names. The delta run after loading the 2024 snapshot must alert exactly the newly listed,
close the alerts of the delisted, and a following full run must find nothing new.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sanctions.ingest.load import load_paths
from sanctions.monitor.customers import import_customers
from sanctions.monitor.run import run_monitor
from sanctions.store import Store, alerts, audit

CLEAN = [
    "Jane Smith",
    "Peter Miller",
    "Anna Schmidt",
    "Thomas Becker",
    "Laura Rossi",
    "Sophie Martin",
    "Lukas Novak",
    "Emma Johansson",
    "Oliver Wright",
    "Claire Dubois",
]


def individuals(path: Path) -> dict[str, str]:
    """ent_num -> "First Last" for individuals named "LAST, First" with both parts."""
    people = {}
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 4 or row[2].strip() != "individual" or row[1].count(",") != 1:
                continue
            last, first = (part.strip() for part in row[1].split(","))
            if first and last and len(first) > 2 and len(last) > 2:
                people[row[0]] = f"{first.title()} {last.title()}"
    return people


@pytest.fixture(scope="module")
def portfolio(
    data_dir: Path, tmp_path_factory: pytest.TempPathFactory, module_db_url: str
) -> dict[str, object]:
    """On SQLite and on PostgreSQL (`module_db_url`)."""
    old_file = data_dir / "ofac" / "sdn.csv"
    new_file = data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"
    old, new = individuals(old_file), individuals(new_file)
    kept = sorted(set(old) & set(new), key=int)[::200][:25]
    added = sorted(set(new) - set(old), key=int)[::10][:25]
    removed = sorted(set(old) - set(new), key=int)[:10]
    folder = tmp_path_factory.mktemp("monitor-real")
    customers = folder / "customers.csv"
    with customers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "schema", "segment"])
        for group, names, ids in (("kept", old, kept), ("added", new, added)):
            writer.writerows([f"{group}-{n}", names[n], "person", group] for n in ids)
        writer.writerows([f"removed-{n}", old[n], "PERSON", "removed"] for n in removed)
        writer.writerows([f"clean-{i}", name, "Person", "clean"] for i, name in enumerate(CLEAN))
    store = Store(module_db_url)
    load_paths(store, [old_file])
    imported = import_customers(store, customers)
    first = run_monitor(store)
    first_alerts = {(a.customer_id, a.entity_id): a for a in alerts.listing(store.db, limit=9999)}
    load_paths(store, [new_file])
    delta = run_monitor(store)
    after_delta = {(a.customer_id, a.entity_id): a for a in alerts.listing(store.db, limit=9999)}
    full = run_monitor(store, full=True)
    after_full = {(a.customer_id, a.entity_id): a for a in alerts.listing(store.db, limit=9999)}
    verified = audit.verify(store.db)
    store.close()
    return {
        "kept": kept,
        "added": added,
        "removed": removed,
        "imported": imported,
        "first": first,
        "first_alerts": first_alerts,
        "delta": delta,
        "after_delta": after_delta,
        "full": full,
        "after_full": after_full,
        "verified": verified,
    }


def own(group: str, number: str) -> tuple[str, str]:
    return (f"{group}-{number}", f"ofac-sdn:{number}")


def test_the_first_run_is_full_and_alerts_every_listed_customer(portfolio: dict) -> None:
    first, found = portfolio["first"], portfolio["first_alerts"]
    assert portfolio["imported"].added == 25 + 25 + 10 + len(CLEAN)
    assert first.mode == "full" and first.customers_screened == 70
    assert first.entities_screened > 13_000 and first.list_versions == {"ofac-sdn": 1}
    for number in portfolio["kept"]:
        assert own("kept", number) in found, number
    for number in portfolio["removed"]:
        assert own("removed", number) in found, number
    for number in portfolio["added"]:
        assert own("added", number) not in found  # not listed yet
    assert not [key for key in found if key[0].startswith("clean-")]


def test_the_delta_run_alerts_the_newly_listed_and_closes_the_delisted(portfolio: dict) -> None:
    delta, found = portfolio["delta"], portfolio["after_delta"]
    assert delta.mode == "delta" and delta.list_versions == {"ofac-sdn": 2}
    assert delta.customers_screened == 0  # no customer changed
    # Only the entities that changed between the two files were screened.
    assert 1_000 < delta.entities_screened < 3_000
    for number in portfolio["added"]:
        alert = found[own("added", number)]
        assert alert.state == "open" and alert.list_version == 2 and alert.run_id == delta.run_id
    assert delta.new_alerts >= len(portfolio["added"])
    for number in portfolio["removed"]:
        alert = found[own("removed", number)]
        assert (alert.state, alert.closed_reason) == ("closed", "delisted")
    assert delta.closed >= len(portfolio["removed"])
    for number in portfolio["kept"]:
        assert found[own("kept", number)].state == "open"
        assert found[own("kept", number)].run_id == portfolio["first"].run_id
    assert not [key for key in found if key[0].startswith("clean-")]


def test_a_full_run_after_the_delta_finds_nothing_new(portfolio: dict) -> None:
    full = portfolio["full"]
    assert full.mode == "full" and full.customers_screened == 70
    assert (full.new_alerts, full.reopened, full.closed) == (0, 0, 0)
    before, after = portfolio["after_delta"], portfolio["after_full"]
    assert before.keys() == after.keys()
    for key, alert in before.items():
        assert (after[key].state, after[key].score) == (alert.state, alert.score)


def test_the_audit_trail_holds_the_whole_story(portfolio: dict) -> None:
    assert portfolio["verified"].ok
    assert portfolio["verified"].entries > len(portfolio["after_full"])
