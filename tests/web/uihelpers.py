"""What the web UI tests share besides fixtures: the fixture store's users and customers, and
signing in through the real form (imported as `uihelpers`: a name no other test folder uses)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

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


def as_user(client: TestClient, user: str) -> TestClient:
    """The client signed in as `user` (signing out whoever was signed in)."""
    client.cookies.clear()
    return sign_in(client, user)
