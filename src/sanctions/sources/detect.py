"""From paths on disk to publications: which format each file is, which files belong together.

Formats are recognised from content, not names, by the rules declared in `registry.FORMATS`:
XML by its root element, JSON lines by the keys of the first record, CSV by its header
(OFAC's headerless CSVs by their column count: 12 main, 6 addresses, 5 aliases, 2 remark
overflow). Names only decide whether an OFAC CSV belongs to the SDN or the consolidated
(`cons_*`) set, since the two share one layout. A folder is read by the official
(downloaded) file names; other files in it are ignored. Nothing here knows any one format.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from ..errors import FormatError, ParseError, UsageError
from ._xml import root_tag
from .base import Publication
from .registry import FORMATS, CsvRule, FormatInfo, get_format, get_source


def _folder_files() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Official file names, and name patterns, looked for inside a folder."""
    names = tuple(name for info in FORMATS.values() for name in info.files)
    patterns = tuple(pattern for info in FORMATS.values() for pattern in info.file_patterns)
    return names, patterns


def _known_formats() -> str:
    return ", ".join(info.label for info in FORMATS.values())


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
            folder_files, folder_patterns = _folder_files()
            found = [path / name for name in folder_files if (path / name).is_file()]
            found += sorted(p for pattern in folder_patterns for p in path.glob(pattern))
            if not found:
                names = ", ".join(folder_files)
                raise UsageError(f"{path}: folder holds none of the official files ({names})")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return files


def sniff(path: Path) -> tuple[str, str | None, str | None]:
    """(format, source, role) of one file, from its content.

    The source is the format's (for OFAC CSV the file name decides SDN or consolidated);
    None for a custom watchlist, whose name the caller gives.
    """
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x1a")
    if not stripped:
        raise ParseError("file is empty", path=path)
    if stripped.startswith(b"<"):
        info, role = _sniff_xml(path), "main"
    elif stripped.startswith((b"{", b"[")):
        info, role = _sniff_json(path, stripped), "main"
    else:
        info, role = _sniff_csv(path, stripped)
    return info.name, info.source_for(path.name), role


def _sniff_xml(path: Path) -> FormatInfo:
    root = root_tag(path)
    roots = {info.xml_root: info for info in FORMATS.values() if info.xml_root}
    if root not in roots:
        known = ", ".join(f"<{r}>" for r in roots)
        raise FormatError(f"XML root <{root}> is not a list we parse (expected {known})", path=path)
    return roots[root]


def _sniff_json(path: Path, head: bytes) -> FormatInfo:
    first_line = head.split(b"\n", 1)[0]
    try:
        record = json.loads(first_line)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: deep nesting
        record = None
    if isinstance(record, dict):
        for info in FORMATS.values():
            if info.json_keys and info.json_keys <= record.keys():
                return info
    labels = " or ".join(info.label for info in FORMATS.values() if info.json_keys)
    raise FormatError(
        f"JSON is not {labels} (one entity object per line)",
        path=path,
        line=1,
    )


def _sniff_csv(path: Path, head: bytes) -> tuple[FormatInfo, str]:
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
    texts = [first] + [line.decode("cp1252", "replace") for line in lines[1:]]
    for info in FORMATS.values():
        if info.csv is not None and (role := _csv_role(info, info.csv, texts, path)):
            return info, role
    raise FormatError(
        f"not a list format we recognise (expected one of: {_known_formats()})",
        path=path,
        line=1,
    )


def _csv_role(info: FormatInfo, rule: CsvRule, texts: list[str], path: Path) -> str | None:
    """The file's role in its publication when the rule recognises it, else None."""
    if rule.column_roles:
        row = _first_row(texts[0], rule.delimiter)
        roles = dict(rule.column_roles)
        ok = bool(row) and row[0].strip().isdigit() and len(row) in roles
        return roles[len(row)] if ok else None
    for text in texts[: rule.search_rows]:
        cells = {cell.strip() for cell in _first_row(text, rule.delimiter)}
        if rule.header <= (cells if rule.exact else {cell.lower() for cell in cells}):
            # Several equal files make one publication: each is its own role.
            return path.name if info.call == "all" else "main"
    return None


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
        if get_format(group.format).call != "all" and "main" not in group.files:
            parts = ", ".join(str(p) for p in group.files.values())
            raise UsageError(f"{parts}: given without the main file of {group.source}")
    if len({s.source for s in sets.values()}) != len(sets):
        raise UsageError("two publications of the same source given in different formats")
    return list(sets.values())


def open_publication(inputs: InputSet) -> Publication:
    """Hand the files to the parser of their format."""
    info = get_format(inputs.format)
    module, function = info.parser.split(":")
    parser = getattr(import_module(f"{__package__}.{module}"), function)
    if info.call == "all":
        publication: Publication = parser(sorted(inputs.files.values()), source=inputs.source)
    elif info.call == "roles":
        others = {role: path for role, path in inputs.files.items() if role != "main"}
        publication = parser(inputs.files["main"], source=inputs.source, **others)
    else:
        publication = parser(inputs.files["main"], source=inputs.source)
    return publication
