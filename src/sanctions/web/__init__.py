"""The analysts' web UI under /ui/, on the API's FastAPI app: server-rendered Jinja2 pages
with htmx for partial updates, every asset served from `static/` (no CDN: it must work on
an air-gapped network). Pages call the same façade and services as the API routes.

security.py  sessions, CSRF, roles, security headers
render.py    the templates and what every page gets
views/       one module per group of pages
"""

from __future__ import annotations

import inspect
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response

from ..api.errors import ApiError
from ..api.headers import SecurityHeaders
from ..errors import SanctionsError
from .render import page
from .security import Refused, SignInRequired, sign_in_url, ui_headers
from .views import alerts, audit, batches, customers, entities, home, screening, signin

STATIC = Path(__file__).parent / "static"
VIEWS = (signin, home, screening, entities, alerts, customers, audit, batches)


def install(app: FastAPI) -> None:
    """Add the UI's pages, its static files and its headers to the API's app."""
    for module in VIEWS:
        app.include_router(module.router)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    app.add_middleware(SecurityHeaders, headers_for=ui_headers)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        target = sign_in_url(exc.next_url if request.method == "GET" else "/ui/")
        if request.headers.get("hx-request"):  # an htmx swap: make the whole page move
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    api_handlers = dict(app.exception_handlers)

    def _on_ui_page(kind: type[Exception]) -> None:
        """On /ui pages this error is a page; elsewhere, the API's JSON error as before."""
        fallback = api_handlers[kind]

        async def handle(request: Request, exc: Exception) -> Response:
            if not _is_ui(request):
                result = fallback(request, exc)
                response: Response = await result if inspect.isawaitable(result) else result
                return response
            status = getattr(exc, "http_status", getattr(exc, "status", 422))
            message = str(exc)
            if isinstance(exc, RequestValidationError):
                message = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
                )
            return ui_error(request, status, message)

        app.add_exception_handler(kind, handle)

    _on_ui_page(SanctionsError)
    _on_ui_page(RequestValidationError)
    _on_ui_page(ApiError)  # e.g. 503 while the index is still loading

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        session = getattr(request.state, "web_session", None)
        heading = "Not allowed" if exc.status == 403 else "Cannot do that"
        return page(
            request, "error.html", session, status=exc.status, heading=heading, message=exc.message
        )


def _is_ui(request: Request) -> bool:
    return request.url.path == "/ui" or request.url.path.startswith("/ui/")


def ui_error(request: Request, status: int, message: str) -> Response:
    """Our own errors on a UI page: the same message the API gives, on a page."""
    session = getattr(request.state, "web_session", None)
    heading = {404: "Not found", 503: "Not ready yet"}.get(status, "Cannot do that")
    return page(request, "error.html", session, status=status, heading=heading, message=message)


__all__ = ["install", "ui_error"]
