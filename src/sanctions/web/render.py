"""Pages from Jinja2 templates (autoescaped: every value is text, never markup), with what
every page needs: the signed-in user, the CSRF token for its forms, the navigation."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from fastapi import Request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from ..auth import WebSession
from .security import CSRF_FIELD

NAV = (
    ("/ui/", "Dashboard", "read"),
    ("/ui/screen", "Screen", "read"),
    ("/ui/alerts", "Alerts", "read"),
    ("/ui/customers", "Customers", "read"),
    ("/ui/batches", "Batches", "read"),
    ("/ui/audit", "Audit", "audit"),
)


def _age(moment: str | None) -> str:
    """'3 h ago' for an ISO time; the time itself when it cannot be read."""
    if not moment:
        return ""
    try:
        then = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = (datetime.now(UTC) - then).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"


def _score(value: Any) -> str:
    return f"{float(value):.2f}" if value is not None else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("sanctions.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["age"] = _age
    env.filters["score"] = _score
    env.globals["csrf_field"] = CSRF_FIELD
    return env


def page(
    request: Request,
    template: str,
    session: WebSession | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A rendered template; `partial` pages (htmx swaps) leave out the frame."""
    nav = [
        (
            href,
            label,
            request.url.path == href or (href != "/ui/" and request.url.path.startswith(href)),
        )
        for href, label, permission in NAV
        if session is not None and session.may(permission)
    ]
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            session=session,
            csrf=session.csrf if session else "",
            nav=nav,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)
