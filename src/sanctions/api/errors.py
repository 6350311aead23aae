"""One JSON error shape for every failure, and the request body size limit.

    {"ok": false, "error": "one sentence", "errors": [{"field": ..., "message": ...}], "status": N}

Our own errors carry their status (`sanctions.errors`: QueryError 422 naming the field,
NotFound 404, UsageError 400); FastAPI's validation errors keep the field path; a body that
is not JSON at all is a 400. Nothing reaches the client as a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from html import escape
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import SanctionsError, http_status_of

log = logging.getLogger("sanctions.api")


class ApiError(Exception):
    """An error with an HTTP status, raised by routes for cases our error tree lacks."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error_body(status: int, message: str, errors: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"ok": False, "error": message, "errors": list(errors), "status": status}


def error_response(
    status: int, message: str, errors: Sequence[dict[str, Any]] = (), **headers: str
) -> JSONResponse:
    return JSONResponse(error_body(status, message, errors), status_code=status, headers=headers)


def _field_path(loc: Sequence[Any]) -> str:
    # ("body", "queries", 3, "name") -> "queries[3].name"; the "body"/"query" prefix is noise.
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path") else loc)
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for item in exc.errors():
        if item.get("type") == "json_invalid":
            ctx = item.get("ctx") or {}
            detail = ctx.get("error", "invalid JSON")
            return error_response(
                400,
                f"the request body is not valid JSON: {detail}",
                [{"field": "body", "message": str(detail)}],
            )
        field = _field_path(item.get("loc", ()))
        message = item.get("msg", "invalid")
        content_type = request.headers.get("content-type", "")
        if field == "body" and "json" not in content_type and "multipart" not in content_type:
            message = f"send a JSON body with 'Content-Type: application/json' ({message})"
        errors.append({"field": field, "message": message})
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    return error_response(422, f"{first['field']}: {first['message']}", errors)


def _sanctions(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SanctionsError)
    message = " ".join(str(exc).splitlines())
    field = getattr(exc, "field", None)
    status = http_status_of(exc)
    errors = [{"field": field, "message": getattr(exc, "message", message)}]
    return error_response(status, message, errors)


def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return error_response(
        exc.status, exc.message, [{"field": exc.field, "message": exc.message}], **headers
    )


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no endpoint {request.method} {request.url.path}; see /docs"
    field = "body" if exc.status_code == 413 else None
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # RFC 9110: name every method the path takes
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return error_response(
        exc.status_code, message, [{"field": field, "message": message}], **headers
    )


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """The methods some route takes on the request's path (Starlette's 405 names only those
    of the first route that matched the path): each one tried against the app's routes."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


class InternalErrors:
    """The 500 for an exception no handler took: logged with its traceback, answered in the
    one JSON shape without it (no message, no path: those stay in the server log).

    A middleware, installed innermost, rather than an `Exception` handler: Starlette runs
    that handler outside every middleware, so its 500s went without the security headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except HTTPException:  # the body limit's 413, answered further out
            raise
        except Exception as exc:
            log.error("unexpected error on %s %s", scope["method"], scope["path"], exc_info=exc)
            if started:  # too late for a status: the client sees the connection end
                raise
            name = type(exc).__name__
            response = error_response(500, f"internal error ({name}); see the server log")
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(SanctionsError, _sanctions)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http)
    app.add_middleware(InternalErrors)  # the first middleware added, so the innermost


class BodyLimit:
    """413 for request bodies over a limit: `upload_limit` for upload paths, else `limit`.

    Checks Content-Length up front and counts streamed (chunked) bodies as they arrive.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        upload_limit: int,
        upload_prefix: tuple[str, ...] = ("/v1/batches", "/ui/batches", "/v1/scan"),
    ) -> None:
        self.app, self.limit, self.upload_limit = app, limit, upload_limit
        self.upload_prefix = upload_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"].startswith(self.upload_prefix)
        limit = self.upload_limit if upload else self.limit
        what = "an upload" if upload else "a request body"
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(scope, receive, send, int(declared), limit, what)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(seen, _too_large_message(what, seen, limit, streamed=True))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge as exc:
            if not started:
                await _too_large(scope, str(exc.detail))(scope, receive, send)

    @staticmethod
    async def _reject(
        scope: Scope, receive: Receive, send: Send, size: int, limit: int, what: str
    ) -> None:
        message = _too_large_message(what, size, limit)
        await _too_large(scope, message)(scope, receive, send)


def _too_large(scope: Scope, message: str) -> Response:
    """The 413: a plain page for the web UI's forms, the JSON error shape elsewhere."""
    if scope["path"].startswith("/ui/"):
        body = f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{escape(message)}</p>"
        return HTMLResponse(body + '<p><a href="/ui/batches">Back</a></p>', status_code=413)
    return error_response(413, message, [{"field": "body", "message": message}])


class _TooLarge(HTTPException):
    # An HTTPException, so FastAPI's body parsing passes it through instead of making it a 400.
    def __init__(self, size: int, message: str) -> None:
        super().__init__(413, message)
        self.size = size


def _too_large_message(what: str, size: int, limit: int, streamed: bool = False) -> str:
    amount = f"more than {limit:,} bytes" if streamed else f"{size:,} bytes"
    return f"{what} of {amount} is over the limit of {limit:,} bytes ({limit / 2**20:g} MiB)"


__all__ = [
    "ApiError",
    "BodyLimit",
    "InternalErrors",
    "error_body",
    "error_response",
    "install_error_handlers",
]
