"""Reading the package's structure from its source: imports, layers, SQL, sizes.

Used by test_architecture.py; also runnable to print the counts it checks:

    python tests/architecture.py [SRC_DIR]
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "sanctions"

# DESIGN.md's layers, top (0) to bottom (3). An import may only go to the same rank or
# lower; at ranks 1 and 2 a sideways import must be listed in PEERS.
LAYERS = {
    "cli": 0,
    "api": 0,
    "web": 0,
    "screen": 1,
    "ingest": 1,
    "batch": 1,
    "monitor": 1,
    "evaluate": 1,
    "extract": 1,
    "spark": 1,
    "auth": 1,
    "match": 2,
    "sources": 2,
    "store": 2,
    "text": 3,
    "model": 3,
    "errors": 3,
    "settings": 3,
}
PEERS = {
    ("batch", "screen"),  # a batch is many screenings through the one façade
    ("monitor", "screen"),  # monitoring scores pairs with the one screener
    ("monitor", "batch"),  # customer files are read like batch files
    ("monitor", "auth"),  # decisions check the acting user's role
    ("evaluate", "screen"),  # an evaluation screens its cases through the one façade
    ("extract", "screen"),  # documents and payments are screened through the one façade
    ("spark", "screen"),  # Spark executors screen through the one façade, as local batch does
    ("store", "sources"),  # a load stores a `Publication`, the parsers' output type
}
# Modules allowed loose at the top of the package, beside at most MAX_LOOSE others.
CORE_MODULES = {"__init__", "errors", "model", "settings", "auth"}
MAX_LOOSE = 3
MAX_LINES = 500
# Modules of sources/ that are not parsers: the registry and detection, the shared types.
SOURCES_FRAMEWORK = {"__init__", "registry", "detect", "base"}

_SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)|DROP\s+TABLE|PRAGMA\s+\w+)\b",
    re.IGNORECASE | re.DOTALL,
)
_DB_DRIVERS = {"sqlite3", "psycopg", "psycopg2", "sqlalchemy", "asyncpg"}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module name, e.g. "sanctions.cli.lists"
    target: str  # dotted module name it imports (inside the package), or the external name
    line: int


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(src: Path = SRC) -> dict[str, Path]:
    return {module_name(p, src): p for p in sorted(src.rglob("*.py"))}


def _resolve(base: str, level: int, name: str | None, is_package: bool) -> str:
    if level == 0:
        return name or ""
    parts = base.split(".")
    keep = len(parts) - level + (1 if is_package else 0)
    prefix = parts[:keep]
    return ".".join(prefix + ([name] if name else []))


def imports(src: Path = SRC) -> Iterator[Import]:
    """Every import statement in the package (function-level ones included)."""
    known = modules(src)
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(name, alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, node.level, node.module, is_package)
                for alias in node.names:
                    # `from pkg import mod` imports a module when pkg/mod.py exists.
                    sub = f"{target}.{alias.name}"
                    yield Import(name, sub if sub in known else target, node.lineno)


def internal_graph(src: Path = SRC) -> dict[str, set[str]]:
    known = modules(src)
    graph: dict[str, set[str]] = {name: set() for name in known}
    for imp in imports(src):
        if imp.target in known and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def unit(module: str) -> str | None:
    """The layer unit a module belongs to: its first name below `sanctions`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def layer_violations(src: Path = SRC) -> list[str]:
    known = modules(src)
    out = []
    for imp in imports(src):
        if imp.target not in known or imp.source == "sanctions":
            continue  # external, or the package's own re-exports
        here, there = unit(imp.source), unit(imp.target)
        if here is None or there is None or here == there:
            continue
        if here not in LAYERS or there not in LAYERS:
            out.append(f"{imp.source}:{imp.line}: {here} or {there} has no layer in LAYERS")
            continue
        rank_here, rank_there = LAYERS[here], LAYERS[there]
        upward = rank_there < rank_here
        sideways = rank_there == rank_here and rank_here in (1, 2)
        if upward or (sideways and (here, there) not in PEERS):
            out.append(f"{imp.source}:{imp.line} imports {imp.target} ({here} -> {there})")
    return out


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "x"
                for v in node.values
            )
            yield node.lineno, text


def sql_outside_store(src: Path = SRC) -> list[str]:
    out = []
    for name, path in modules(src).items():
        if unit(name) == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant | ast.JoinedStr):
                for line, text in _strings(node):
                    if _SQL.search(text):
                        out.append(f"{name}:{line}: SQL {text[:60]!r}")
                        break
        for imp in imports(src):
            if imp.source == name and imp.target.split(".")[0] in _DB_DRIVERS:
                out.append(f"{name}:{imp.line}: imports the database driver {imp.target}")
    return sorted(set(out))


def is_parser(module: str) -> bool:
    parts = module.split(".")
    if parts[:2] != ["sanctions", "sources"] or len(parts) < 3:
        return False
    if any(part.startswith("_") for part in parts[2:]):
        return False
    return parts[-1] not in SOURCES_FRAMEWORK


def parser_cross_imports(src: Path = SRC) -> list[str]:
    known = modules(src)
    # A publisher's package (sources/ofac/__init__.py) only groups its parsers.
    parsers = {m for m, path in known.items() if is_parser(m) and path.name != "__init__.py"}
    out = []
    for imp in imports(src):
        if imp.source in parsers and imp.target in parsers and imp.target != imp.source:
            out.append(f"{imp.source}:{imp.line} imports the parser {imp.target}")
    return sorted(set(out))  # one entry per statement, however many names it imports


def loose_modules(src: Path = SRC) -> list[str]:
    return sorted(p.stem for p in src.glob("*.py") if p.stem not in CORE_MODULES)


def long_modules(*folders: Path, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    out = []
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            count = len(path.read_text(encoding="utf-8").splitlines())
            if count > limit:
                out.append((str(path.relative_to(folder.parent)), count))
    return out


def longest_module(*folders: Path) -> tuple[str, int]:
    return max(
        (
            (str(p.relative_to(f.parent)), len(p.read_text(encoding="utf-8").splitlines()))
            for f in folders
            for p in f.rglob("*.py")
        ),
        key=lambda item: item[1],
    )


if __name__ == "__main__":
    src = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else SRC
    graph = internal_graph(src)
    print("import cycles:", cycles(graph))
    print("layer violations:", len(layer_violations(src)))
    sql = sql_outside_store(src)
    print("modules with SQL outside store/:", sorted({s.split(":")[0] for s in sql}))
    print("parser cross-imports:", len(parser_cross_imports(src)))
    print("loose modules:", loose_modules(src))
    print("longest module:", longest_module(src, src.parents[1] / "benchmarks"))
