"""A user's own labelled names, as a CSV file:

    name,expected,schema,category
    Dan Gertler,ofac-sdn:23252,Person,my-typos
    Jane Doe,,Person,
    Dan Gartner,,Person,lookalike

`name` and `expected` are required columns: `expected` is the entity id the name should hit,
or empty for a name that should hit nothing. `schema` and `category` are optional; a listed
row without a category is `labelled`, an unlisted one is `clean` (or `lookalike`, when so
labelled). Every problem raises `ParseError` naming the file, the line and the field.
"""

from __future__ import annotations

import csv
from collections.abc import Container
from pathlib import Path

from ..errors import ParseError, QueryError
from ..screen import canonical_schema
from .cases import CLEAN, Case

REQUIRED = ("name", "expected")
OPTIONAL = ("schema", "category")
LABELLED = "labelled"


def read_labelled(path: Path, known_ids: Container[str]) -> list[Case]:
    """The file's rows as cases; an `expected` id must be one of `known_ids`."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read(path, csv.DictReader(handle), known_ids)
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text ({exc.reason})", path=path) from None
    except csv.Error as exc:
        raise ParseError(f"not a readable CSV file ({exc})", path=path) from None
    except OSError as exc:
        raise ParseError(f"cannot read the file ({exc.strerror})", path=path) from None


def _read(path: Path, reader: csv.DictReader[str], known_ids: Container[str]) -> list[Case]:
    header = [h.strip() for h in reader.fieldnames or []]
    for column in REQUIRED:
        if column not in header:
            raise ParseError(
                f"missing column {column!r}; the header needs {', '.join(REQUIRED)} "
                f"(optional: {', '.join(OPTIONAL)})",
                path=path,
                line=1,
                field=column,
            )
    reader.fieldnames = header
    cases = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ParseError("more values than header columns", path=path, line=line)
        cases.append(_case(path, line, row, known_ids))
    if not cases:
        raise ParseError("no rows under the header", path=path, line=1)
    return cases


def _case(path: Path, line: int, row: dict[str, str], known_ids: Container[str]) -> Case:
    name = " ".join((row.get("name") or "").split())
    if not name:
        raise ParseError("empty name", path=path, line=line, field="name")
    expected = (row.get("expected") or "").strip() or None
    if expected is not None and expected not in known_ids:
        raise ParseError(
            f"{expected!r} is not an entity of the lists screened (expected an id such as "
            "ofac-sdn:23252, or empty for a name that should hit nothing)",
            path=path,
            line=line,
            field="expected",
        )
    schema = (row.get("schema") or "").strip() or None
    if schema is not None:
        try:
            schema = canonical_schema(schema)
        except QueryError as exc:
            raise ParseError(exc.message, path=path, line=line, field="schema") from None
    category = (row.get("category") or "").strip() or (LABELLED if expected else CLEAN)
    return Case(name, category, expected, schema, "")
