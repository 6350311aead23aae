"""FastAPI dependencies every route module shares: the app's state, the key check, and the
checks of request options that depend on what this worker has loaded."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..errors import QueryError
from ..screen import Screener
from .errors import ApiError
from .models import ErrorResponse
from .state import ApiState

_bearer = HTTPBearer(auto_error=False, description="An API key from `sanctions keys create`.")

# The error statuses routes document, all in the one JSON error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 404, 413, 422, 503)
}


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.sanctions
    return state


def bearer_key(header: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, else None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def require_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> None:
    """401 unless the request carries a valid, unrevoked key (or the app runs --no-auth)."""
    state = api_state(request)
    if state.settings.no_auth:
        return
    key = bearer_key(request.headers.get("authorization"))
    if key is None:
        raise ApiError(
            401, "an API key is required: send 'Authorization: Bearer <key>'", "authorization"
        )
    if state.keys.check(state.store(), key) is None:
        raise ApiError(401, "the API key is not valid or has been revoked", "authorization")


def check_lists(screener: Screener, lists: list[str] | None) -> list[str] | None:
    """The requested lists, when this worker has every one of them loaded."""
    if lists is None:
        return None
    unknown = sorted(set(lists) - set(screener.versions))
    if unknown:
        loaded = ", ".join(sorted(screener.versions)) or "none"
        raise QueryError(
            f"unknown list {', '.join(unknown)}; the loaded lists are {loaded}", field="lists"
        )
    return sorted(set(lists))
