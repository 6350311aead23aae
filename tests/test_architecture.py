"""Guard rails: the package keeps the layout of DESIGN.md (see docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import architecture as arch


def test_no_import_cycles() -> None:
    assert arch.cycles(arch.internal_graph()) == []


def test_imports_only_run_down_the_layers() -> None:
    assert arch.layer_violations() == []


def test_no_sql_outside_store() -> None:
    assert arch.sql_outside_store() == []


def test_no_parser_imports_another_parser() -> None:
    assert arch.parser_cross_imports() == []


def test_few_modules_loose_at_the_top() -> None:
    assert len(arch.loose_modules()) <= arch.MAX_LOOSE, arch.loose_modules()


def test_no_module_over_the_size_limit() -> None:
    assert arch.long_modules(arch.SRC, arch.ROOT / "benchmarks") == []


# The checks themselves must be able to fail: run them on a small package made to break each.
def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "sanctions"
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [src, *[p for p in src.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return src


def test_the_checks_catch_what_they_guard_against(tmp_path: Path) -> None:
    src = _package(
        tmp_path,
        {
            "cli/main.py": "from ..screen import run\n",
            "screen/run.py": "from ..cli import main\n",  # a cycle, and an upward import
            "match/score.py": "from ..store import versions\n",  # sideways, not a listed peer
            "store/versions.py": "X = 1\n",
            "sources/ofac/csv.py": "from ..un import parse\n",  # a parser importing a parser
            "sources/un.py": "def parse(): pass\n",
            "sources/_csv.py": "X = 1\n",
            "sources/eu.py": "from ._csv import X\n",  # fine: a shared helper
            "batch/run.py": "import sqlite3\nQ = 'SELECT id FROM versions'\n",
            "a.py": "",
            "b.py": "",
            "c.py": "",
            "d.py": "",
        },
    )
    assert arch.cycles(arch.internal_graph(src)) == [["sanctions.cli.main", "sanctions.screen.run"]]
    violations = arch.layer_violations(src)
    assert any("screen.run" in v and "cli" in v for v in violations)
    assert any("match.score" in v and "store" in v for v in violations)
    assert not any(v.startswith("sanctions.cli.main") for v in violations)  # downward is fine
    sql = arch.sql_outside_store(src)
    assert any("SQL" in s for s in sql) and any("sqlite3" in s for s in sql)
    crossing = arch.parser_cross_imports(src)
    assert crossing == ["sanctions.sources.ofac.csv:1 imports the parser sanctions.sources.un"]
    assert arch.loose_modules(src) == ["a", "b", "c", "d"]
    (src / "big.py").write_text("x = 1\n" * 501, encoding="utf-8")
    assert arch.long_modules(src) == [("sanctions/big.py", 501)]
