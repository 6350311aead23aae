"""The text of a Word document (DOCX): its ZIP parts read directly, streamed through lxml.

WordprocessingML (ECMA-376 Part 1, §17): the body is `word/document.xml`, headers and
footers are `word/header*.xml` and `word/footer*.xml`, notes `word/footnotes.xml` and
`word/endnotes.xml`. Text sits in `w:t` runs; `w:tab`, `w:br`/`w:cr` and paragraph (`w:p`),
cell (`w:tc`) and row (`w:tr`) ends become tabs and line breaks. Deleted revisions
(`w:delText`) and field codes (`w:instrText`) are not text a reader sees; the fallback copy of
a text box (`mc:Fallback`) would repeat it, so both are skipped.

Hostile files: every part is read with the XML settings of `sources/_xml.py` (no DTD, no
entities, no network; a DOCTYPE is refused), and the sizes the ZIP directory declares are
checked before anything is inflated — zipfile never inflates past the declared size, so a
zip bomb is refused up front instead of filling memory.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from lxml import etree

from ...errors import FormatError, ParseError
from ...sources._xml import SAFE_ITERPARSE, local_name

_BODY = "word/document.xml"
_OTHER_PARTS = re.compile(r"^word/(header\d*|footer\d*|footnotes|endnotes)\.xml$")
_MAX_ENTRIES = 10_000
_MAX_RATIO = 200  # real WordprocessingML deflates 5-30 times; a bomb a thousand times
_RATIO_FLOOR = 1 << 20  # parts under 1 MiB expanded are never a bomb
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def read_docx(data: bytes, source: str, max_bytes: int) -> list[tuple[str, str]]:
    """(part label, text) for the body, then each header, footer and notes part with text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as exc:
        raise ParseError(f"not a readable ZIP archive (truncated?): {exc}", path=source) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > _MAX_ENTRIES:
            raise FormatError(f"a ZIP archive of {len(infos):,} entries is not a DOCX", path=source)
        names = {info.filename: info for info in infos}
        if _BODY not in names:
            raise FormatError(f"a ZIP archive without {_BODY}: {_describe(names)}", path=source)
        chosen = [names[_BODY]] + sorted(
            (i for n, i in names.items() if _OTHER_PARTS.match(n)), key=lambda i: _order(i.filename)
        )
        _check_sizes(chosen, source, max_bytes)
        parts: list[tuple[str, str]] = []
        seen: set[str] = set()
        for info in chosen:
            text = _part_text(archive, info, source)
            if info.filename != _BODY and (not text or text in seen):
                continue  # a header repeated for first, even and odd pages is read once
            seen.add(text)
            label = "body" if info.filename == _BODY else info.filename.removeprefix("word/")
            parts.append((label, text))
        return parts


def _order(name: str) -> tuple[int, int]:
    kind = next(i for i, k in enumerate(("header", "footer", "footnotes", "endnotes")) if k in name)
    number = re.search(r"(\d+)\.xml$", name)
    return kind, int(number.group(1)) if number else 0


def _describe(names: dict[str, zipfile.ZipInfo]) -> str:
    known = {
        "xl/workbook.xml": "an Excel workbook (XLSX)",
        "ppt/presentation.xml": "a PowerPoint deck (PPTX)",
        "content.xml": "an OpenDocument file (ODT/ODS)",
    }
    for part, what in known.items():
        if part in names:
            return f"it is {what}, not a Word document"
    shown = ", ".join(sorted(names)[:5])
    return f"its first entries are {shown}" if shown else "it is empty"


def _check_sizes(infos: list[zipfile.ZipInfo], source: str, max_bytes: int) -> None:
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise FormatError(f"{info.filename} is encrypted in the ZIP archive", path=source)
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > _RATIO_FLOOR and ratio > _MAX_RATIO:
            raise FormatError(
                f"refused as a zip bomb: {info.filename} would expand {ratio:,.0f} times, "
                f"to {info.file_size:,} bytes",
                path=source,
            )
        total += info.file_size
    if total > max_bytes:
        raise FormatError(
            f"refused: the document's XML would expand to {total:,} bytes, over the "
            f"{max_bytes:,} byte limit",
            path=source,
        )


def _part_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> str:
    try:
        with archive.open(info) as stream:
            if _DOCTYPE.search(stream.read(4096)):
                raise FormatError(
                    "the XML declares a DOCTYPE or ENTITY; refused (Word never writes one)",
                    path=source,
                    field=info.filename,
                )
        with archive.open(info) as stream:
            text = "".join(_runs(stream, source, info.filename))
    except etree.XMLSyntaxError as exc:
        raise ParseError(
            f"not well-formed XML: {exc.msg}", path=source, field=info.filename, line=exc.lineno
        ) from exc
    except NotImplementedError as exc:  # zipfile: a compression method it cannot inflate
        raise FormatError(
            f"the ZIP entry uses a compression Word never writes: {exc}",
            path=source,
            field=info.filename,
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        # ValueError: a local header offset the directory gets wrong ("negative seek value")
        raise ParseError(
            f"the ZIP entry is corrupt (truncated?): {exc}", path=source, field=info.filename
        ) from exc
    text = re.sub(r"\n\t", "\t", text)  # a cell's last paragraph ends at the cell
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _runs(stream: IO[bytes], source: str, part: str) -> Iterator[str]:
    """The part's text in document order, freeing each element once read."""
    events = etree.iterparse(stream, events=("start", "end"), **SAFE_ITERPARSE)
    skipping = 0  # depth inside mc:Fallback
    first = True
    for event, element in events:
        name = local_name(element)
        if first:
            first = False
            if element.getroottree().docinfo.doctype:
                raise FormatError("the XML declares a DOCTYPE; refused", path=source, field=part)
        if event == "start":
            skipping += name == "Fallback"
            continue
        if name == "Fallback":
            skipping -= 1
        elif not skipping:
            parent = element.getparent()
            in_run = parent is not None and local_name(parent) == "r"
            if name == "t" and element.text:
                yield element.text
            elif in_run and name == "tab":
                yield "\t"
            elif in_run and name in ("br", "cr"):
                yield "\n"
            elif name == "noBreakHyphen":
                yield "-"
            elif name == "tc":
                yield "\t"
            elif name in ("p", "tr"):
                yield "\n"
        _free(element)


def _free(element: etree._Element) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
