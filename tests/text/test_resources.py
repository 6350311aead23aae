"""The domain tables under resources/: every one loads, and a broken one names file and line."""

from __future__ import annotations

import pickle
import shutil
from contextlib import AbstractContextManager
from importlib import resources
from pathlib import Path

import pytest

from sanctions.errors import ResourceError, SanctionsError
from sanctions.match.features import schema_compatible
from sanctions.text.resources import (
    TABLES,
    arabic_letters,
    compatible_schemas,
    honorifics,
    load_resource,
    load_table,
    load_tables,
    name_variants,
    particles,
)

PACKAGED = Path(str(resources.files("sanctions").joinpath("resources")))


def tables_on_disk() -> list[str]:
    return sorted(p.stem for p in PACKAGED.glob("*.yml"))


@pytest.mark.parametrize("name", tables_on_disk())
def test_every_table_loads_and_is_declared(name: str) -> None:
    assert load_resource(name) == load_table(PACKAGED / f"{name}.yml")
    assert name in TABLES, f"{name}.yml has no declaration in text/resources.py"


def test_every_declared_table_exists() -> None:
    assert sorted(TABLES) == tables_on_disk()


def test_the_packaged_tables_agree_with_each_other() -> None:
    assert set(load_tables(PACKAGED)) == set(tables_on_disk())


def test_accessors_read_the_tables() -> None:
    assert "sheikh" in honorifics()
    assert particles()["ibn"] == "bin"
    assert name_variants()["evgeniy"] == "yevgeny"
    assert name_variants()["abd"] == "abdul"
    assert arabic_letters()[ord("م")] == "m"
    assert compatible_schemas()["Company"] == frozenset({"Company", "Organization", "LegalEntity"})
    assert schema_compatible("Person", "LegalEntity")
    assert not schema_compatible("Person", "Vessel")
    assert schema_compatible(None, "Vessel")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yml"
    path.write_text(text, "utf-8")
    return path


def raises_at(path: Path, line: int) -> AbstractContextManager[pytest.ExceptionInfo[ResourceError]]:
    return pytest.raises(ResourceError, match=rf"^{path}:{line}: ")


def test_a_duplicate_in_a_group_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name_variants",
        "# c\ngroups:\n  - [ali, aly]\n  - [omar,\n     omar]\ncommon: []\n",
    )
    with raises_at(path, 5) as caught:
        load_table(path)
    assert "'omar' is listed twice" in str(caught.value)
    assert (caught.value.path, caught.value.line) == (str(path), 5)


def test_a_spelling_in_two_groups_is_a_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path, "name_variants", "groups:\n  - [ali, aly]\n  - [alī, ali]\ncommon: []\n")
    with raises_at(
        path,
        3,
    ) as caught:
        load_table(path)
    assert "first on line 2" in str(caught.value)


def test_a_duplicate_key_names_its_second_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "numbers", "units: {one: 1}\ntens: {}\nordinals:\n  first: 1\n  first: 2\n"
    )
    with raises_at(path, 5):
        load_table(path)


def test_a_duplicate_key_in_an_undeclared_table(tmp_path: Path) -> None:
    path = write(tmp_path, "extra", "words:\n  a: 1\n  a: 2\n")
    with raises_at(path, 3):
        load_table(path)


def test_an_undeclared_table_loads_with_the_generic_check(tmp_path: Path) -> None:
    path = write(tmp_path, "extra", "# any shape\nwords: [a, b]\n")
    assert load_table(path) == {"words": ["a", "b"]}


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("honorifics", "honorifics:\n  mr: 1\n", 2, "must be a list"),
        ("honorifics", "honorifics:\n  - mr\n  - [dr]\n", 3, "must be a string"),
        ("particles", "particles:\n  bin: [ibn]\n  al: el\n", 3, "must be a list"),
        ("numbers", "units:\n  one: one\ntens: {}\nordinals: {}\n", 2, "must be an integer"),
        ("arabic", "letters:\n  ab: b\n", 2, "one character"),
        ("honorifics", "honorific:\n  - mr\n", 1, "unknown field"),
        ("honorifics", "honorifics:\n  - no\n", 2, "must be a string"),  # YAML reads no as False
        ("honorifics", "- mr\n", 1, "must be a mapping"),
    ],
)
def test_a_wrong_shape_names_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, name, text)
    with raises_at(path, line) as caught:
        load_table(path)
    assert message in str(caught.value)


