"""The one loader of the domain tables under `sanctions/resources/` (commented YAML).

Each table is declared once in `TABLES`: its top-level fields and the shape of each. A table
is checked when it is loaded: the right shape, no entry twice (in a list, a group, or across
the groups of one table), and no entry in two roles that `DISJOINT` keeps apart. A broken
table raises `ResourceError` naming its file and line, so a bad edit fails the first test
run instead of quietly skewing scores. A table that is not declared still loads, with only
the generic checks (valid YAML, a mapping at the top, no key twice). See docs/data.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ResourceError

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"


class Shape(Enum):
    """What one top-level field of a table holds."""

    WORDS = "a list of distinct strings"
    GROUPS = "a list of groups (lists of strings), each string in one group only"
    SPELLINGS = "a mapping of canonical form to its spellings, each spelling under one key"
    SETS = "a mapping of string to a list of distinct strings"
    NUMBERS = "a mapping of string to integer"
    LETTERS = "a mapping of single character to string"
    CODES = "a mapping of string to string"
    LABELS = "a mapping of kind to its labels, each label under one kind"


# Every table: file stem -> {field: shape}. Adding a table is one line here.
TABLES: dict[str, dict[str, Shape]] = {
    "arabic": {"letters": Shape.LETTERS},
    "honorifics": {"honorifics": Shape.WORDS},
    "name_variants": {"groups": Shape.GROUPS, "common": Shape.WORDS},
    "numbers": {"units": Shape.NUMBERS, "tens": Shape.NUMBERS, "ordinals": Shape.NUMBERS},
    "org_words": {"legal_forms": Shape.WORDS, "generic": Shape.WORDS},
    "legal_words": {
        "spelled_out": Shape.WORDS,
        "run_in_suffixes": Shape.WORDS,
        "run_in_prefixes": Shape.WORDS,
    },
    "particles": {"particles": Shape.SPELLINGS},
    "legal_forms": {"legal_forms": Shape.SPELLINGS},
    "schemata": {"compatible": Shape.SETS},
    "ofac_id_labels": {"plain": Shape.LABELS, "labelled": Shape.LABELS},
    "scripts": {"unicode_scripts": Shape.CODES},
    "un_languages": {"languages": Shape.CODES},
    "syllables": {"syllables": Shape.WORDS},
    "territories": {"names": Shape.CODES},
    "vessels": {"prefixes": Shape.WORDS},
    "sanctioned_regions": {
        "names": Shape.CODES,
        "codes": Shape.LABELS,
        "within": Shape.CODES,
        "programs": Shape.SETS,
        "spellings": Shape.LABELS,
        "adjectives": Shape.LABELS,
        "towns": Shape.LABELS,
        "exceptions": Shape.WORDS,
    },
}

# Fields ("table.field") whose entries must not overlap, and why: text/names.py gives each
# token one kind, checking honorifics, then particles, then legal forms, then generic words,
# so an entry in the later table of a pair is silently never used.
DISJOINT: tuple[tuple[str, str, str], ...] = (
    (
        "particles.particles",
        "name_variants.groups",
        "a particle is never read as a given name, so its variant group is unused",
    ),
    ("honorifics.honorifics", "particles.particles", "honorifics are removed before particles"),
    ("honorifics.honorifics", "name_variants.groups", "honorifics are removed from person names"),
    ("org_words.legal_forms", "org_words.generic", "a word is read as a legal form first"),
    (
        "ofac_id_labels.plain",
        "ofac_id_labels.labelled",
        "a label either only names its kind or is kept as the note, not both",
    ),
)
# Fields whose entries must be the canonical (first) spelling of a group in another field.
CANONICAL: tuple[tuple[str, str, str], ...] = (
    ("name_variants.common", "name_variants.groups", "tokens carry their group's first spelling"),
)


@dataclass(slots=True)
class _Parsed:
    """One loaded table: its data and, per field, each entry with the line it is on."""

    path: str
    data: Any
    entries: dict[str, dict[str, int]] = field(default_factory=dict)
    heads: dict[str, set[str]] = field(default_factory=dict)  # GROUPS: first spellings


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _fail(message: str, path: str, node: Node | None = None) -> ResourceError:
    return ResourceError(message, path, _line(node) if node is not None else None)


def _string(node: Node, path: str, what: str) -> str:
    if not isinstance(node, ScalarNode) or node.tag != _STR:
        raise _fail(f"{what} must be a string (quote it if YAML reads it otherwise)", path, node)
    return str(node.value)


def _pairs(node: Node, path: str, what: str) -> list[tuple[str, Node, Node]]:
    """A mapping's (key, key node, value node), refusing a key given twice."""
    if not isinstance(node, MappingNode):
        raise _fail(f"{what} must be a mapping", path, node)
    seen: dict[str, int] = {}
    out = []
    for key_node, value_node in node.value:
        key = _string(key_node, path, f"a key in {what}")
        if key in seen:
            raise _fail(
                f"{key!r} is given twice in {what} (first on line {seen[key]})", path, key_node
            )
        seen[key] = _line(key_node)
        out.append((key, key_node, value_node))
    return out


