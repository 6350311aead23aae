"""From paths on disk to publications: which format each file is, which files belong together.

Formats are recognised from content, not names: XML by its root element, OFAC's headerless
CSVs by their column count (12 main, 6 addresses, 5 aliases, 2 remark overflow). Names only
decide whether an OFAC CSV belongs to the SDN or the consolidated (`cons_*`) set, since the two
share one layout. A folder is read by the official file names; other files in it are ignored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
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
)

XML_ROOTS = {"sdnList": ("ofac-xml", "ofac-sdn"), "CONSOLIDATED_LIST": ("un-xml", "un-sc")}

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
    # Decode only whole lines so a multi-byte character cut at the buffer end is no error.
    first_line = stripped.split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text (byte 0x{first_line[exc.start]:02x} at offset {exc.start} of line 1)",
            path=path,
            line=1,
        ) from exc
    try:
        row = next(csv.reader(io.StringIO(text)))
    except (csv.Error, StopIteration):
        row = []
    if row and row[0].strip().isdigit() and len(row) in OFAC_CSV_ROLES:
        return "ofac-csv", None, OFAC_CSV_ROLES[len(row)]
    raise FormatError(
        "not a list format we recognise (expected OFAC legacy CSV, OFAC sdn.xml or UN XML)",
        path=path,
        line=1,
    )


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
        assert chosen is not None and role is not None
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
        if "main" not in group.files:
            parts = ", ".join(str(p) for p in group.files.values())
            raise UsageError(f"{parts}: given without the main file of {group.source}")
    if len({s.source for s in sets.values()}) != len(sets):
        raise UsageError("two publications of the same source given in different formats")
    return list(sets.values())


def open_publication(inputs: InputSet) -> Publication:
    """Hand the files to the parser of their format."""
    main = inputs.files["main"]
    if inputs.format == "ofac-csv":
        from .ofac_csv import parse_ofac_csv

        return parse_ofac_csv(
            main,
            source=inputs.source,
            add=inputs.files.get("add"),
            alt=inputs.files.get("alt"),
            comments=inputs.files.get("comments"),
        )
    if inputs.format == "ofac-xml":
        from .ofac_xml import parse_ofac_xml

        return parse_ofac_xml(main, source=inputs.source)
    if inputs.format == "un-xml":
        from .un_xml import parse_un_xml

        return parse_un_xml(main, source=inputs.source)
    raise FormatError(f"no parser for format {inputs.format!r}", path=main)