def test_a_missing_field_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "name_variants", "groups: [[ali, aly]]\n")
    with pytest.raises(ResourceError, match="missing field 'common'") as caught:
        load_table(path)
    assert caught.value.path == str(path)


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "honorifics", "honorifics:\n  - mr\n  - [dr\n")
    with pytest.raises(ResourceError, match=rf"^{path}:\d+: not valid YAML"):
        load_table(path)


def test_a_spelling_under_two_particles(tmp_path: Path) -> None:
    path = write(tmp_path, "particles", "particles:\n  bin: [bin, ibn]\n  abu: [abu, ibn]\n")
    with raises_at(path, 3) as caught:
        load_table(path)
    assert "under two keys" in str(caught.value)


def test_an_entry_in_two_roles_across_tables(tmp_path: Path) -> None:
    for name in tables_on_disk():
        shutil.copy(PACKAGED / f"{name}.yml", tmp_path)
    # The conflict of issue 9: abd as a particle and in the abdul variant group.
    path = tmp_path / "particles.yml"
    lines = path.read_text("utf-8").splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("  abu:")) + 1
    lines.insert(at, "  abd: []")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ResourceError) as caught:
        load_tables(tmp_path)
    error = caught.value
    assert "'abd' is in particles.particles" in str(error)
    assert error.path == str(tmp_path / "name_variants.yml")
    assert error.line is not None
    spelled = (tmp_path / "name_variants.yml").read_text("utf-8").splitlines()[error.line - 1]
    assert "abd," in spelled
    assert f"{path}:{at + 1}" in str(error)  # and where the other entry is


def test_an_entry_in_two_roles_within_one_table(tmp_path: Path) -> None:
    path = write(tmp_path, "org_words", "legal_forms: [llc, ltd]\ngeneric:\n  - group\n  - ltd\n")
    with raises_at(path, 4) as caught:
        load_table(path)
    assert "'ltd' is in org_words.legal_forms" in str(caught.value)


def test_a_common_name_must_head_a_group(tmp_path: Path) -> None:
    path = write(tmp_path, "name_variants", "groups:\n  - [ali, aly]\ncommon:\n  - aly\n")
    with raises_at(path, 4):
        load_table(path)


def test_resource_error_is_a_sanctions_error_and_pickles() -> None:
    error = ResourceError("bad", "x.yml", 3)
    assert isinstance(error, SanctionsError)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.path, copy.line) == ("x.yml:3: bad", "x.yml", 3)


def test_an_ofac_label_under_two_kinds(tmp_path: Path) -> None:
    text = "plain:\n  passport: [Passport]\nlabelled:\n  tax_id: [NIT]\n  other: [License, NIT]\n"
    path = write(tmp_path, "ofac_id_labels", text)
    with raises_at(path, 5) as caught:
        load_table(path)
    assert "'NIT' is under two kinds" in str(caught.value)


def test_an_ofac_label_both_plain_and_labelled(tmp_path: Path) -> None:
    text = "plain:\n  passport: [Passport]\nlabelled:\n  passport:\n    - Passport\n"
    path = write(tmp_path, "ofac_id_labels", text)
    with raises_at(path, 5) as caught:
        load_table(path)
    assert "'Passport'" in str(caught.value)


def test_a_script_code_must_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "scripts", "unicode_scripts:\n  ARABIC: arab\n  GREEK: [grek]\n")
    with raises_at(path, 3):
        load_table(path)
