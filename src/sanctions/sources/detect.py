"""From paths on disk to publications: which format each file is, which files belong together.

Formats are recognised from content, not names: XML by its root element, JSON lines by the
keys of the first record, CSV by its header (OFAC's headerless CSVs by their column count:
12 main, 6 addresses, 5 aliases, 2 remark overflow). Names only decide whether an OFAC CSV
belongs to the SDN or the consolidated (`cons_*`) set, since the two share one layout. A folder
is read by the official (downloaded) file names; other files in it are ignored.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from ..errors import FormatError, ParseError, UsageError
from .base import Publication
from .registry import get_source
from .xml import root_tag

# Official file names looked for inside a folder.
FOLDER_FILES = (
    "sdn.csv",
    "add.csv",
    "alt.csv",
    "sdn_comments.csv",
    "cons_prim.csv",
    "cons_add.csv",
    "cons_alt.csv",
    "cons_comments.csv",
    "sdn.xml",
    "consolidated.xml",
    "ConList.csv",
    "UK-Sanctions-List.xml",
    "UK-Sanctions-List.csv",
    "consolidated.csv",
    "entities.ftm.json",
    "senzing.json",
    "xmlFullSanctionsList_1_1.xml",
)
# EU Official Journal annexes are one file per act, named by CELEX number (32014R0269.csv).
FOLDER_PATTERNS = ("3[0-9][0-9][0-9][0-9]R[0-9][0-9][0-9][0-9].csv",)

XML_ROOTS = {
    "sdnList": ("ofac-xml", "ofac-sdn"),
    "CONSOLIDATED_LIST": ("un-xml", "un-sc"),
    "export": ("eu-fsf-xml", "eu-fsf"),
    "Designations": ("uk-fcdo-xml", "uk-fcdo"),
}
KNOWN_FORMATS = (
    "OFAC legacy CSV",
    "OFAC sdn.xml",
    "UN XML",
    "EU FSF XML/CSV",
    "EU journal CSV",
    "OFSI ConList.csv",
    "UK Sanctions List CSV/XML",
    "trade.gov CSL CSV",
    "FollowTheMoney or Senzing JSON lines",
    "custom watchlist CSV",
)

# OFAC legacy CSV roles by column count.
OFAC_CSV_ROLES = {12: "main", 6: "add", 5: "alt", 2: "comments"}

_HEAD_BYTES = 16 * 1024


@dataclass
class InputSet:
    """The files that make one publication of one source."""

    source: str
    format: str
    files: dict[str, Path] = field(default_factory=dict)  # role -> path; "main" always present


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [path / name for name in FOLDER_FILES if (path / name).is_file()]
            found += sorted(p for pattern in FOLDER_PATTERNS for p in path.glob(pattern))
            if not found:
                names = ", ".join(FOLDER_FILES)
                raise UsageError(f"{path}: folder holds none of the official files ({names})")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return files


def sniff(path: Path) -> tuple[str, str | None, str | None]:
    """(format, source, role) of one file, from its content.

    Source is None for OFAC CSV, whose set (SDN or consolidated) the caller decides.
    """
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x1a")
    if not stripped:
        raise ParseError("file is empty", path=path)
    if stripped.startswith(b"<"):
        root = root_tag(path)
        if root not in XML_ROOTS:
            known = ", ".join(f"<{r}>" for r in XML_ROOTS)
            raise FormatError(
                f"XML root <{root}> is not a list we parse (expected {known})", path=path
            )
        fmt, source = XML_ROOTS[root]
        return fmt, source, "main"
    if stripped.startswith((b"{", b"[")):
        return _sniff_json(path, stripped)
    return _sniff_csv(path, stripped)


def _sniff_json(path: Path, head: bytes) -> tuple[str, str | None, str | None]:
    first_line = head.split(b"\n", 1)[0]
    try:
        record = json.loads(first_line)
    except (ValueError, UnicodeDecodeError):
        record = None
    if isinstance(record, dict):
        if {"id", "schema"} <= record.keys():
            return "ftm-json", "opensanctions", "main"
        if {"DATA_SOURCE", "RECORD_ID"} <= record.keys():
            return "senzing-json", "opensanctions-senzing", "main"
    raise FormatError(
        "JSON is not FollowTheMoney or Senzing JSON lines (one entity object per line)",
        path=path,
        line=1,
    )


def _sniff_csv(path: Path, head: bytes) -> tuple[str, str | None, str | None]:
    """CSV formats, by their header (OFAC's files have none: by column count)."""
    lines = head.split(b"\n")[:6]
    try:
        first = lines[0].decode("utf-8")
    except UnicodeDecodeError as exc:
        if not _looks_like_cp1252_text(lines[0]):
            raise ParseError(
                f"not UTF-8 text (byte 0x{lines[0][exc.start]:02x} at offset {exc.start} of "
                "line 1)",
                path=path,
                line=1,
            ) from exc
        first = lines[0].decode("cp1252")
    row = _first_row(first, ",")
    if row and row[0].strip().isdigit() and len(row) in OFAC_CSV_ROLES:
        return "ofac-csv", None, OFAC_CSV_ROLES[len(row)]
    if "Entity_LogicalId" in _first_row(first, ";"):
        return "eu-fsf-csv", "eu-fsf", "main"
    header = {cell.strip().lower() for cell in row}
    if {"celex", "recordid", "programkey"} <= header:
        return "eu-journal-csv", "eu-journal", path.name  # one act per file, several files
    if {"source", "entity_number", "name", "alt_names"} <= header:
        return "us-csl-csv", "us-csl", "main"
    # The UK files may open with a date line ("Last Updated,...", "Report Date: ...").
    rows = [_first_row(line.decode("cp1252", "replace"), ",") for line in lines]
    for cells in rows[:3]:
        names = {cell.strip().lower() for cell in cells}
        if {"unique id", "name 6"} <= names:
            return "uk-fcdo-csv", "uk-fcdo", "main"
        if {"name 6", "group type", "group id"} <= names:
            return "uk-ofsi-csv", "uk-ofsi", "main"
    if {"id", "name"} <= header:
        return "custom-csv", None, "main"  # the list's name comes from --source custom-NAME
    raise FormatError(
        "not a list format we recognise (expected one of: " + ", ".join(KNOWN_FORMATS) + ")",
        path=path,
        line=1,
    )


def _first_row(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def _looks_like_cp1252_text(line: bytes) -> bool:
    """OFSI publishes Windows-1252: accept it when the line is printable text in that code."""
    text = line.decode("cp1252", "replace")
    return "\ufffd" not in text and all(c.isprintable() or c in "\r\t" for c in text)


def plan_inputs(paths: list[Path], source: str | None = None) -> list[InputSet]:
    """Group the given files and folders into one `InputSet` per publication."""
    if source is not None:
        get_source(source)  # fail early on an unknown name
    sets: dict[tuple[str, str], InputSet] = {}
    for path in _expand(paths):
        fmt, detected, role = sniff(path)
        if fmt == "ofac-csv":
            detected = "ofac-cons" if path.name.lower().startswith("cons") else "ofac-sdn"
        chosen = source or detected
        if chosen is None:
            raise UsageError(
                f"{path}: a custom watchlist; name it with --source custom-NAME (e.g. "
                "custom-internal)"
            )
        assert role is not None
        if fmt not in get_source(chosen).formats:
            raise FormatError(f"file is {fmt}, which cannot hold source {chosen!r}", path=path)
        group = sets.setdefault((chosen, fmt), InputSet(chosen, fmt))
        if role in group.files:
            raise UsageError(
                f"{path}: a second {role} file for {chosen} ({group.files[role]} already given); "
                "load one publication at a time"
            )
        group.files[role] = path
    for group in sets.values():
        if group.format not in MULTI_FILE_FORMATS and "main" not in group.files:
            parts = ", ".join(str(p) for p in group.files.values())
            raise UsageError(f"{parts}: given without the main file of {group.source}")
    if len({s.source for s in sets.values()}) != len(sets):
        raise UsageError("two publications of the same source given in different formats")
    return list(sets.values())


# Formats whose publication is several equal files (the EU journal: one CSV per legal act).
MULTI_FILE_FORMATS = frozenset({"eu-journal-csv"})

# Format -> (module, parser function) for the single-file formats.
PARSERS = {
    "ofac-xml": ("ofac_xml", "parse_ofac_xml"),
    "un-xml": ("un_xml", "parse_un_xml"),
    "eu-fsf-xml": ("eu_fsf", "parse_eu_fsf_xml"),
    "eu-fsf-csv": ("eu_fsf", "parse_eu_fsf_csv"),
    "uk-ofsi-csv": ("uk_ofsi", "parse_uk_ofsi"),
    "uk-fcdo-csv": ("uk_fcdo", "parse_uk_fcdo_csv"),
    "uk-fcdo-xml": ("uk_fcdo", "parse_uk_fcdo_xml"),
    "us-csl-csv": ("us_csl", "parse_us_csl"),
    "ftm-json": ("ftm", "parse_ftm"),
    "senzing-json": ("ftm", "parse_senzing"),
    "custom-csv": ("custom_csv", "parse_custom_csv"),
}


def open_publication(inputs: InputSet) -> Publication:
    """Hand the files to the parser of their format."""
    if inputs.format == "ofac-csv":
        from .ofac_csv import parse_ofac_csv

        return parse_ofac_csv(
            inputs.files["main"],
            source=inputs.source,
            add=inputs.files.get("add"),
            alt=inputs.files.get("alt"),
            comments=inputs.files.get("comments"),
        )
    if inputs.format == "eu-journal-csv":
        from .eu_journal import parse_eu_journal

        return parse_eu_journal(sorted(inputs.files.values()), source=inputs.source)
    if inputs.format not in PARSERS:
        raise FormatError(f"no parser for format {inputs.format!r}", path=inputs.files["main"])
    module, function = PARSERS[inputs.format]
    parser = getattr(import_module(f"{__package__}.{module}"), function)
    publication: Publication = parser(inputs.files["main"], source=inputs.source)
    return publication
