"""One entry point for payment files: tell ISO 20022 XML from SWIFT MT and read its messages."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import FormatError, ParseError
from .iso20022 import iter_iso20022
from .message import Message
from .mt import iter_mt

_SNIFF_BYTES = 4096
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def detect(head: bytes) -> str:
    """ "xml" or "mt" from the first bytes of a file; FormatError for anything else."""
    if not head.strip():
        raise ParseError("file is empty")
    if head.startswith(_UTF16_BOMS):
        # lxml reads UTF-16 XML by its BOM; the MT reader refuses UTF-16 with its own message.
        return "xml" if head.decode("utf-16", "ignore").lstrip()[:1] == "<" else "mt"
    text = head.removeprefix(_UTF8_BOM).lstrip()
    if text.startswith(b"<"):
        return "xml"
    if text.startswith((b"{", b"$")):
        return "mt"
    sample = text[:20].decode("utf-8", "replace")
    raise FormatError(f"neither ISO 20022 XML nor a SWIFT MT message (it starts with {sample!r})")


def iter_stream(stream: IO[bytes], source: str) -> Iterator[Message]:
    """The messages of a seekable binary stream, in order."""
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    try:
        kind = detect(head)
    except (FormatError, ParseError) as exc:
        raise type(exc)(exc.message, path=source) from None
    if kind == "xml":
        yield from iter_iso20022(stream, source)
    else:
        yield from iter_mt(stream, source)


def iter_messages(path: str | Path) -> Iterator[Message]:
    """The messages of a payment file one by one (memory stays bounded however many)."""
    with open(path, "rb") as handle:
        yield from iter_stream(handle, str(path))


def read_messages(path: str | Path) -> list[Message]:
    """Every message of a payment file: ISO 20022 XML (pacs.008, pacs.009, pain.001) or
    SWIFT MT (MT103, MT202, MT202COV), told apart by their first bytes."""
    return list(iter_messages(path))


def parse_messages(data: bytes, source: str = "<input>") -> list[Message]:
    """The same for a message body held in memory (an API request)."""
    return list(iter_stream(io.BytesIO(data), source))
