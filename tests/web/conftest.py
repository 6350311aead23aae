"""Fixtures of the web UI tests: one real store per session (the OFAC SDN list of 2023 and
its 2024 snapshot as two versions, the consolidated list and the UN list; four users of the
four roles; a few customers and the alerts a real monitoring run raised on them), copied by
tests that change it, and in-process clients signed in through the real form."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanctions.api import create_app
from sanctions.auth import create_user, set_password
from sanctions.ingest.load import load_paths
from sanctions.monitor.customers import import_customers
from sanctions.monitor.run import run_monitor
from sanctions.store import Store

PASSWORD = "a long test password"
# name -> role; every user signs in with PASSWORD
USERS = {"vera": "viewer", "anna": "analyst", "arno": "approver", "adam": "admin"}
CUSTOMERS = """id,name,schema,birth_date,country
c-1,Dan Gertler,Person,1973-12-23,il
c-2,Mohammad Javad Zarif,Person,,
c-3,Jane Ordinary Smith,Person,1980-01-01,gb
c-4,Islamic Revolutionary Guard Corps,Organization,,
"""
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _sdn_2024(folder: Path, data_dir: Path) -> Path:
    """The 2024 SDN snapshot with the 2023 address, alias and remark files: a newer
    version whose differences are the real changes in sdn.csv."""
    ofac = data_dir / "ofac"
    dest = folder / "sdn-2024"
    dest.mkdir(exist_ok=True)
    shutil.copyfile(ofac / "snapshots" / "sdn_2024-05-03.csv", dest / "sdn.csv")
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copyfile(ofac / name, dest / name)
    return dest


def build_ui_store(path: Path, data_dir: Path) -> Path:
    with Store(path) as store:
        load_paths(store, [data_dir / "ofac"])  # ofac-sdn v1 (2023) and ofac-cons v1
        load_paths(store, [_sdn_2024(path.parent, data_dir)])  # ofac-sdn v2
        load_paths(store, [data_dir / "un" / "consolidated.xml"])
        for name, role in USERS.items():
            create_user(store, name, role, actor="tests")
            set_password(store, name, PASSWORD, actor="tests")
        customers = path.parent / "customers.csv"
        customers.write_text(CUSTOMERS, encoding="utf-8")
        import_customers(store, customers, user="tests")
        run_monitor(store, full=True, user="tests")
    return path


@pytest.fixture(scope="session")
def ui_base_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    return build_ui_store(tmp_path_factory.mktemp("ui-base") / "store.db", data_dir)


@pytest.fixture()
def ui_db(tmp_path: Path, ui_base_db: Path) -> Path:
    """A private copy for a test that changes the store."""
    dest = tmp_path / "store.db"
    shutil.copyfile(ui_base_db, dest)
    return dest


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match is not None, "no CSRF field on the page"
    return match.group(1)


def sign_in(client: TestClient, user: str, password: str = PASSWORD) -> TestClient:
    form = client.get("/ui/login")
    response = client.post(
        "/ui/login",
        data={"username": user, "password": password, "csrf": csrf_of(form.text), "next": "/ui/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def ui_client(db: Path) -> Iterator[TestClient]:
    """An app over `db`, once its screening index is loaded."""
    with TestClient(create_app(db, reload_every=0)) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the index did not load in 60 s"
            time.sleep(0.05)
        yield client


@pytest.fixture()
def anon(ui_db: Path) -> Iterator[TestClient]:
    """Signed out, over a private copy of the store."""
    yield from ui_client(ui_db)


@pytest.fixture(scope="module")
def shared_client(
    tmp_path_factory: pytest.TempPathFactory, ui_base_db: Path
) -> Iterator[TestClient]:
    """One app over a module's copy, for read-only tests; sign in with `as_user`."""
    dest = tmp_path_factory.mktemp("ui") / "store.db"
    shutil.copyfile(ui_base_db, dest)
    yield from ui_client(dest)


def as_user(client: TestClient, user: str) -> TestClient:
    """The client signed in as `user` (signing out whoever was signed in)."""
    client.cookies.clear()
    return sign_in(client, user)
