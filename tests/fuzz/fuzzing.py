"""Shared machinery of the parser fuzz tests (tests/fuzz/) and of benchmarks/fuzz.py.

A `Target` is one parser: its seeds (bounded slices of the real files in ../shared/data and of
tests/fixtures, so that one example stays in the milliseconds) and a `run` that writes the
bytes to a file and parses them completely (every entity, row or message consumed). `mutated`
is the hypothesis strategy: a seed, then one to four mutations (truncation, byte flips,
insertions, deletions, hostile splices, re-encodings, line and CSV-column or XML-element
edits). `outcome` runs one example and classifies it: "ok", "error" (one of our own
`SanctionsError`s whose message names the file) or a crash, raised as `Crash` with the cause.

Seeds are read lazily and cached, so importing this module costs nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import documents
from sanctions.errors import SanctionsError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "fixtures"

# The CI budget: fixed and deterministic (the same examples every run), no example database
# written into the repository, no deadline (a slow first example is not a failure).
CI_EXAMPLES = int(os.environ.get("SANCTIONS_FUZZ_EXAMPLES", "150"))
settings.register_profile(
    "fuzz-ci",
    max_examples=CI_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CI = settings.get_profile("fuzz-ci")

Seed = tuple[str, bytes]  # (file name, content)


class Crash(AssertionError):
    """A parser raised something other than one of our errors naming the file."""


# -- seeds ----------------------------------------------------------------------------------
def head_lines(path: Path, lines: int, *, quoted: bool = True) -> bytes:
    """The first `lines` physical lines of a file, extended (when `quoted`: CSV) until no
    quoted cell is left open, plus the file's trailer when it has one (OFAC's 0x1A byte)."""
    out = bytearray()
    quotes = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            out += raw
            quotes += raw.count(b'"')
            if number >= lines and (not quoted or quotes % 2 == 0):
                break
        rest = handle.read()
    if rest.endswith(b"\x1a"):
        out += b"\x1a"
    return bytes(out)


def shrink_xml(path: Path, keep: int = 3) -> bytes:
    """The document with at most `keep` children of one name under each element (the first
    ones), so a 2 MB list becomes a few KB of the same shape."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    for element in list(tree.getroot().iter()):
        seen: dict[str, int] = {}
        for child in list(element):
            seen[child.tag] = seen.get(child.tag, 0) + 1
            if seen[child.tag] > keep:
                element.remove(child)
    data: bytes = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
    return data


def data_file(*parts: str) -> Path:
    return DATA.joinpath(*parts)


def fixture(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def require_data() -> None:
    """Fuzz seeds come from the real files: skip without them (fail when CI requires them)."""
    if DATA.is_dir():
        return
    import pytest

    if os.environ.get("SANCTIONS_REQUIRE_DATA") == "1":
        pytest.fail(f"SANCTIONS_REQUIRE_DATA=1 but {DATA} is missing")
    pytest.skip(f"real list files not found at {DATA}")


# -- builders for binary document seeds ----------------------------------------------------
def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (see tests/documents.py)."""
    return documents.make_pdf([lines])


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(paragraphs: list[str]) -> bytes:
    """A DOCX package (ECMA-376 Part 2): content types, relationships, word/document.xml."""
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType'
            '="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http'
            '://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{body}'
            "</w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


# -- mutations ------------------------------------------------------------------------------
HOSTILE: tuple[bytes, ...] = (
    b"\x00",
    b"\x00" * 64,
    b"\xef\xbb\xbf",  # a UTF-8 byte-order mark, where none belongs
    b"\xff\xfe",  # a UTF-16 byte-order mark
    b"\xc3\x28",  # invalid UTF-8
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\x80\x81\xfe\xff",
    b"\x1a",
    b"\r",
    b"\r\n\r\n",
    b'"',
    b'"""',
    b",,,,,,,,",
    b";;;;",
    b"\t",
    b"A" * 70_000,  # a huge line
    b"9" * 400,  # a huge number
    b"-0- ",
    b"<" * 30,
    b"<a>" * 3000 + b"x" + b"</a>" * 3000,  # deep nesting
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>&b;',
    b'<!DOCTYPE r SYSTEM "file:///etc/passwd">',
    b"<![CDATA[",
    b"]]>",
    b"&#0;",
    b"&#x110000;",
    b"&undefined;",
    b"<?xml version='1.0' encoding='ebcdic-cp-us'?>",
    b'<?xml version="1.0" encoding="utf-16"?>',
    b"{",
    b"}",
    b"[]",
    b'{"id": null, "schema": 1, "properties": []}',
    b'{"a": ' * 2000 + b"1" + b"}" * 2000,  # deep JSON
    b"1e999999",
    b"NaN",
    b"$",
    b"{4:\r\n:59:/\r\n-}",
    b"{1:F01",
    b":20:",
    b"%PDF-1.4",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"From: a@b\r\nTo: c@d\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n",
    b"=?utf-8?b?////?=",
    "İlham Əliyev Ильхам Алиев إلهام علييف 金正恩 \u202e\u200b\ufeff\ufffd".encode(),
    "\U0001f4a9\u0301\u0301\u0301".encode(),
)


