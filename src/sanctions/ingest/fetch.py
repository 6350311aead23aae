"""Downloading one official file: conditional GET, retries, a size cap, checksums, archiving.

All HTTP goes through `Fetcher`, which wraps one `httpx.Client` (tests point it at a loopback
server, or pass their own client or transport). A file is streamed to disk while its sha256
is computed, so memory use does not grow with the file, and the stream is cut as soon as it
passes `max_bytes`. Where is a URL (http/https) or a local path (mirrors); both give the
same `Fetched` result.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from ..errors import SanctionsError
from ..settings import FetchSettings

_CHUNK = 1 << 16
_HEAD = 1024  # bytes looked at to tell an HTML page from a list file
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title")

OnBytes = Callable[[int, int | None], None]  # (bytes so far, expected total or None)


class FetchError(SanctionsError):
    """A file could not be fetched; `retry` says whether trying again may help."""

    def __init__(
        self, url: str, message: str, *, retry: bool = False, retry_after: float | None = None
    ) -> None:
        self.url = url
        self.message = message
        self.retry = retry
        self.retry_after = retry_after
        super().__init__(f"{url}: {message}")


@dataclass
class Fetched:
    url: str
    status: str  # "downloaded", or "not-modified" (a 304: nothing was written)
    path: Path | None
    sha256: str | None
    size: int
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


def is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml"):  # XHTML error pages start like any XML file
        text = text[text.find(b"?>") + 2 :].lstrip()
    return text.startswith(_HTML_STARTS)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def archive(path: Path, sha256: str, root: Path) -> Path:
    """Move a verified download into the content-addressed archive (kept if already there).

    `path` must be on the archive's file system (the updater downloads into a folder inside
    `root`), so the move is an atomic rename: the archive never holds a partial file.
    """
    target = archive_path(root, sha256)
    if target.is_file():
        path.unlink()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        target.chmod(0o444)
    return target


class Fetcher:
    """Fetches files with the configured timeouts, retries and size cap."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        self._owns_client = client is None
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=True,
            headers={"User-Agent": settings.user_agent},
            transport=transport,
        )

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        dest: Path,
        *,
        expect: str,
        etag: str | None = None,
        last_modified: str | None = None,
        on_bytes: OnBytes | None = None,
    ) -> Fetched:
        """Fetch `url` into `dest`; `expect` names the format for error messages.

        Sends If-None-Match / If-Modified-Since when given; a 304 writes nothing. Retries
        connection errors, timeouts, 429 and 5xx with exponential backoff; other failures
        (4xx, an HTML page, a file over the size cap) are final at once.
        """
        if not is_http(url):
            return self._copy_local(url, dest, expect, on_bytes)
        tries = max(1, self.settings.retries)
        for attempt in range(1, tries + 1):
            try:
                return self._get(url, dest, expect, etag, last_modified, on_bytes)
            except FetchError as exc:
                dest.unlink(missing_ok=True)
                if not exc.retry or attempt == tries:
                    if attempt > 1:
                        raise FetchError(url, f"{exc.message} (after {attempt} attempts)") from None
                    raise
                delay = self.settings.backoff * 2 ** (attempt - 1)
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                self.sleep(min(delay, self.settings.max_backoff))
        raise AssertionError("unreachable")

    def _get(
        self,
        url: str,
        dest: Path,
        expect: str,
        etag: str | None,
        last_modified: str | None,
        on_bytes: OnBytes | None,
    ) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                code = response.status_code
                if code == 304:
                    if not headers:
                        raise FetchError(url, "answered 304 Not Modified to a plain request")
                    return Fetched(
                        url,
                        "not-modified",
                        None,
                        None,
                        0,
                        response.headers.get("etag", etag),
                        response.headers.get("last-modified", last_modified),
                    )
                if code != 200:
                    raise FetchError(
                        url,
                        f"HTTP {code} {response.reason_phrase}".rstrip(),
                        retry=code >= 500 or code == 429,
                        retry_after=_retry_after(response.headers.get("retry-after")),
                    )
                total = _content_length(response)
                if total is not None and total > self.settings.max_bytes:
                    raise FetchError(url, self._too_big(f"the server announces {total:,} bytes"))
                sha, size = self._save(
                    response.iter_bytes(_CHUNK), dest, url, expect, on_bytes, total
                )
                return Fetched(
                    url,
                    "downloaded",
                    dest,
                    sha,
                    size,
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                    response.headers.get("content-type"),
                )
        except httpx.TimeoutException as exc:
            kind = type(exc).__name__.removesuffix("Timeout").lower() or "request"
            raise FetchError(url, f"{kind} timed out", retry=True) from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(url, f"unsupported URL: {exc}") from None
        except httpx.TransportError as exc:  # refused, reset, or a body cut short
            raise FetchError(
                url, f"connection failed: {exc or type(exc).__name__}", retry=True
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # too many redirects, bad encoding
            raise FetchError(url, str(exc) or type(exc).__name__) from None

    def _copy_local(
        self, location: str, dest: Path, expect: str, on_bytes: OnBytes | None
    ) -> Fetched:
        path = Path(location.removeprefix("file://"))
        if not path.is_file():
            raise FetchError(location, "no such file")
        total = path.stat().st_size
        if total > self.settings.max_bytes:
            raise FetchError(location, self._too_big(f"the file is {total:,} bytes"))
        try:
            with path.open("rb") as handle:
                chunks = iter(lambda: handle.read(_CHUNK), b"")
                sha, size = self._save(chunks, dest, location, expect, on_bytes, total)
        except OSError as exc:
            raise FetchError(location, f"cannot read: {exc.strerror or exc}") from None
        return Fetched(location, "downloaded", dest, sha, size)

    def _save(
        self,
        chunks: Iterable[bytes],
        dest: Path,
        url: str,
        expect: str,
        on_bytes: OnBytes | None,
        total: int | None,
    ) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        head = b""
        with dest.open("wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise FetchError(url, self._too_big("download aborted"))
                if len(head) < _HEAD:
                    head += chunk
                    # Check once enough bytes are in, so a big HTML page is not downloaded.
                    if len(head) >= _HEAD and looks_like_html(head):
                        raise FetchError(url, f"got an HTML page, not {expect}")
                digest.update(chunk)
                handle.write(chunk)
                if on_bytes is not None:
                    on_bytes(size, total)
        if len(head) < _HEAD and looks_like_html(head):
            raise FetchError(url, f"got an HTML page, not {expect}")
        return digest.hexdigest(), size

    def _too_big(self, detail: str) -> str:
        return f"file is over the size limit of {self.settings.max_bytes:,} bytes ({detail})"


def _content_length(response: httpx.Response) -> int | None:
    # With Content-Encoding the length is of the compressed body; the cap applies to the
    # decoded bytes while streaming instead.
    value = response.headers.get("content-length")
    if value is None or response.headers.get("content-encoding"):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
