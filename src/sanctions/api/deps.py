"""FastAPI dependencies every route module shares: the app's state, the key check, and the
checks of request options that depend on what this worker has loaded."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer

from ..auth import PERMISSIONS, Principal
from ..errors import QueryError
from ..screen import Screener
from ..settings import MAX_ROW_ID
from .errors import ApiError
from .models import ErrorResponse
from .state import ApiState

# The three ways to send a key, as security schemes of /openapi.json (any one will do).
_bearer = HTTPBearer(
    auto_error=False,
    description="`Authorization: Bearer <key>`, with a key from `sanctions keys create`.",
)
_apikey_header = APIKeyHeader(
    name="Authorization",
    scheme_name="ApiKey",
    auto_error=False,
    description="`Authorization: ApiKey <key>`: the header value is `ApiKey` and the key, as "
    "yente and its client send it.",
)
_apikey_query = APIKeyQuery(
    name="api_key",
    scheme_name="ApiKeyQuery",
    auto_error=False,
    description="`?api_key=<key>`, as the OpenSanctions API takes it; prefer a header, since "
    "URLs end up in proxy logs.",
)

# The error statuses routes document, all in the one JSON error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 404, 409, 413, 422, 503)
}
# Who a request acts as when the server runs --no-auth (local use only).
ANONYMOUS = Principal(key="(no auth)", user="anonymous", role="admin")


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.sanctions
    return state


# `ApiKey` is what yente and its client (yente-client) send; `Bearer` is ours.
_KEY_SCHEMES = ("bearer", "apikey")


def bearer_key(header: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` or `ApiKey <key>` header, else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return (value.strip() or None) if scheme.lower() in _KEY_SCHEMES else None


def require_key(
    request: Request,
    _bearer_credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    _apikey_header: Annotated[str | None, Security(_apikey_header)] = None,
    _apikey_query: Annotated[str | None, Security(_apikey_query)] = None,
) -> Principal:
    """401 unless the request carries a valid, unrevoked key of an active user (or the app
    runs --no-auth); the key's user and role, for permission checks and the audit trail.
    The security parameters only document the schemes: the key is read here, once."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    state = api_state(request)
    if state.settings.no_auth:
        request.state.principal = ANONYMOUS
        return ANONYMOUS
    # `?api_key=` as the OpenSanctions API takes it, for clients that cannot set headers.
    key = bearer_key(request.headers.get("authorization")) or (
        request.query_params.get("api_key", "").strip() or None
    )
    if key is None:
        raise ApiError(
            401,
            "an API key is required: send 'Authorization: Bearer <key>' (or 'ApiKey <key>')",
            "authorization",
        )
    principal = state.keys.identify(state.store(), key)
    if principal is None:
        raise ApiError(401, "the API key is not valid or has been revoked", "authorization")
    request.state.principal = principal
    return principal


def _permission(name: str) -> Any:
    """A dependency: the request's principal, 403 unless its role grants `name`."""
    assert name in PERMISSIONS

    def check(principal: Annotated[Principal, Depends(require_key)]) -> Principal:
        if not principal.may(name):
            raise ApiError(
                403,
                f"user {principal.user!r} has role {principal.role!r}; this needs the "
                f"{PERMISSIONS[name]} role or higher",
                "authorization",
            )
        return principal

    return Depends(check)


# Route parameters: `who: Decider` is the key's principal, refused unless it may decide.
Reader = Annotated[Principal, _permission("read")]
Decider = Annotated[Principal, _permission("decide")]
Approver = Annotated[Principal, _permission("approve")]
Auditor = Annotated[Principal, _permission("audit")]
Admin = Annotated[Principal, _permission("manage")]


# Ids and offsets beyond a 64-bit integer cannot exist; refusing them (422) keeps them from
# reaching the store, whose driver cannot bind them.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="Rows to skip.")]

# Query parameters every route takes besides its own.
_ALWAYS_ALLOWED = frozenset({"api_key"})


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def refuse_unknown_query(request: Request) -> None:
    """422 for a query parameter the route does not take, so a misspelt `?treshold=0.9` is
    not silently ignored (as unknown body fields are refused). The web UI is left alone."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.path.startswith("/ui"):
        return
    takes = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - takes - _ALWAYS_ALLOWED)
    if unknown:
        raise ApiError(
            422,
            f"unknown query parameter {unknown[0]!r}; this endpoint takes "
            + (", ".join(sorted(takes)) or "none"),
            unknown[0],
        )


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
