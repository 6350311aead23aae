"""The nesting limit of JSON request bodies (the size limit is `errors.BodyLimit`).

Python's JSON parser recurses once per level: a body of a few thousand `[` would reach the
interpreter's recursion limit, and deep but small documents cost the validators far more
than their size suggests. No request of ours nests deeper than a handful of levels, so a
JSON body nested deeper than `MAX_JSON_DEPTH` is refused (400) before anything parses it.
"""

from __future__ import annotations

import re
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import MAX_JSON_DEPTH
from .errors import error_response

# A JSON string, skipped whole so that brackets inside names do not count. An unterminated
# string runs to the end of the body, so every match succeeds at its first try and the
# scan stays linear in the body's length whatever the body holds.
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
# Routes whose body is a document to read, not a request to parse (a JSON file to scan).
RAW_BODIES = ("/v1/scan",)
_STEP = tuple(1 if c in b"[{" else -1 if c in b"]}" else 0 for c in range(256))


def nesting(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a bare value), counted
    without parsing it: the running count of opening less closing brackets, at its highest."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


class JsonDepthLimit:
    """400 for a JSON request body nested deeper than `limit` levels. Buffers JSON bodies
    (which the body limit, outside this middleware, keeps small) and replays them."""

    def __init__(
        self, app: ASGIApp, *, limit: int = MAX_JSON_DEPTH, raw: tuple[str, ...] = RAW_BODIES
    ) -> None:
        self.app, self.limit, self.raw = app, limit, raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.raw) or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        depth = nesting(body)
        if depth > self.limit:
            text = f"the JSON body nests {depth:,} levels deep; the limit is {self.limit}"
            response = error_response(400, text, [{"field": "body", "message": text}])
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


__all__ = ["JsonDepthLimit", "nesting"]
