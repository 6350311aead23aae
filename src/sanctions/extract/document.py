"""Documents into one text to scan: plain text, HTML, PDF, DOCX and e-mail.

The format is told by the content first (magic bytes: `%PDF-`, a ZIP holding
`word/document.xml`, RFC 5322 headers, an `<html` tag) and by the file name's extension second
(`.html` text is HTML, `.eml` is a message); a binary format we do not read (images, legacy
Office files, archives) or bytes that are no text in any encoding is a `FormatError` naming the
file and what was seen, and so is an extension the content contradicts ("report.pdf" that is
not a PDF). Broken files of a known format (a truncated PDF, a corrupt ZIP, malformed XML) are a
`ParseError`. An empty file is a `ParseError` too: "nothing found" must mean the document was
read. Inputs over `settings.MAX_DOCUMENT_BYTES` are refused before they are read.

Each format's reader lives in `readers/`; this module picks one and joins its parts with a
blank line ("\\n\\n"), keeping where each PDF page starts so findings can name their page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError, ParseError
from ..settings import MAX_DOCUMENT_BYTES
from .readers.docx import read_docx
from .readers.eml import read_eml
from .readers.html import html_to_text
from .readers.pdf import read_pdf
from .readers.text import decode

FORMATS = ("text", "html", "pdf", "docx", "eml")
SEPARATOR = "\n\n"

# Binary formats we recognise only to refuse with a useful message (other binaries are
# refused by the text reader: NUL bytes, control characters, no encoding fits).
_REFUSED = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (legacy Word .doc, Excel .xls, "
     "Outlook .msg, or a password-protected Office file): save it as DOCX or PDF"),
    (b"{\\rtf", "an RTF document: save it as DOCX or PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image: a scan needs OCR first"),
    (b"\xff\xd8\xff", "a JPEG image: a scan needs OCR first"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image: a scan needs OCR first"),
    (b"MM\x00*", "a TIFF image: a scan needs OCR first"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive: unpack it first"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
)  # fmt: skip
_HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml"})
_EML_EXTENSIONS = frozenset({".eml", ".mht", ".mhtml"})
_BINARY_EXTENSIONS = {".pdf": "pdf", ".docx": "docx"}
_ODD_CHARACTERS = re.compile("[\r\xad\u200b\ufeff]")  # a lone CR; invisible characters
_HTML_TAGS = ("<!doctype html", "<html", "<head", "<body", "<p>", "<div", "<table", "<br")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{2,40})""", re.I
)
_MAIL_HEADERS = frozenset(
    {
        "from", "to", "cc", "subject", "date", "message-id", "mime-version", "received",
        "return-path", "reply-to", "sender", "delivered-to", "content-type", "x-mailer",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    number: int  # 1-based (PDF pages; 1 for other formats)
    start: int  # character offset of the page in Document.text


@dataclass
class Document:
    source: str  # file name
    format: str  # "text", "html", "pdf", "docx", "eml"
    text: str  # the extracted text, one string; parts joined with "\n\n"
    pages: list[Page]
    parts: list[str]  # what went in, e.g. ["headers", "body text/plain", "attachment names"]
    encoding: str | None = None  # of plain text and HTML, as detected
    warnings: list[str] = field(default_factory=list)  # read, but not all of it (PDF pages)

    def page_of(self, offset: int) -> int:
        """The number of the page holding character `offset` of `text`."""
        index = bisect_right([page.start for page in self.pages], offset) - 1
        return self.pages[max(0, index)].number if self.pages else 1


def read_document(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """Read the file at `path` (any supported format) into a `Document`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        _check_size(size, str(path), max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may grow between stat and read
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", path=path) from None
    return document_from_bytes(data, str(path), max_bytes=max_bytes)


def document_from_bytes(data: bytes, name: str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """A `Document` from bytes (an API upload); `name` gives the extension and names errors."""
    _check_size(len(data), name, max_bytes)
    if not data or data.isspace():
        raise ParseError(
            "the file is empty" if not data else "the file holds only whitespace", path=name
        )
    kind = detect_format(data, name)
    if kind == "pdf":
        pages, warnings = read_pdf(data, name)
        return _paged(name, pages, warnings)
    if kind == "docx":
        return _joined(name, "docx", read_docx(data, name, max_bytes))
    if kind == "eml":
        return _joined(name, "eml", read_eml(data, name))
    declared = _META_CHARSET.search(data[:4096]) if kind == "html" else None
    decoded = decode(data, name, declared=declared.group(1).decode() if declared else None)
    text = _lines(html_to_text(decoded.text) if kind == "html" else decoded.text)
    return Document(name, kind, text, [Page(1, 0)], [kind], decoded.encoding, decoded.warnings)


def detect_format(data: bytes, name: str) -> str:
    """One of FORMATS, from the content and then the extension; FormatError otherwise."""
    extension = Path(name).suffix.lower()
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf\x00\t\n\r\x0c ").startswith(b"%PDF-") or (
        extension == ".pdf" and b"%PDF-" in head
    ):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"  # read_docx says what the archive is when it is no Word document
    for magic, what in _REFUSED:
        if data.startswith(magic):
            raise FormatError(f"not a document format we read: {what}", path=name)
    if extension in _BINARY_EXTENSIONS:
        raise FormatError(
            f"named {extension} but is not a {_BINARY_EXTENSIONS[extension].upper()} file "
            f"(it starts with {data[:8]!r})",
            path=name,
        )
    if extension in _EML_EXTENSIONS or _looks_like_mail(data):
        return "eml"
    if extension in _HTML_EXTENSIONS or _looks_like_html(head):
        return "html"
    return "text"


def _looks_like_mail(data: bytes) -> bool:
    """RFC 5322 headers from the first line: at least two we know, before the first blank."""
    head = data[:8192].decode("latin-1")
    lines = head.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("From "):  # an mbox separator line
        lines = lines[1:]
    known = 0
    for number, line in enumerate(lines):
        if not line.strip():
            break
        if line[0] in " \t" and number:  # a folded continuation
            continue
        field_name, colon, _ = line.partition(":")
        if not colon or not field_name or any(c in field_name for c in " \t"):
            return False  # not a header: this is prose
        known += field_name.lower() in _MAIL_HEADERS
    return known >= 2


def _looks_like_html(head: bytes) -> bool:
    """Markup from the first character, with a tag only HTML has."""
    text = head.replace(b"\x00", b"").decode("latin-1").lower()
    start = text.lstrip("\xef\xbb\xbf\xfe\xff \t\r\n")
    return start.startswith("<") and any(tag in text for tag in _HTML_TAGS)


def _lines(text: str) -> str:
    """One line-end convention (LF); no byte-order mark, soft hyphen or zero-width space,
    which are invisible but would split a name in two ("Handels\xadgesellschaft"). Each step
    copies the text only when it has something to change (a 50 MB file is copied once)."""
    text = text.removeprefix("\ufeff")
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _ODD_CHARACTERS.search(text):
        text = _ODD_CHARACTERS.sub(lambda m: "\n" if m.group() == "\r" else "", text)
    return text


def _check_size(size: int, name: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise FormatError(
            f"the file is {size:,} bytes, over the {max_bytes:,} byte limit for one document",
            path=name,
        )


def _joined(name: str, kind: str, parts: list[tuple[str, str]]) -> Document:
    kept = [(label, _lines(text).strip()) for label, text in parts]
    kept = [(label, text) for label, text in kept if text]
    text = SEPARATOR.join(text for _, text in kept)
    return Document(name, kind, text, [Page(1, 0)], [label for label, _ in kept])


def _paged(name: str, pages: list[str], warnings: list[str]) -> Document:
    starts, offset = [], 0
    texts = [_lines(page).strip() for page in pages]
    for text in texts:
        starts.append(offset)
        offset += len(text) + len(SEPARATOR)
    pages_out = [Page(number, start) for number, start in enumerate(starts, start=1)]
    return Document(
        name,
        "pdf",
        SEPARATOR.join(texts),
        pages_out,
        [f"text layer of {len(pages)} page(s)"],
        warnings=warnings,
    )