# Plausible-but-wrong field values, for cells and element texts: odd dates, numbers, nulls,
# type names, the publishers' own markers.
VALUES: tuple[bytes, ...] = (
    b"", b" ", b"0", b"-1", b"99999999999999999999999", b"1e308", b"-0-", b"-0- ", b"N/A",
    b"2020-13-45", b"0000-00-00", b"00/00/1980", b"31/02/2014", b"31.2.2014", b"1.1.", b"1961-12",
    b"12/25", b"circa 1960", b"1960 to 1965", b"Feb 30, 1961", b"Person", b"individual",
    b"Vessel", b"aircraft", b"Entity", b"Ship", b"a.k.a.", b"aka", b"fka", b"Low", b"Good",
    b"DOB 32 Jan 1990; POB ;", b"Linked To: ;", b"Passport ;", b"IMO 0;", b"nationality ",
    b"] [", b"[", b"]", b";;", b"||", b",", b'"', b"XX", b"zz", b"\xc3", b"true", b"null",
)  # fmt: skip


def _positions(draw: st.DrawFn, data: bytes) -> int:
    return draw(st.integers(0, len(data)))


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


_ATTRIBUTE = re.compile(rb'\s[\w:.-]{1,60}="([^"<>]{0,200})"')
_JSON_VALUE = re.compile(
    rb':\s*("(?:[^"\\]|\\.){0,200}"|\[[^\[\]{}]{0,400}\]|-?\d+|true|false|null)'
)
_JSON_VALUES = (
    b'""', b"null", b"[]", b"{}", b"[null]", b"[1, 2]", b'[""]', b'["x", {"a": 1}]', b"0",
    b"-1", b"1e999", b"true", b'"1961-02-30"', b'"Person"', b'"Vessel"', b'["Thing"]', b"[[]]",
    b'"\\ud800"', b'"\\u0000"', b"[" * 3000 + b"]" * 3000, b'{"a": ' * 1500 + b"1" + b"}" * 1500,
)  # fmt: skip
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]{0,60})(?:\s[^<>]{0,400})?>[^<]{0,400}</\1>")


def _mutate_once(draw: st.DrawFn, data: bytes, kind: str) -> bytes:
    if kind == "truncate":
        return data[: _positions(draw, data)]
    if kind == "flip" and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    if kind == "insert":
        i = _positions(draw, data)
        return data[:i] + draw(st.binary(min_size=1, max_size=16)) + data[i:]
    if kind == "delete" and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + data[i + draw(st.integers(1, 64)) :]
    if kind == "hostile":
        i = _positions(draw, data)
        return data[:i] + draw(st.sampled_from(HOSTILE)) + data[i:]
    if kind == "unicode":
        i = _positions(draw, data)
        return (
            data[:i]
            + draw(st.text(min_size=1, max_size=20)).encode("utf-8", "surrogatepass")
            + data[i:]
        )
    if kind == "reencode":
        text = data.decode("utf-8", "replace")
        encoding = draw(st.sampled_from(["utf-16", "utf-16-be", "cp1252", "latin-1", "utf-32"]))
        return text.encode(encoding, "replace")
    lines = _lines(data)
    if kind in ("drop_line", "dup_line", "swap_lines") and lines:
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "drop_line":
            del lines[i]
        elif kind == "dup_line":
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return b"".join(lines)
    if kind in ("drop_column", "dup_column", "blank_cell", "cell_value") and lines:
        return _csv_column(draw, lines, kind)
    if kind in ("drop_element", "dup_element", "hostile_text"):
        matches = list(_ELEMENT.finditer(data))
        if matches:
            m = draw(st.sampled_from(matches))
            if kind == "drop_element":
                return data[: m.start()] + data[m.end() :]
            if kind == "dup_element":
                return data[: m.end()] + m.group() + data[m.end() :]
            inner = m.group().find(b">") + 1
            start, end = m.start() + inner, m.end() - len(m.group(1)) - 3
            value = draw(st.sampled_from(VALUES + HOSTILE))
            return data[:start] + value + data[end:]
    if kind == "xml_tree":
        return _xml_tree(draw, data)
    if kind == "attribute":
        matches = list(_ATTRIBUTE.finditer(data))
        if matches:
            m = draw(st.sampled_from(matches))
            value = draw(st.sampled_from(VALUES)).replace(b'"', b"&quot;")
            return data[: m.start(1)] + value + data[m.end(1) :]
    if kind == "json_value":
        matches = list(_JSON_VALUE.finditer(data))
        if matches:
            m = draw(st.sampled_from(matches))
            value = draw(st.sampled_from(_JSON_VALUES))
            return data[: m.start(1)] + value + data[m.end(1) :]
    return data