def _strings(node: Node, path: str, what: str, seen: dict[str, int]) -> list[str]:
    """A list of strings, each new to `seen` (shared across the lists of one field)."""
    if not isinstance(node, SequenceNode):
        raise _fail(f"{what} must be a list", path, node)
    out = []
    for item in node.value:
        text = _string(item, path, f"an entry of {what}")
        if text in seen:
            raise _fail(
                f"{text!r} is listed twice in {what} (first on line {seen[text]})", path, item
            )
        seen[text] = _line(item)
        out.append(text)
    return out


def _check_field(shape: Shape, node: Node, path: str, name: str, parsed: _Parsed) -> None:
    entries: dict[str, int] = {}
    if shape is Shape.WORDS:
        _strings(node, path, name, entries)
    elif shape is Shape.GROUPS:
        if not isinstance(node, SequenceNode):
            raise _fail(f"{name} must be a list of groups", path, node)
        heads = parsed.heads.setdefault(name, set())
        for group in node.value:
            members = _strings(group, path, name, entries)
            if not members:
                raise _fail(f"an empty group in {name}", path, group)
            heads.add(members[0])
    elif shape is Shape.SPELLINGS:
        for key, key_node, value in _pairs(node, path, name):
            if key in entries:
                raise _fail(f"{key!r} is already a spelling (line {entries[key]})", path, key_node)
            own: dict[str, int] = {}
            for spelling in _strings(value, path, f"{name}.{key}", own):
                if spelling in entries:
                    raise ResourceError(
                        f"{spelling!r} is a spelling under two keys in {name} "
                        f"(first on line {entries[spelling]})",
                        path,
                        own[spelling],
                    )
            own.setdefault(key, _line(key_node))  # a canonical form may list itself
            entries.update(own)
    elif shape is Shape.LABELS:
        for key, _key_node, value in _pairs(node, path, name):
            own = {}
            for label in _strings(value, path, f"{name}.{key}", own):
                if label in entries:
                    raise ResourceError(
                        f"{label!r} is under two kinds in {name} (first on line {entries[label]})",
                        path,
                        own[label],
                    )
            entries.update(own)
    else:
        for key, key_node, value in _pairs(node, path, name):
            entries[key] = _line(key_node)
            if shape is Shape.SETS:
                _strings(value, path, f"{name}.{key}", {})
            elif shape is Shape.NUMBERS and (
                not isinstance(value, ScalarNode) or value.tag != _INT
            ):
                raise _fail(f"{name}.{key} must be an integer", path, value)
            elif shape is Shape.CODES:
                _string(value, path, f"{name}.{key}")
            elif shape is Shape.LETTERS:
                if len(key) != 1:
                    raise _fail(f"{key!r} in {name} must be one character", path, key_node)
                _string(value, path, f"{name}.{key}")
    parsed.entries[name] = entries


def _check_keys(node: Node, path: str) -> None:
    """The generic check for undeclared tables: no mapping key twice, anywhere."""
    if isinstance(node, MappingNode):
        for _key, _key_node, value in _pairs(node, path, "a mapping"):
            _check_keys(value, path)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_keys(item, path)


