"""The portfolio pages of the web UI: customers (list, search, paging, one customer's
revisions, alerts, screenings, evidence report), the audit trail with chain verification,
and batch screening (upload, progress, hits CSV), in-process over the real store of
tests/web/conftest.py."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from uihelpers import as_user, csrf_of, sign_in, ui_client

from sanctions.api import create_app
from sanctions.monitor.customers import import_customers
from sanctions.monitor.report import customer_report
from sanctions.monitor.states import UNDECIDED
from sanctions.store import Store, audit, runs
from sanctions.store import alerts as alert_rows

CUSTOMER_LINK = re.compile(r'<a href="/ui/customers/([^"/]+)"><code')
AUDIT_ROW = re.compile(r'<tr>\s*<td class="num">(\d+)</td>')
JOB_URL = re.compile(r"^/ui/batches/([a-f0-9]{24})$")
NAMES_CSV = (
    b"id,name,schema\n"
    b"q1,Dan Gertler,Person\n"
    b"q2,Jane Ordinary Smith,Person\n"
    b"q3,Islamic Revolutionary Guard Corps,Organization\n"
)


def _db_of(client: TestClient) -> Path:
    return Path(client.app.state.sanctions.settings.db)  # type: ignore[attr-defined]


def _table(html: str, table_id: str) -> str:
    start = html.index(f'<table id="{table_id}"')
    return html[start : html.index("</table>", start)]


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def _listed(html: str) -> list[str]:
    return CUSTOMER_LINK.findall(_table(html, "customers")) if 'id="customers"' in html else []


# -- customers ---------------------------------------------------------------------------------


def test_customer_list_shows_counts_and_each_customer(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    response = client.get("/ui/customers")
    assert response.status_code == 200
    html = response.text
    assert _listed(html) == ["c-1", "c-2", "c-3", "c-4"]
    assert "4 active of 4 customers" in html
    table = _table(html, "customers")
    assert "Dan Gertler" in table and "Islamic Revolutionary Guard Corps" in table
    with Store(_db_of(client)) as store:
        open_c4 = alert_rows.count(store.db, customer_id="c-4", states=UNDECIDED)
        run = runs.last(store.db)
    assert open_c4 > 1 and run is not None
    row_c4 = table[table.index('href="/ui/customers/c-4"') :].split("</tr>")[0]
    assert f">{open_c4}</a>" in row_c4 and "Organization" in row_c4
    assert f"run #{run.id}" in row_c4 and "active" in row_c4
    row_c3 = table[table.index('href="/ui/customers/c-3"') :].split("</tr>")[0]
    assert row_c3.rstrip().endswith('<td class="num">0</td>')  # no alert for Jane


def test_customer_search_by_id_or_name_prefix(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    assert _listed(client.get("/ui/customers?q=c-2").text) == ["c-2"]
    assert _listed(client.get("/ui/customers?q=c-").text) == ["c-1", "c-2", "c-3", "c-4"]
    assert _listed(client.get("/ui/customers", params={"q": "dan GERT"}).text) == ["c-1"]
    assert _listed(client.get("/ui/customers", params={"q": "Islamic Rev"}).text) == ["c-4"]
    # The prefix compares romanized text as is (BGN/PCGN: "Мохаммад" is "mokhammad"), so a
    # Cyrillic prefix finds a Latin name where the romanizations agree; screening, not this
    # search, folds kh/h and the like.
    assert _listed(client.get("/ui/customers", params={"q": "Мо"}).text) == ["c-2"]
    assert _listed(client.get("/ui/customers", params={"q": "Mohammad J"}).text) == ["c-2"]
    nothing = client.get("/ui/customers", params={"q": "Gertler"})  # not a prefix
    assert nothing.status_code == 200 and _listed(nothing.text) == []
    assert "No customer's id or name starts with “Gertler”" in nothing.text


@pytest.fixture()
def portfolio_db(ui_db: Path, tmp_path: Path) -> Path:
    """The fixture's store with 60 more customers, c-1 revised and c-3 removed."""
    rows = ["id,name,schema,birth_date,country,aliases,segment"]
    rows.append("c-1,Dan Gertler,Person,1973-12-23,cd,Dan Gertler Jr;D. Gertler,retail")
    rows.append("c-2,Mohammad Javad Zarif,Person,,,,")
    rows.append("c-4,Islamic Revolutionary Guard Corps,Organization,,,,")
    rows += [f"p-{n:03d},Person Number {n},Person,,,," for n in range(1, 61)]
    extract = tmp_path / "portfolio.csv"
    extract.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Store(ui_db) as store:
        import_customers(store, extract, delete_missing=True, user="tests")
    return ui_db


