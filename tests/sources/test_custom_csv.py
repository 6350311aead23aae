"""The documented custom watchlist CSV: the sample file and every error the format names."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.errors import FormatError, ParseError, SourceError, UsageError
from sanctions.model import DateValue, Identifier, IdKind, Name, NameKind
from sanctions.sources.custom_csv import parse_custom_csv

HEADER = "id,schema,name,aliases,birth_date,country,identifiers,notes"


def test_sample_watchlist(fixtures_dir: Path) -> None:
    publication = parse_custom_csv(
        fixtures_dir / "custom_csv" / "watchlist.csv", source="custom-internal"
    )
    smith, acme, petrov, sea_star, northwind = publication.entities
    assert (publication.source, publication.format, publication.warnings) == (
        "custom-internal",
        "custom-csv",
        [],
    )
    assert smith.id == "custom-internal:C-1001"
    assert smith.datasets == ["custom-internal"]
    assert smith.names == [
        Name("John Smith", NameKind.PRIMARY),
        Name("Johnny Smith", NameKind.ALIAS),
        Name("J. Smith", NameKind.ALIAS),
    ]
    assert smith.birth_dates == [DateValue("1961-12")]
    assert smith.identifiers == [Identifier(IdKind.PASSPORT, "123456789")]
    assert smith.get("country") == ["gb"]
    assert smith.get("notes") == ["Former employee; access revoked 2024"]  # not split
    assert acme.schema == "Company"
    assert acme.get("country") == ["ae", "ir"]  # a code and a country name
    assert acme.identifiers == [
        Identifier(IdKind.REGISTRATION, "CN-1234567"),
        Identifier(IdKind.TAX_ID, "100200300"),
    ]
    assert petrov.schema == "Person"  # empty schema
    assert petrov.birth_dates == [DateValue("1975-03-05")]  # 5.3.1975
    assert petrov.identifiers == [Identifier(IdKind.NATIONAL_ID, "4509 123456")]
    assert petrov.get("notes") == ['Court order 12/2025, "do not onboard"']
    assert [i.kind for i in sea_star.identifiers] == [IdKind.IMO, IdKind.MMSI, IdKind.CALL_SIGN]
    assert (northwind.schema, northwind.properties) == ("Organization", {})


def _write(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        for _ in parse_custom_csv(path, source="custom-test").entities:
            pass
    return info.value


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (",Person,Jane Roe,,,,,", "id", "id is empty"),
        ("A2,Person,,,,,,", "name", "name is empty"),
        ("A1,Person,Jane Roe,,,,,", "id", "duplicate id"),
        ("A2,Alien,Jane Roe,,,,,", "schema", "unknown schema 'Alien'"),
        ("A2,Person,Jane Roe,,12/1961,,,", "birth_date", "is not YYYY, YYYY-MM"),
        ("A2,Person,Jane Roe,,31.2.1961,,,", "birth_date", "is not YYYY"),
        ("A2,Company,ACME,,1961,,,", "birth_date", "only a Person"),
        ("A2,Person,Jane Roe,,,Atlantis,,", "country", "unknown country 'Atlantis'"),
        ("A2,Person,Jane Roe,,,,A123,", "identifiers", "is not kind:value"),
        ("A2,Person,Jane Roe,,,,visa:A123,", "identifiers", "unknown identifier kind 'visa'"),
        ("A2,Person,Jane Roe", None, "expected 8 columns, found 3"),
    ],
)
def test_row_errors(tmp_path: Path, row: str, field: str | None, message: str) -> None:
    path = _write(tmp_path / "list.csv", "A1,Person,John Doe,,,,,", row)
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, error.field) == (3, field)
    assert message in str(error)
    assert f"{path}:3" in str(error)


@pytest.mark.parametrize("missing", ["id", "name"])
def test_missing_required_column(tmp_path: Path, missing: str) -> None:
    header = ",".join(c for c in HEADER.split(",") if c != missing)
    path = _write(tmp_path / "list.csv", header=header)
    with pytest.raises(FormatError, match=f"missing column '{missing}'") as info:
        parse_custom_csv(path, source="custom-test")
    assert info.value.field == missing


def test_minimal_file_extra_columns_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"\xef\xbb\xbfName,ID,Risk Score\r\nJane Roe,A1,90\r\n")
    publication = parse_custom_csv(path, source="custom-test")
    assert publication.warnings == [
        "list.csv: columns risk score are not part of the format; ignored"
    ]
    (roe,) = publication.entities
    assert (roe.id, roe.schema, roe.caption) == ("custom-test:A1", "Person", "Jane Roe")


def test_broken_files(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="file is empty"):
        parse_custom_csv(path, source="custom-test")
    path.write_text("id,name,id\n")
    with pytest.raises(FormatError, match="column 'id' appears twice"):
        parse_custom_csv(path, source="custom-test")
    _write(path, 'A1,Person,"John Doe,,,,,')  # cut inside a quoted cell
    error = _error(path)
    assert isinstance(error, ParseError) and "truncated" in str(error)
    path.write_bytes(HEADER.encode() + b"\nA1,Person,J\xe9r\xf4me,,,,,\n")  # Latin-1, not UTF-8
    error = _error(path)
    assert isinstance(error, ParseError) and error.line == 2 and "utf-8" in str(error)
    path.write_text('{"id": "A1", "name": "John"}\n')
    with pytest.raises(FormatError):
        parse_custom_csv(path, source="custom-test")


@pytest.mark.parametrize("source", ["internal", "custom-", "ofac-sdn"])
def test_source_name_must_be_custom(tmp_path: Path, source: str) -> None:
    with pytest.raises(UsageError, match="custom-<list>"):
        parse_custom_csv(_write(tmp_path / "list.csv"), source=source)
