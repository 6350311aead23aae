"""The default install needs no compiler: our code imports neither rigour nor normality nor
PyICU (`icu`), which has no wheel. The test extras still bring them in (followthemoney), so
these tests make sure the package works where they cannot be imported at all."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import sanctions

FORBIDDEN = ("rigour", "normality", "icu")
PACKAGE = Path(sanctions.__file__).parent

# Run in a fresh interpreter in which importing any of FORBIDDEN raises ImportError.
SCRIPT = """
import json, sys
for blocked in {forbidden!r}:
    sys.modules[blocked] = None
from pathlib import Path
from sanctions.model import Entity, NameKind
from sanctions.screen import Query, Screener
from sanctions.sources.base import Publication
from sanctions.store import Store
from sanctions.text.values import country_code

LISTED = {{
    "aliyev": ("Person", "ALIYEV, Ilham Heydar oglu"),
    "xi": ("Person", "XI, Jinping"),
    "vektor": ("Company", "Vektor Limited Liability Company"),
    "gertler": ("Person", "GERTLER, Dan"),
}}

def entity(key, schema, name):
    e = Entity(f"test:{{key}}", schema, datasets=["test"])
    e.add_name(name, NameKind.PRIMARY)
    return e

with Store(":memory:") as store:
    entities = iter(entity(key, *value) for key, value in LISTED.items())
    store.load(Publication("test", "test", [Path("t")], entities), sha256="v1")
    screener = Screener.from_store(store)
queries = [
    ("Ильхам Гейдар оглы Алиев", "Person"),
    ("习近平", "Person"),
    ("ООО «Вектор»", "Company"),
    ("Алексей Навальный", "Person"),
]
hits = {{name: [h.entity_id for h in screener.screen(Query(name, schema=schema))]
        for name, schema in queries}}
countries = [country_code(c) for c in ("Russian Federation", "Korea, North", "Burma")]
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r}
                and sys.modules[m] is not None)
print(json.dumps({{"hits": hits, "countries": countries, "loaded": loaded}}))
"""


def test_screening_works_where_rigour_and_icu_cannot_be_imported() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(forbidden=FORBIDDEN)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["hits"] == {
        "Ильхам Гейдар оглы Алиев": ["test:aliyev"],  # Cyrillic to a Latin listed name
        "习近平": ["test:xi"],  # Chinese characters to "XI, Jinping"
        "ООО «Вектор»": ["test:vektor"],  # the legal form in Cyrillic, spelled out when listed
        "Алексей Навальный": [],  # and nothing for someone who is not listed
    }
    assert out["countries"] == ["ru", "kp", "mm"]
    assert out["loaded"] == []


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_no_module_of_the_package_imports_rigour_normality_or_icu() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imported_modules(path) & set(FORBIDDEN))
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(offenders) > 100  # the whole package was read
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_static_check_sees_every_form_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import icu\nfrom rigour.text import ascii_text\nimport normality.transliteration as t\n"
        "from . import rigour\nimport json\n"
    )
    assert _imported_modules(sample) & set(FORBIDDEN) == {"icu", "rigour", "normality"}