@pytest.fixture()
def portfolio(portfolio_db: Path) -> Iterator[TestClient]:
    yield from ui_client(portfolio_db)


def test_customer_list_pages_by_50_and_hides_removed(portfolio: TestClient) -> None:
    client = sign_in(portfolio, "vera")
    first = client.get("/ui/customers")
    ids = _listed(first.text)
    assert len(ids) == 50 and ids[:3] == ["c-1", "c-2", "c-4"] and "c-3" not in ids
    assert "63 active of 64 customers" in first.text
    assert 'href="/ui/customers?page=2" rel="next"' in first.text and 'rel="prev"' not in first.text
    second = client.get("/ui/customers?page=2")
    rest = _listed(second.text)
    assert len(rest) == 13 and not set(ids) & set(rest) and rest[-1] == "p-060"
    assert (
        'href="/ui/customers?page=1" rel="prev"' in second.text and 'rel="next"' not in second.text
    )
    # a search pages the same way, keeping its query in the links
    searched = client.get("/ui/customers", params={"q": "person n"})
    assert len(_listed(searched.text)) == 50 and "q=person+n&amp;page=2" in searched.text
    assert _listed(client.get("/ui/customers?q=person+n&page=2").text)[-1] == "p-060"
    # removed customers only with the box ticked, and marked removed
    with_removed = client.get("/ui/customers?removed=true&q=c-")
    assert _listed(with_removed.text) == ["c-1", "c-2", "c-3", "c-4"]
    row_c3 = with_removed.text.split('href="/ui/customers/c-3"')[1].split("</tr>")[0]
    assert "removed" in row_c3
    # the revised c-1 is flagged until the next run screens its new revision
    row_c1 = first.text.split('href="/ui/customers/c-1"')[1].split("</tr>")[0]
    assert "revision 2 not yet screened" in row_c1


