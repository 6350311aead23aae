"""delta = full: random list changes, customer revisions and decisions, then a delta run on
one copy of the store and a full run on another must leave exactly the same alerts.

Names come from the real SDN list (so tokens, lengths and scripts are realistic), with
random spelling changes on both sides, shared identifiers and birth dates; each seed runs
several rounds and compares after every round.
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from sanctions.model import DateValue, Entity, Identifier, IdKind, NameKind
from sanctions.monitor import decisions
from sanctions.monitor.customers import import_customers
from sanctions.monitor.run import run_monitor
from sanctions.settings import FourEyesPolicy
from sanctions.sources.base import Publication
from sanctions.store import Store, alerts

ROUNDS = 8
NO_FOUR_EYES = FourEyesPolicy.parse("none")


def real_names(data_dir: Path, count: int) -> list[tuple[str, str]]:
    """(schema, name) pairs of real SDN entries, individuals as "First Last"."""
    names: list[tuple[str, str]] = []
    path = data_dir / "ofac" / "sdn.csv"
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 4 or not row[1].strip():
                continue
            kind = row[2].strip()
            if kind == "individual" and row[1].count(",") == 1:
                last, first = (p.strip() for p in row[1].split(","))
                names.append(("Person", f"{first} {last}"))
            elif kind == "-0-":
                names.append(("Organization", row[1].strip()))
            elif kind == "vessel":
                names.append(("Vessel", row[1].strip()))
    return names[::7][:count]


def misspell(name: str, rng: random.Random) -> str:
    letters = list(name)
    spots = [i for i, c in enumerate(letters) if c.isalpha()]
    if not spots:
        return name
    i = rng.choice(spots)
    change = rng.randrange(3)
    if change == 0:
        del letters[i]
    elif change == 1:
        letters.insert(i, letters[i])
    else:
        letters[i] = rng.choice("aeioulnrst")
    return "".join(letters)


class World:
    """The list and the portfolio, changed at random between runs."""

    def __init__(self, rng: random.Random, pool: list[tuple[str, str]]) -> None:
        self.rng = rng
        self.pool = pool
        self.entities: dict[int, Entity] = {}
        self.customers: dict[str, dict[str, str]] = {}
        self.next_entity = 1
        for _ in range(120):
            self.add_entity()
        for number in range(150):
            self.add_customer(f"c{number}")

    def add_entity(self) -> None:
        schema, name = self.rng.choice(self.pool)
        entity = Entity(f"rand:{self.next_entity}", schema, datasets=["rand"])
        entity.add_name(name, NameKind.PRIMARY)
        if self.rng.random() < 0.3:
            entity.add_name(misspell(name, self.rng), NameKind.ALIAS)
        if schema == "Person" and self.rng.random() < 0.5:
            entity.birth_dates.append(DateValue(str(self.rng.randrange(1950, 1990))))
        if self.rng.random() < 0.1:
            entity.identifiers.append(Identifier(IdKind.OTHER, f"ID{self.next_entity:05d}"))
        self.entities[self.next_entity] = entity
        self.next_entity += 1

    def add_customer(self, cid: str) -> None:
        rng = self.rng
        if rng.random() < 0.6 and self.entities:
            listed = rng.choice(list(self.entities.values()))
            schema, name = listed.schema, listed.names[0].value
            if rng.random() < 0.5:
                name = misspell(name, rng)
        else:
            schema, name = rng.choice(self.pool)
        row = {"id": cid, "name": name, "schema": schema}
        if schema == "Person" and rng.random() < 0.4:
            row["birth_date"] = str(rng.randrange(1950, 1990))
        if rng.random() < 0.05 and self.next_entity > 1:
            row["id_number"] = f"ID{rng.randrange(1, self.next_entity):05d}"
        self.customers[cid] = row

    def change_list(self) -> None:
        rng = self.rng
        for _ in range(rng.randrange(1, 8)):
            self.add_entity()
        for key in rng.sample(sorted(self.entities), k=min(4, len(self.entities))):
            entity = self.entities[key]
            action = rng.randrange(4)
            if action == 0:
                del self.entities[key]
            elif action == 1:
                entity.add_name(misspell(entity.names[0].value, rng), NameKind.ALIAS)
            elif action == 2:
                entity.birth_dates = [DateValue(str(rng.randrange(1950, 1990)))]
            else:
                entity.add("notes", f"remark {rng.random()}")  # not matched content

    def change_customers(self) -> None:
        rng = self.rng
        for cid in rng.sample(sorted(self.customers), k=6):
            if rng.random() < 0.5:
                self.customers[cid]["name"] = misspell(self.customers[cid]["name"], rng)
            else:
                self.add_customer(cid)
        for _ in range(rng.randrange(0, 4)):
            self.add_customer(f"c{len(self.customers) + rng.randrange(10_000)}")
        if rng.random() < 0.3:
            del self.customers[rng.choice(sorted(self.customers))]

    def publish(self, store: Store) -> None:
        entities = [Entity.from_dict(e.to_dict()) for e in self.entities.values()]
        publication = Publication("rand", "test", [Path("rand.json")], iter(entities))
        store.load(publication, sha256=str(self.rng.random()))

    def write_customers(self, path: Path) -> Path:
        columns = ["id", "name", "schema", "birth_date", "id_number"]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(self.customers.values())
        return path


def alert_state(path: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    with Store(path) as store:
        return {
            (a.customer_id, a.entity_id): (
                a.state,
                a.score,
                a.closed_reason,
                a.fingerprint,
                a.customer_revision,
                a.list_version,
            )
            for a in alerts.listing(store.db, limit=100_000)
        }


def decide_some(path: Path, rng: random.Random) -> None:
    with Store(path) as store:
        open_alerts = alerts.listing(store.db, states=["open"], limit=100_000)
        for alert in rng.sample(open_alerts, k=min(5, len(open_alerts))):
            decision = rng.choice(["false_positive", "false_positive", "true_match", "escalate"])
            decisions.decide(
                store, alert.id, decision, reason="random", user="ana", policy=NO_FOUR_EYES
            )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_delta_runs_leave_the_same_alerts_as_full_runs(
    seed: int, data_dir: Path, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    world = World(rng, real_names(data_dir, 600))
    delta_db, full_db = tmp_path / "delta.db", tmp_path / "full.db"
    with Store(delta_db) as store:
        world.publish(store)
        import_customers(store, world.write_customers(tmp_path / "c0.csv"))
        assert run_monitor(store).mode == "full"
    reopened = 0
    for round_number in range(1, ROUNDS + 1):
        decide_some(delta_db, rng)
        with Store(delta_db) as store:
            world.change_list()
            world.publish(store)
            world.change_customers()
            customers = world.write_customers(tmp_path / f"c{round_number}.csv")
            import_customers(store, customers, delete_missing=True)
        shutil.copy(delta_db, full_db)
        with Store(delta_db) as store:
            delta = run_monitor(store)
        with Store(full_db) as store:
            full = run_monitor(store, full=True)
        assert delta.mode == "delta" and full.mode == "full"
        reopened += delta.reopened
        assert delta.customers_screened < full.customers_screened
        assert alert_state(delta_db) == alert_state(full_db), f"round {round_number}"
        assert (delta.new_alerts, delta.reopened, delta.closed) == (
            full.new_alerts,
            full.reopened,
            full.closed,
        ), f"round {round_number}"
    with Store(delta_db) as store:
        states = alerts.by_state(store.db)
    # The rounds exercised more than opening: decisions, suppression, closing, reopening.
    assert states.get("false_positive", 0) > 0 and states.get("closed", 0) > 0
    assert reopened > 0
