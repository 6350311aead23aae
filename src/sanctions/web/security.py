"""Who a browser is, and what it may do: the session cookie, the CSRF check on every form
post, role checks, and the headers every UI response carries.

The session itself (creation, expiry, sign-out) is `sanctions.auth`; this module only
moves it between the cookie and the request. Every refusal happens here, on the server,
whatever buttons a page shows.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ..api.deps import api_state
from ..auth import PERMISSIONS, WebSession, session_for
from ..settings import SESSION_MAX_SECONDS

SESSION_COOKIE = "sanctions_session"
LOGIN_CSRF_COOKIE = "sanctions_login_csrf"  # the sign-in form's token, before any session
CSRF_FIELD = "csrf"
UI_PREFIX = "/ui"

# No inline script or style anywhere: everything comes from /ui/static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class SignInRequired(Exception):
    """No live session: the handler sends the browser to the sign-in form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class Refused(Exception):
    """A signed-in user asked for something the role or the form does not allow (403)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=SESSION_MAX_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


def login_csrf(request: Request) -> str:
    """The sign-in form's token: the cookie's when the browser has one, else a new one."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    return token if token and 20 <= len(token) <= 100 else secrets.token_urlsafe(32)


def set_login_csrf_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path=UI_PREFIX,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def tokens_match(sent: Any, expected: str | None) -> bool:
    return (
        isinstance(sent, str)
        and bool(expected)
        and hmac.compare_digest(sent.encode(), (expected or "").encode())
    )


def current_session(request: Request) -> WebSession:
    """The request's live session, or `SignInRequired` (a redirect to the sign-in form)."""
    cached: WebSession | None = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    session = session_for(api_state(request).store(), request.cookies.get(SESSION_COOKIE))
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    request.state.web_session = session
    return session


SignedIn = Annotated[WebSession, Depends(current_session)]


def may(permission: str) -> Any:
    """A dependency: the session, refused (403) unless its role grants `permission`."""
    assert permission in PERMISSIONS

    def check(session: SignedIn) -> WebSession:
        if not session.may(permission):
            raise Refused(
                f"{session.user} has the {session.role} role; this needs "
                f"{PERMISSIONS[permission]} or higher"
            )
        return session

    return Depends(check)


async def checked_form(request: Request, session: SignedIn) -> AsyncIterator[FormData]:
    """The posted form, refused (403, nothing changed) unless it carries the session's
    CSRF token; its uploaded files are closed when the request ends, refused or not."""
    form = await request.form()
    try:
        if not tokens_match(form.get(CSRF_FIELD), session.csrf):
            raise Refused(
                "the form's security token is missing or wrong; reload the page and retry"
            )
        yield form
    finally:
        await form.close()


CheckedForm = Annotated[FormData, Depends(checked_form)]
Viewer = Annotated[WebSession, may("read")]
Analyst = Annotated[WebSession, may("decide")]
Approver = Annotated[WebSession, may("approve")]
AuditReader = Annotated[WebSession, may("audit")]
Admin = Annotated[WebSession, may("manage")]


def sign_in_url(next_url: str) -> str:
    return f"{UI_PREFIX}/login?next={quote(next_url, safe='')}"


def safe_next(value: str | None) -> str:
    """Only a path inside the UI: `next=https://evil.example` must not redirect away."""
    inside = bool(value) and (value or "").startswith(UI_PREFIX + "/")
    if inside and not any(c in (value or "") for c in "\\\r\n"):
        return value or ""
    return UI_PREFIX + "/"


def ui_headers(path: str) -> dict[str, str] | None:
    """The headers of every response under /ui (the API sets its own elsewhere)."""
    return HEADERS if path == UI_PREFIX or path.startswith(UI_PREFIX + "/") else None