def _parse(name: str, text: str, path: str) -> _Parsed:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ResourceError(f"not valid YAML: {exc.problem}", path, line) from exc
    finally:
        loader.dispose()
    if node is None:
        raise ResourceError("the table is empty", path)
    parsed = _Parsed(path, data)
    shapes = TABLES.get(name)
    if shapes is None:
        _pairs(node, path, "the table")
        _check_keys(node, path)
        return parsed
    pairs = _pairs(node, path, "the table")
    for key, key_node, value in pairs:
        if key not in shapes:
            raise _fail(f"unknown field {key!r} (expected {', '.join(shapes)})", path, key_node)
        _check_field(shapes[key], value, path, key, parsed)
    missing = [key for key in shapes if key not in parsed.entries]
    if missing:
        raise ResourceError(f"missing field {missing[0]!r}: {shapes[missing[0]].value}", path)
    return parsed


def _check_roles(tables: dict[str, _Parsed]) -> None:
    """The cross-field rules, for every rule whose tables are all loaded."""

    def lookup(ref: str) -> tuple[_Parsed, str] | None:
        table, _, name = ref.partition(".")
        return (tables[table], name) if table in tables else None

    for first, second, why in DISJOINT:
        a, b = lookup(first), lookup(second)
        if a is None or b is None:
            continue
        a_entries, b_entries = a[0].entries.get(a[1], {}), b[0].entries.get(b[1], {})
        for entry in sorted(a_entries.keys() & b_entries.keys(), key=b_entries.__getitem__):
            raise ResourceError(
                f"{entry!r} is in {first} ({a[0].path}:{a_entries[entry]}) and in {second}: {why}",
                b[0].path,
                b_entries[entry],
            )
    for first, second, why in CANONICAL:
        a, b = lookup(first), lookup(second)
        if a is None or b is None:
            continue
        heads = b[0].heads.get(b[1], set())
        for entry, line in a[0].entries.get(a[1], {}).items():
            if entry not in heads:
                raise ResourceError(
                    f"{entry!r} in {first} is not the first spelling of a group in {second}: {why}",
                    a[0].path,
                    line,
                )


def load_table(path: str | Path) -> Any:
    """One table file, checked on its own (shape, duplicates, rules within the one table)."""
    path = Path(path)
    parsed = _parse(path.stem, path.read_text("utf-8"), str(path))
    _check_roles({path.stem: parsed})
    return parsed.data


def load_tables(directory: Traversable) -> dict[str, Any]:
    """Every `*.yml` table in `directory` (a Path, or a package's resources), each checked on
    its own and against the others; file stem -> data."""
    parsed: dict[str, _Parsed] = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            name = entry.name.removesuffix(".yml")
            where = str(entry) if isinstance(entry, Path) else f"sanctions/resources/{entry.name}"
            parsed[name] = _parse(name, entry.read_text("utf-8"), where)
    _check_roles(parsed)
    return {name: table.data for name, table in parsed.items()}


@cache
def _packaged() -> dict[str, Any]:
    return load_tables(resources.files("sanctions").joinpath("resources"))


def load_resource(name: str) -> Any:
    """The table `resources/<name>.yml`; every packaged table is checked on first use."""
    tables = _packaged()
    if name not in tables:
        raise ResourceError(f"no table {name!r} under resources/", f"{name}.yml")
    return tables[name]


@cache
def honorifics() -> frozenset[str]:
    return frozenset(load_resource("honorifics")["honorifics"])


@cache
def particles() -> dict[str, str]:
    """Each particle spelling -> its canonical form ("ibn" -> "bin")."""
    table: dict[str, str] = {}
    for canonical, spellings in load_resource("particles")["particles"].items():
        table[canonical] = canonical
        for spelling in spellings:
            table[spelling] = canonical
    return table


@cache
def name_variants() -> dict[str, str]:
    """Each given-name spelling -> the canonical spelling of its group."""
    table: dict[str, str] = {}
    for group in load_resource("name_variants")["groups"]:
        for spelling in group:
            table.setdefault(spelling, group[0])
    return table


@cache
def arabic_letters() -> dict[int, str]:
    """str.translate table for Arabic-script letters."""
    return {ord(char): latin for char, latin in load_resource("arabic")["letters"].items()}


@cache
def compatible_schemas() -> dict[str, frozenset[str]]:
    """Query schema -> the listed schemas it may hit."""
    table = load_resource("schemata")["compatible"]
    return {schema: frozenset(listed) for schema, listed in table.items()}
