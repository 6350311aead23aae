"""Sign-in, sessions, CSRF, roles and the security headers of the web UI, in-process over a
real store (tests/web/conftest.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from uihelpers import PASSWORD, csrf_of, sign_in, ui_client

from sanctions import auth, settings
from sanctions.auth import SIGN_IN_REFUSED
from sanctions.store import Store, audit
from sanctions.web import VIEWS
from sanctions.web.security import HEADERS, SESSION_COOKIE


def _post_login(client: TestClient, user: str, password: str, **extra: str) -> object:
    form = client.get("/ui/login")
    data = {"username": user, "password": password, "csrf": csrf_of(form.text), "next": "/ui/"}
    return client.post("/ui/login", data={**data, **extra}, follow_redirects=False)


def _ui_get_routes() -> list[str]:
    """Every GET page under /ui/ with its path parameters filled with a real value."""
    fill = {"{entity_id:path}": "ofac-sdn:23252", "{source}": "ofac-sdn", "{alert_id}": "1"}
    fill |= {"{customer_id}": "c-1", "{job_id}": "0123456789abcdef"}
    paths = []
    for route in (r for module in VIEWS for r in module.router.routes):
        path = getattr(route, "path", "")
        if not path.startswith("/ui") or "GET" not in getattr(route, "methods", set()):
            continue
        if path in ("/ui/login", "/ui"):
            continue
        for key, value in fill.items():
            path = path.replace(key, value)
        paths.append(path)
    return paths


def test_signed_out_pages_redirect_to_sign_in_and_show_no_data(anon: TestClient) -> None:
    paths = _ui_get_routes()
    assert {"/ui/", "/ui/screen"} <= set(paths)
    for path in paths:
        response = anon.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/ui/login?next="), path
        assert "GERTLER" not in response.text
    htmx = anon.get("/ui/screen?name=Dan", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"].startswith("/ui/login")


def test_sign_in_sets_a_server_side_session_cookie(anon: TestClient) -> None:
    response = _post_login(anon, "anna", PASSWORD, next="/ui/screen?name=Dan+Gertler")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/ui/screen?name=Dan+Gertler"  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert SESSION_COOKIE in cookie and "session" in SESSION_COOKIE
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie.split(SESSION_COOKIE)[1].split(",")[0]  # plain http here
    page = anon.get("/ui/screen?name=Dan+Gertler")
    assert page.status_code == 200 and "ofac-sdn:23252" in page.text
    assert "anna" in page.text


def test_secure_cookie_over_https(ui_db: Path) -> None:
    from sanctions.api import create_app

    with TestClient(create_app(ui_db, reload_every=0), base_url="https://testserver") as client:
        response = _post_login(client, "anna", PASSWORD)
        cookie = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
        assert "secure" in cookie.split(SESSION_COOKIE)[1].split(",")[0]


def test_wrong_password_and_unknown_user_get_the_same_answer(anon: TestClient) -> None:
    wrong = _post_login(anon, "anna", "not the password at all")
    unknown = _post_login(anon, "nobody", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 401  # type: ignore[attr-defined]
        assert SIGN_IN_REFUSED in response.text  # type: ignore[attr-defined]
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")  # type: ignore[attr-defined]
    assert anon.get("/ui/", follow_redirects=False).status_code == 303


def test_disabled_user_cannot_sign_in_and_loses_the_session(ui_db: Path) -> None:
    for client in ui_client(ui_db):
        sign_in(client, "anna")
        assert client.get("/ui/", follow_redirects=False).status_code == 200
        with Store(ui_db) as store:
            auth.disable_user(store, "anna", actor="tests")
        assert client.get("/ui/", follow_redirects=False).status_code == 303
        response = _post_login(client, "anna", PASSWORD)
        assert response.status_code == 401 and SIGN_IN_REFUSED in response.text  # type: ignore[attr-defined]


def test_repeated_failures_are_slowed_per_account_and_per_address(ui_db: Path) -> None:
    for client in ui_client(ui_db):
        for _ in range(settings.LOGIN_FREE_FAILURES):
            assert _post_login(client, "anna", "wrong wrong wrong").status_code == 401  # type: ignore[attr-defined]
        # Now even the right password waits: the account is slowed down.
        slowed = _post_login(client, "anna", PASSWORD)
        assert slowed.status_code == 429 and "try again in" in slowed.text  # type: ignore[attr-defined]
        # The address is slowed too, for another account.
        other = _post_login(client, "arno", PASSWORD)
        assert other.status_code == 429  # type: ignore[attr-defined]
    with Store(ui_db) as store:
        failed = [e for e in audit.entries(store.db) if e.action == "user.sign_in_failed"]
        assert len(failed) == settings.LOGIN_FREE_FAILURES
        assert all(PASSWORD not in e.data.__repr__() for e in audit.entries(store.db))


def test_sign_in_form_needs_its_csrf_token(anon: TestClient) -> None:
    anon.get("/ui/login")
    data = {"username": "anna", "password": PASSWORD, "next": "/ui/"}
    for token in (None, "x" * 43):
        body = data | ({"csrf": token} if token else {})
        response = anon.post("/ui/login", data=body, follow_redirects=False)
        assert response.status_code == 403
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_sign_out_ends_the_session_on_the_server(anon: TestClient) -> None:
    sign_in(anon, "anna")
    page = anon.get("/ui/")
    cookie = anon.cookies.get(SESSION_COOKIE)
    assert cookie
    refused = anon.post("/ui/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert anon.get("/ui/", follow_redirects=False).status_code == 200  # still signed in
    response = anon.post("/ui/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    anon.cookies.clear()
    anon.cookies.set(SESSION_COOKIE, cookie)  # replaying the old cookie does not work
    assert anon.get("/ui/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("limit", ["SESSION_IDLE_SECONDS", "SESSION_MAX_SECONDS"])
def test_sessions_expire(anon: TestClient, monkeypatch: pytest.MonkeyPatch, limit: str) -> None:
    sign_in(anon, "anna")
    assert anon.get("/ui/", follow_redirects=False).status_code == 200
    later = time.time() + getattr(settings, limit) + 5
    if limit == "SESSION_MAX_SECONDS":  # stay active: only the absolute limit can end it
        monkeypatch.setattr(settings, "SESSION_IDLE_SECONDS", 10**9)
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert anon.get("/ui/", follow_redirects=False).status_code == 303


def test_password_change_ends_sessions(ui_db: Path) -> None:
    for client in ui_client(ui_db):
        sign_in(client, "anna")
        with Store(ui_db) as store:
            auth.set_password(store, "anna", "another long password", actor="tests")
        assert client.get("/ui/", follow_redirects=False).status_code == 303
        assert _post_login(client, "anna", PASSWORD).status_code == 401  # type: ignore[attr-defined]
        assert _post_login(client, "anna", "another long password").status_code == 303  # type: ignore[attr-defined]


def test_next_never_leaves_the_ui(anon: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/ui/", "/v1/lists", "/ui/\\evil"):
        response = _post_login(anon, "anna", PASSWORD, next=target)
        assert response.headers["location"] == "/ui/", target  # type: ignore[attr-defined]
        anon.cookies.clear()


def test_security_headers_on_every_page(shared_client: TestClient) -> None:
    from uihelpers import as_user

    as_user(shared_client, "adam")
    for path in ("/ui/login", "/ui/", "/ui/screen?name=Dan+Gertler", "/ui/nope"):
        response = shared_client.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    api = shared_client.get("/healthz").headers  # the API's own, stricter policy
    assert api["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_pages_have_no_inline_script_or_style(shared_client: TestClient) -> None:
    from uihelpers import as_user

    as_user(shared_client, "adam")
    for path in ("/ui/login", "/ui/", "/ui/screen?name=Dan+Gertler"):
        html = shared_client.get(path).text
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert "<script src=" in html or path == "/ui/login"


def test_static_assets_are_served_locally(shared_client: TestClient) -> None:
    for asset in ("htmx.min.js", "app.js", "app.css"):
        response = shared_client.get(f"/ui/static/{asset}")
        assert response.status_code == 200 and len(response.content) > 500
    html = shared_client.get("/ui/login").text
    assert "http://" not in html and "https://" not in html  # no CDN


def test_passwords_are_stored_as_scrypt_hashes(ui_db: Path) -> None:
    with Store(ui_db) as store:
        encoded = store.db.one("SELECT password FROM users WHERE name = 'anna'")
    assert encoded is not None and encoded[0].startswith("scrypt$")
    assert PASSWORD not in encoded[0]
    assert auth.password_matches(PASSWORD, encoded[0])
    assert not auth.password_matches(PASSWORD + "x", encoded[0])
    assert not auth.password_matches(PASSWORD, None)
    with pytest.raises(Exception, match="at least 12"):
        auth.check_password("short")