def test_customer_page_shows_record_revisions_alerts_screenings(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    response = client.get("/ui/customers/c-1")
    assert response.status_code == 200
    html = response.text
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert h1 is not None and "Dan Gertler" in h1.group(1)
    with Store(_db_of(client)) as store:
        (alert,) = alert_rows.listing(store.db, customer_id="c-1")
        screened = runs.for_customer(store.db, "c-1")
    alerts = _section(html, "customer-alerts")
    assert f'href="/ui/alerts/{alert.id}"' in alerts and "ofac-sdn:23252" in alerts
    assert alert.state in alerts and "1.00" in alerts
    revisions = _section(html, "revisions")
    assert "first revision" in revisions
    screenings = _section(html, "screenings")
    assert len(screened) == 1 and f"#{screened[0][0].id}" in screenings
    assert "screened in full (revision 1)" in screenings and "ofac-sdn v2" in screenings
    assert "1973-12-23" in html  # the current record


def test_revisions_show_what_changed_field_by_field(portfolio: TestClient) -> None:
    client = sign_in(portfolio, "vera")
    revisions = _section(client.get("/ui/customers/c-1").text, "revisions")
    row = revisions.split('<td class="num">2</td>')[1].split('<td class="num">1</td>')[0]
    assert re.search(
        r'Country</th><td><span class="diff-del">il</span></td>'
        r'<td><span class="diff-add">cd</span>',
        row,
    )
    assert re.search(
        r'Aliases</th><td><span class="hint">\(none\)</span></td>'
        r'<td><span class="diff-add">Dan Gertler Jr; D. Gertler</span>',
        row,
    )
    assert "Attributes.segment</th>" in row and "retail" in row
    assert "Birth date" not in row  # unchanged fields are not listed
    removed = client.get("/ui/customers/c-3")
    assert removed.status_code == 200 and "Removed on" in removed.text


def test_evidence_report_is_the_api_report_as_a_download(shared_client: TestClient) -> None:
    client = as_user(shared_client, "arno")
    page = client.get("/ui/customers/c-1")
    assert 'id="evidence-report" href="/ui/customers/c-1/report"' in page.text
    response = client.get("/ui/customers/c-1/report")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"] == "attachment; filename=c-1-evidence.json"
    with Store(_db_of(client)) as store:
        expected = json.loads(json.dumps(customer_report(store, "c-1")))
    got = response.json()
    assert got.pop("generated_at") and expected.pop("generated_at")
    assert got == expected and got["alerts"][0]["entity_id"] == "ofac-sdn:23252"


def test_evidence_report_needs_the_role_the_api_asks(shared_client: TestClient) -> None:
    # GET /v1/customers/{id}/report needs "audit" (approver): the page does not widen it.
    client = as_user(shared_client, "vera")
    assert client.get("/ui/customers/c-1/report").status_code == 403
    page = client.get("/ui/customers/c-1").text
    assert 'href="/ui/customers/c-1/report"' not in page and "needs the approver role" in page


def test_unknown_customer_is_a_404_page(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    response = client.get("/ui/customers/no-such-customer")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "no customer 'no-such-customer'" in unescape(response.text)
    assert as_user(client, "arno").get("/ui/customers/nope/report").status_code == 404


# -- audit -------------------------------------------------------------------------------------


def test_audit_page_lists_newest_first_and_filters(shared_client: TestClient) -> None:
    client = as_user(shared_client, "arno")
    response = client.get("/ui/audit")
    assert response.status_code == 200
    table = _table(response.text, "audit-entries")
    seqs = [int(s) for s in AUDIT_ROW.findall(table)]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) > 20
    assert "<code>user.created</code>" in table and "user:vera" in table
    assert '{"role":"viewer"}' in unescape(table)  # data as compact JSON
    users = client.get("/ui/audit", params={"actor": "tests", "action": "user.cr"}).text
    actions = re.findall(r'<td class="action"><code>([^<]+)</code>', _table(users, "audit-entries"))
    assert actions == ["user.created"] * 4
    none = client.get("/ui/audit", params={"actor": "nobody"}).text
    assert 'id="audit-entries"' not in none and "No entry matches" in none


def test_audit_needs_the_approver_role(shared_client: TestClient) -> None:
    for user in ("vera", "anna"):
        response = as_user(shared_client, user).get("/ui/audit")
        assert response.status_code == 403 and "audit-entries" not in response.text
        assert 'href="/ui/audit"' not in as_user(shared_client, user).get("/ui/").text
    assert as_user(shared_client, "adam").get("/ui/audit").status_code == 200


def test_audit_pages_by_100(ui_db: Path) -> None:
    with Store(ui_db) as store, store.db.transaction():
        for n in range(150):
            audit.append(store.db, "filler", "test.filler", f"n:{n}", {"n": n})
        last = audit.verify(store.db).entries
    with TestClient(create_app(ui_db, reload_every=0)) as client:
        sign_in(client, "arno")
        first = client.get("/ui/audit?actor=filler").text
        seqs = [int(s) for s in AUDIT_ROW.findall(first)]
        assert len(seqs) == 100 and seqs[0] == last
        older = re.search(r'<a href="([^"]+)" rel="next">', first)
        assert older is not None and 'rel="prev"' not in first
        second = client.get(older.group(1).replace("&amp;", "&")).text
        rest = [int(s) for s in AUDIT_ROW.findall(second)]
        assert len(rest) == 50 and rest[0] == seqs[-1] - 1 and 'rel="next"' not in second
        newer = re.search(r'<a href="([^"]+)" rel="prev">', second)
        assert newer is not None
        back = client.get(newer.group(1).replace("&amp;", "&")).text
        assert [int(s) for s in AUDIT_ROW.findall(back)] == seqs


def _verify(client: TestClient, token: str, htmx: bool) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post("/ui/audit/verify", data={"csrf": token}, headers=headers)
    assert response.status_code == 200
    return response.text


def test_verify_reports_an_intact_chain_then_the_tampered_entry(anon: TestClient) -> None:
    client = sign_in(anon, "arno")
    token = csrf_of(client.get("/ui/audit").text)
    fragment = _verify(client, token, htmx=True)
    with Store(_db_of(client)) as store:
        entries = audit.verify(store.db).entries
    assert fragment.startswith('<div id="verify-result"') and "<html" not in fragment
    assert "The chain is intact" in fragment and f"{entries} entries verified" in fragment
    full = _verify(client, token, htmx=False)
    assert 'id="audit-entries"' in full and 'id="verify-result"' in full
    assert "The chain is intact" in full
    # someone edits entry 5 behind the application's back
    with sqlite3.connect(_db_of(client)) as db:
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5")
    broken = _verify(client, token, htmx=True)
    assert "The chain is broken at entry 5" in broken
    assert "does not match its hash" in broken and "4 entries before it verified" in broken
    assert "The chain is broken at entry 5" in _verify(client, token, htmx=False)


def test_verify_without_the_csrf_token_or_the_role_is_refused(anon: TestClient) -> None:
    client = sign_in(anon, "arno")
    assert client.post("/ui/audit/verify").status_code == 403
    refused = client.post("/ui/audit/verify", data={"csrf": "wrong"}, headers={"HX-Request": "1"})
    assert refused.status_code == 403 and "intact" not in refused.text
    client.cookies.clear()
    sign_in(client, "anna")
    token = csrf_of(client.get("/ui/").text)
    assert client.post("/ui/audit/verify", data={"csrf": token}).status_code == 403


# -- batches -----------------------------------------------------------------------------------


def _ready(client: TestClient) -> TestClient:
    state = client.app.state.sanctions  # type: ignore[attr-defined]
    deadline = time.monotonic() + 120
    while state.current is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state.current is not None, state.load_error
    return client


def _upload(client: TestClient, name: str, content: bytes, **data: str) -> object:
    token = csrf_of(client.get("/ui/batches").text)
    return client.post(
        "/ui/batches",
        data={"csrf": token, **data},
        files={"file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def _jobs_dir(client: TestClient) -> Path:
    return Path(client.app.state.sanctions.settings.jobs_dir)  # type: ignore[attr-defined]


def _jobs_started(client: TestClient) -> list[str]:
    folder = _jobs_dir(client)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_viewer_uploads_a_csv_and_downloads_its_hits(anon: TestClient) -> None:
    client = _ready(sign_in(anon, "vera"))
    page = client.get("/ui/batches").text
    assert 'id="batch-form"' in page and 'enctype="multipart/form-data"' in page
    assert '<input type="file" name="file" id="batch-file"' in page and 'id="batch-submit"' in page
    response = _upload(client, "names.csv", NAMES_CSV, threshold="0.8")
    assert response.status_code == 303  # type: ignore[attr-defined]
    match = JOB_URL.match(response.headers["location"])  # type: ignore[attr-defined]
    assert match is not None
    job_id = match.group(1)
    job_page = client.get(f"/ui/batches/{job_id}").text
    assert 'id="batch-status"' in job_page and "names.csv" in job_page and "<progress" in job_page
    deadline = time.monotonic() + 60
    fragment = client.get(f"/ui/batches/{job_id}/progress").text
    while ">done<" not in fragment and time.monotonic() < deadline:
        assert f'hx-get="/ui/batches/{job_id}/progress" hx-trigger="every 1s"' in fragment
        assert ">failed<" not in fragment, fragment
        time.sleep(0.2)
        fragment = client.get(f"/ui/batches/{job_id}/progress").text
    assert '<span id="batch-status"' in fragment and ">done<" in fragment
    assert "hx-trigger" not in fragment and "<html" not in fragment  # polling stops
    assert 'value="3"' in fragment and "3 of 3 rows" in fragment
    assert f'id="batch-download" href="/ui/batches/{job_id}/hits.csv"' in fragment
    hits = client.get(f"/ui/batches/{job_id}/hits.csv")
    assert hits.status_code == 200 and hits.headers["content-type"].startswith("text/csv")
    assert "names-hits.csv" in hits.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(hits.text)))
    assert {"query_id": "q1", "entity_id": "ofac-sdn:23252"}.items() <= rows[0].items()
    assert "q2" not in {r["query_id"] for r in rows} and all(float(r["score"]) >= 0.8 for r in rows)
    listed = client.get("/ui/batches").text
    assert f'href="/ui/batches/{job_id}"' in listed and "names.csv" in listed


BAD_UPLOADS = [
    ("names.csv", b"id,nom\nq1,Dan Gertler\n", {}, "no &#39;name&#39; column in the header"),
    ("names.txt", b"name\nDan Gertler\n", {}, "must be a .csv or .parquet file"),
    ("empty.csv", b"", {}, "is empty; expected a header row"),
    ("bytes.csv", b"\xffname\nDan Gertler\n", {}, "line 1: not valid UTF-8"),
    ("", b"", {}, "choose a CSV file"),
    ("names.csv", NAMES_CSV, {"threshold": "2"}, "threshold 2 is not between 0 and 1"),
    ("names.csv", NAMES_CSV, {"threshold": "high"}, "threshold &#39;high&#39; is not a number"),
]


def test_a_bad_upload_is_named_on_the_form_and_starts_nothing(anon: TestClient) -> None:
    client = _ready(sign_in(anon, "vera"))
    for name, content, data, message in BAD_UPLOADS:
        response = _upload(client, name, content, **data)
        assert response.status_code == 422, name  # type: ignore[attr-defined]
        page = response.text  # type: ignore[attr-defined]
        assert 'id="batch-error"' in page and message in page, (name, page)
        assert 'id="batch-form"' in page  # the form again, to retry
        assert "input." not in page and str(_jobs_dir(client)) not in page  # no server path
    assert _jobs_started(client) == []


def test_a_job_that_fails_says_why_and_has_no_hits(anon: TestClient) -> None:
    # The header reads, so the job starts; row 2's bad byte fails it while it runs.
    client = _ready(sign_in(anon, "vera"))
    response = _upload(client, "late.csv", b"name\nDan Gertler\nJ\xffne\n")
    assert response.status_code == 303  # type: ignore[attr-defined]
    job_url = response.headers["location"]  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    fragment = client.get(f"{job_url}/progress").text
    while 'hx-trigger="every 1s"' in fragment and time.monotonic() < deadline:
        time.sleep(0.2)
        fragment = client.get(f"{job_url}/progress").text
    assert ">failed<" in fragment and "line 3: not valid UTF-8" in fragment, fragment
    assert "hx-trigger" not in fragment and 'id="batch-download"' not in fragment
    assert str(_jobs_dir(client)) not in fragment
    refused = client.get(f"{job_url}/hits.csv")
    assert refused.status_code == 409 and "is failed" in refused.text


def test_an_upload_over_the_size_limit_is_refused(ui_db: Path) -> None:
    app = create_app(ui_db, reload_every=0, max_body_bytes=20_000, max_upload_bytes=20_000)
    with TestClient(app) as client:
        _ready(sign_in(client, "vera"))
        response = _upload(client, "big.csv", b"name\n" + b"Dan Gertler\n" * 5000)
        assert response.status_code == 413  # type: ignore[attr-defined]
        assert _jobs_started(client) == []


def test_a_signed_out_or_forged_upload_starts_nothing(anon: TestClient) -> None:
    response = anon.post(
        "/ui/batches", files={"file": ("names.csv", NAMES_CSV)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/login")
    assert _jobs_started(anon) == []
    client = _ready(sign_in(anon, "vera"))
    forged = client.post(
        "/ui/batches", data={"csrf": "forged"}, files={"file": ("names.csv", NAMES_CSV)}
    )
    assert forged.status_code == 403 and _jobs_started(client) == []


def test_unknown_jobs_are_404_pages(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    for path in ("", "/progress", "/hits.csv"):
        response = client.get(f"/ui/batches/0123456789abcdef01234567{path}")
        assert response.status_code == 404 and "no batch job" in response.text
    assert client.get("/ui/batches/..%2F..%2Fetc/hits.csv").status_code == 404


def test_signed_out_portfolio_pages_redirect_to_sign_in(anon: TestClient) -> None:
    for path in ("/ui/customers", "/ui/customers/c-1", "/ui/customers/c-1/report", "/ui/audit"):
        response = anon.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/ui/login?next=" in response.headers["location"]
        assert "Gertler" not in response.text
    posted = anon.post("/ui/audit/verify", follow_redirects=False)
    assert posted.status_code == 303
