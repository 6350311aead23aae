"""A PDF's text layer, page by page (pypdf).

What we refuse, and why each is an error rather than an empty document: a document we could
not read must never come back "nothing found".
- A file without `%%EOF` near its end is truncated (ISO 32000-1 §7.5.5: the trailer ends the
  file); pypdf would rebuild what it can and we would screen half a letter.
- An encrypted PDF opens only when its user password is empty (owner-only restrictions);
  otherwise FormatError naming the file.
- A PDF with no text on any page is a scan: FormatError ("run OCR first"). Pages without text
  inside a PDF that has some are reported as warnings.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from ...errors import FormatError, ParseError, SanctionsError

_EOF_WINDOW = 1024  # readers look for %%EOF within the last 1024 bytes
# pypdf logs what it repairs; without a handler Python would print it on stderr.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def read_pdf(data: bytes, source: str) -> tuple[list[str], list[str]]:
    """The text of each page (empty for a page without text) and warnings."""
    tail = data.rstrip(b"\x00\t\n\x0c\r ")[-_EOF_WINDOW:]
    if b"%%EOF" not in tail:
        raise ParseError("truncated PDF: no %%EOF marker at the end of the file", path=source)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _open(reader, source)
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(page.extract_text() or "")
            except SanctionsError:
                raise
            except Exception as exc:  # pypdf raises many kinds on a corrupt page
                raise ParseError(
                    f"cannot read the page's text: {_reason(exc)}",
                    path=source,
                    record=f"page {number}",
                ) from exc
    except SanctionsError:
        raise
    except Exception as exc:  # a third-party parser on hostile input: never a traceback
        raise ParseError(f"not a readable PDF: {_reason(exc)}", path=source) from exc
    empty = [n for n, text in enumerate(pages, start=1) if not text.strip()]
    if pages and len(empty) == len(pages):
        raise FormatError(
            f"the PDF has no text layer on any of its {len(pages)} page(s) (a scan?): "
            "it cannot be screened without OCR",
            path=source,
        )
    if not pages:
        raise ParseError("the PDF has no pages", path=source)
    warnings = []
    if empty:
        shown = ", ".join(map(str, empty[:20])) + (" …" if len(empty) > 20 else "")
        warnings.append(f"no text layer on page(s) {shown} (images?): not screened")
    return pages, warnings


def _open(reader: PdfReader, source: str) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = bool(reader.decrypt(""))
    except DependencyError:
        raise FormatError(
            "the PDF is encrypted with AES and the cryptography package is not installed",
            path=source,
        ) from None
    except FileNotDecryptedError:
        opened = False
    if not opened:
        raise FormatError("the PDF is encrypted with a password: it cannot be read", path=source)


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"
