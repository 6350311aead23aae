"""`/ui/login` (the sign-in form and its post) and `/ui/logout`."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from ...api.deps import api_state
from ...auth import SignInRefused, sign_in, sign_out
from ..render import page
from ..security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CheckedForm,
    Refused,
    SignedIn,
    clear_session_cookie,
    login_csrf,
    safe_next,
    set_login_csrf_cookie,
    set_session_cookie,
    tokens_match,
)

router = APIRouter(prefix="/ui", include_in_schema=False)
# A failed sign-in always takes at least this long, so timing tells nothing either.
_FAILURE_PAUSE = 0.25


def _form(
    request: Request, *, next_url: str, message: str = "", username: str = "", status: int = 200
) -> Response:
    token = login_csrf(request)
    response = page(
        request,
        "login.html",
        None,
        status=status,
        login_csrf=token,
        next=safe_next(next_url),
        message=message,
        username=username,
    )
    set_login_csrf_cookie(response, request, token)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/ui/") -> Response:
    return _form(request, next_url=next)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2048)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/",
) -> Response:
    if not tokens_match(csrf, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise Refused("the sign-in form's security token is missing or wrong; reload the page")
    address = request.client.host if request.client else "unknown"
    store = api_state(request).store()
    try:
        session = sign_in(store, username.strip(), password, address=address)
    except SignInRefused as exc:
        time.sleep(_FAILURE_PAUSE)  # in the thread pool: other requests go on meanwhile
        status = 429 if exc.wait else 401
        return _form(request, next_url=next, message=str(exc), username=username, status=status)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, request, session.id)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui")
    return response


@router.post("/logout")
def logout(request: Request, session: SignedIn, _form: CheckedForm) -> Response:
    sign_out(api_state(request).store(), request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/ui/login", status_code=303)
    clear_session_cookie(response, request)
    return response