def _xml_tree(draw: st.DrawFn, data: bytes) -> bytes:
    """Whole-record edits of a well-formed document: drop, duplicate or empty an element, or
    move it under another one (a record inside a record, an entry outside its list)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return data
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    element = draw(st.sampled_from(elements))
    parent = element.getparent()
    action = draw(st.sampled_from(["drop", "dup", "empty", "move", "dup_parent"]))
    if action == "empty":
        element.clear()
    elif parent is None:
        return data
    elif action == "drop":
        parent.remove(element)
    elif action == "dup":
        parent.insert(parent.index(element), deepcopy(element))
    elif action == "dup_parent":
        grand = parent.getparent()
        if grand is not None:
            grand.insert(grand.index(parent), deepcopy(parent))
    else:
        other = draw(st.sampled_from(elements))
        if element not in other.iterancestors() and other is not element:
            other.append(element)
    out: bytes = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
    return out


def _csv_column(draw: st.DrawFn, lines: list[bytes], kind: str) -> bytes:
    """Drop, duplicate or blank one column, in every row (a different layout) or in one."""
    delimiter = b";" if lines[0].count(b";") > lines[0].count(b",") else b","
    column = draw(st.integers(0, 40))
    every = draw(st.booleans())
    target = draw(st.integers(0, len(lines) - 1))
    out = []
    for number, line in enumerate(lines):
        if not every and number != target:
            out.append(line)
            continue
        end = len(line) - len(line.rstrip(b"\r\n"))
        body, eol = (line[:-end], line[-end:]) if end else (line, b"")
        cells = body.split(delimiter)
        if column < len(cells):
            if kind == "drop_column":
                del cells[column]
            elif kind == "dup_column":
                cells.insert(column, cells[column])
            elif kind == "blank_cell":
                cells[column] = b""
            else:
                cells[column] = draw(st.sampled_from(VALUES))
        out.append(delimiter.join(cells) + eol)
    return b"".join(out)


MUTATIONS = (
    "truncate", "flip", "insert", "delete", "hostile", "unicode", "reencode", "drop_line",
    "dup_line", "swap_lines", "drop_column", "dup_column", "blank_cell", "cell_value",
    "cell_value", "drop_element", "dup_element", "hostile_text", "hostile_text", "attribute",
    "json_value", "json_value", "xml_tree", "xml_tree",
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seeds: list[Seed]) -> Seed:
    """A seed (name, bytes) after one to four mutations."""
    name, data = draw(st.sampled_from(seeds))
    for kind in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = _mutate_once(draw, data, kind)
    return name, data


# -- targets and outcomes -------------------------------------------------------------------
@dataclass
class Target:
    """One parser under fuzzing."""

    name: str
    family: str  # lists, customers, documents, payments, batch
    seed_files: Callable[[], list[Seed]]
    run: Callable[[Path, Seed], Any]  # parse the seed written under a folder, completely
    _seeds: list[Seed] | None = field(default=None, repr=False)

    def seeds(self) -> list[Seed]:
        if self._seeds is None:
            self._seeds = self.seed_files()
            assert self._seeds, f"{self.name}: no seeds"
        return self._seeds


def write(folder: Path, seed: Seed) -> Path:
    path = folder / seed[0]
    path.write_bytes(seed[1])
    return path


def consume(items: Iterator[Any] | Any) -> int:
    """Read an iterator to its end (entities are produced lazily); how many items."""
    return sum(1 for _ in items)


@dataclass
class Outcome:
    kind: str  # "ok" or "error"
    error: SanctionsError | None = None

    @property
    def located(self) -> bool:
        """Whether the error names a line, record or field besides the file."""
        e = self.error
        return e is not None and any(
            getattr(e, attr, None) is not None for attr in ("line", "record", "field")
        )


def outcome(target: Target, seed: Seed) -> Outcome:
    """Run one example. Our own errors must name the file; anything else is a `Crash`."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        try:
            target.run(Path(folder), seed)
        except SanctionsError as exc:
            message = str(exc)
            if seed[0] not in message:
                raise Crash(
                    f"{target.name}: {type(exc).__name__} does not name the file "
                    f"{seed[0]!r}: {message!r}"
                ) from exc
            return Outcome("error", exc)
        except RecursionError as exc:  # a subclass of RuntimeError, say it plainly
            raise Crash(f"{target.name}: RecursionError") from exc
        except Exception as exc:
            raise Crash(f"{target.name}: {type(exc).__name__}: {exc}"[:2000]) from exc
    return Outcome("ok")


def fuzz(target: Target, profile: settings = CI) -> None:
    """The property test: every mutated seed is read to its end or refused with our error."""
    require_data()

    @profile
    @given(mutated(target.seeds()))
    def reads_or_refuses(example: Seed) -> None:
        outcome(target, example)

    reads_or_refuses()


def check_seeds(target: Target) -> list[Outcome]:
    """The unmutated seeds; at least one must be read, so mutations start from a valid file."""
    require_data()
    outcomes = [outcome(target, seed) for seed in target.seeds()]
    assert any(o.kind == "ok" for o in outcomes), [str(o.error) for o in outcomes]
    return outcomes


def csv_text(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def json_lines(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
