"""A real HTTP server on 127.0.0.1 for download tests: files by name, validators, faults.

It serves `files` (name -> bytes) at `/<name>` with an ETag and Last-Modified, answers
conditional requests with 304, logs every request, and can be told to misbehave per file:

    "500"        HTTP 500 with a small body
    "404"        HTTP 404
    "slow"       sleep `slow_seconds` before answering (client timeouts)
    "truncated"  announce the full Content-Length, send half, close the connection
    "cut"        send the first 60 % of the file as if it were all of it
    "html"       200 with an HTML maintenance page (Content-Type text/html)
    "huge"       stream junk without a Content-Length until the client hangs up
    "huge-declared"  announce a 100 MiB Content-Length
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
    b"<body><h1>We are down for maintenance</h1>"
    + b"<p>Please come back later.</p>" * 100
    + b"</body></html>\n"
)
LAST_MODIFIED = "Thu, 28 Dec 2023 18:43:00 GMT"


@dataclass
class Request:
    name: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int = 0

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


class ListServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, tuple[str, int | None]] = {}  # name -> (fault, times left)
        self.requests: list[Request] = []
        self.sent: dict[str, int] = {}  # body bytes written per name
        self.slow_seconds = 1.0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda *args: None  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def fault(self, name: str, kind: str, times: int | None = None) -> None:
        self.faults[name] = (kind, times)

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.requests.clear()
            self.sent.clear()

    def of(self, name: str) -> list[Request]:
        return [r for r in self.requests if r.name == name]

    def start(self) -> ListServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _take_fault(self, name: str) -> str | None:
        with self.lock:
            kind, times = self.faults.get(name, (None, None))
            if kind is not None and times is not None:
                if times <= 1:
                    del self.faults[name]
                else:
                    self.faults[name] = (kind, times - 1)
            return kind


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _handler(server: ListServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: bytes, **headers: str) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self._write(body)

        def _write(self, body: bytes) -> None:
            self.wfile.write(body)
            self.wfile.flush()
            name = self.path.lstrip("/")
            with server.lock:
                server.sent[name] = server.sent.get(name, 0) + len(body)

        def do_GET(self) -> None:
            name = self.path.lstrip("/")
            request = Request(
                name, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            )
            with server.lock:
                server.requests.append(request)
            # The client may hang up (timeout, size cap): expected in these tests.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(name, request)

        def _answer(self, name: str, request: Request) -> None:
            fault = server._take_fault(name)
            body = server.files.get(name)
            if fault == "slow":
                time.sleep(server.slow_seconds)
            if fault in ("500", "404") or body is None:
                request.status = int(fault or 404)
                self._send(request.status, b"error\n", Content_Type="text/plain")
                return
            request.status = 200
            if fault == "html":
                self._send(200, HTML_PAGE, Content_Type="text/html; charset=utf-8")
            elif fault == "truncated":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._write(body[: len(body) // 2])
                self.close_connection = True
            elif fault == "cut":
                part = body[: int(len(body) * 0.6)]
                self._send(200, part, Content_Length=str(len(part)))
            elif fault == "huge":
                self.send_response(200)
                self.end_headers()  # no Content-Length: the body runs until the socket closes
                line = b'99999,"JUNK",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
                for _ in range(1_000_000):  # ~70 MB unless the client hangs up first
                    self._write(line * 16)
            elif fault == "huge-declared":
                self.send_response(200)
                self.send_header("Content-Length", str(100 * 1024 * 1024))
                self.end_headers()
                self._write(body[:1000])
            else:
                etag = etag_of(body)
                if request.if_none_match == etag or (
                    request.if_none_match is None and request.if_modified_since == LAST_MODIFIED
                ):
                    request.status = 304
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                kind = "application/xml" if name.endswith(".xml") else "text/csv"
                self._send(
                    200,
                    body,
                    Content_Type=kind,
                    Content_Length=str(len(body)),
                    ETag=etag,
                    Last_Modified=LAST_MODIFIED,
                )

    return Handler
