"""Security headers on responses, as a plain ASGI middleware (it only adds headers to the
response start and leaves the request body stream alone, so the body limit's 413 still
reaches the client). The API's JSON gets `API_HEADERS`; the web UI installs its own set for
/ui; the interactive docs (/docs, /redoc load Swagger UI and ReDoc scripts) get no CSP."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # screening results and customer data: never in a shared cache
}
DOCS_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")


class SecurityHeaders:
    """Adds `headers_for(path)` (None: none) to each HTTP response, keeping headers a route
    set itself."""

    def __init__(
        self, app: ASGIApp, *, headers_for: Callable[[str], Mapping[str, str] | None]
    ) -> None:
        self.app, self.headers_for = app, headers_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = self.headers_for(scope.get("path", "")) if scope["type"] == "http" else None
        if not wanted:
            await self.app(scope, receive, send)
            return
        extra = [(k.lower().encode(), v.encode()) for k, v in wanted.items()]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, with_headers)


def api_headers(path: str) -> Mapping[str, str] | None:
    """The headers of every response outside the web UI (which sets its own)."""
    if path == "/ui" or path.startswith("/ui/"):
        return None
    if path.startswith(DOCS_PATHS):
        return DOCS_HEADERS
    return API_HEADERS
