"""FollowTheMoney JSON lines (OpenSanctions) and the Senzing export: real files, broken input."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import entities_by_id
from sanctions.errors import FormatError, ParseError, SourceError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.ftm import parse_ftm, parse_senzing

OS = "opensanctions"


@pytest.fixture(scope="module")
def zala(data_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    publication = parse_ftm(data_dir / OS / "zala.entities.ftm.json")
    return publication, entities_by_id(publication)


def test_zala_counts(zala: tuple[Publication, dict[str, Entity]]) -> None:
    publication, entities = zala
    # 91 lines: Sanction 41, Ownership 14, Company 11, Address 11, Person 6, Family 4, ...
    assert collections.Counter(e.schema for e in entities.values()) == {"Company": 11, "Person": 6}
    assert all(i.startswith("opensanctions:") for i in entities)
    assert all(e.datasets == ["opensanctions"] for e in entities.values())
    assert (publication.source, publication.format, publication.published) == (OS, "ftm-json", None)
    assert publication.warnings == [
        "zala.entities.ftm.json: 74 entities of non-screening schemas skipped (Address 11, "
        "Directorship 3, Family 4, Ownership 14, Passport 1, Sanction 41)"
    ]


def test_person_field_by_field(zala: tuple[Publication, dict[str, Entity]]) -> None:
    osetrova = zala[1]["opensanctions:NK-2Tbri3s6GgNtAwsSXh4qpL"]
    assert osetrova.schema == "Person"
    assert osetrova.names[0] == Name("Maria Aleksandrovna Osetrova", NameKind.PRIMARY)  # caption
    assert Name("Мария Александровна Осетрова", NameKind.ALIAS, "cyrl") in osetrova.names
    assert Name("Zakharova Mariia Oleksandrivna", NameKind.ALIAS) in osetrova.names  # alias
    assert [n.value for n in osetrova.names if n.kind is NameKind.FORMER] == [
        "Maria Aleksandrovna Zakharova",
        "Мария Александровна Захарова",
    ]
    assert len(osetrova.names) == 16
    assert osetrova.birth_dates == [DateValue("1988-01-07")]
    # idNumber, taxNumber and innCode hold the same INN: once per kind.
    assert osetrova.identifiers == [
        Identifier(IdKind.NATIONAL_ID, "183116181362"),
        Identifier(IdKind.TAX_ID, "183116181362"),
    ]
    assert osetrova.addresses == [
        Address("IZHEVSK, 426008"),
        Address("272 Pushkinskaya St., Apt. 41, Izhevsk, 426008"),
    ]
    assert osetrova.get("nationality") == ["ru"]
    assert osetrova.get("citizenship") == ["ru"]
    assert osetrova.get("gender") == ["female"]
    assert osetrova.get("topics") == ["debarment", "corp.disqual", "sanction"]
    assert osetrova.get("programId") == ["UA-SA1644", "US-RUSHAR", "GB-RUS"]
    assert "gb_fcdo_sanctions" in osetrova.get("sourceDatasets")


def test_sanctions_fill_their_targets(zala: tuple[Publication, dict[str, Entity]]) -> None:
    # 13 Sanction lines (31..91) point at this person, all after its own line (11).
    zakharov = zala[1]["opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert "Office of Foreign Assets Control" in zakharov.get("authority")
    assert "UKR" in zakharov.get("program")
    assert sorted(zakharov.get("listingDate")) == [
        "2025-02-13",
        "2025-02-14",
        "2025-02-24",
        "2025-03-04",
    ]
    company = zala[1]["opensanctions:NK-nR5AXM9AVPq4pQaSPSaVam"]  # JSC Kalashnikov Concern
    assert company.schema == "Company"
    assert Identifier(IdKind.REGISTRATION, "1111832003018") in company.identifiers


def test_t1(data_dir: Path) -> None:
    publication = parse_ftm(data_dir / OS / "t1.entities.ftm.json")
    entities = entities_by_id(publication)
    assert collections.Counter(e.schema for e in entities.values()) == {
        "Person": 4,
        "Organization": 2,
    }
    tobacco = entities["opensanctions:NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert tobacco.caption == "RAB „Inter Tobacco“"
    assert Name("Εταιρία περιορισμένης ευθύνης “Inter Tobacco”", NameKind.ALIAS, "grek") in (
        tobacco.names
    )
    assert tobacco.identifiers == [Identifier(IdKind.REGISTRATION, "808000714")]
    assert tobacco.get("country") == ["by"]
    assert publication.warnings == [
        "t1.entities.ftm.json: 1 entities of non-screening schemas skipped (Address 1)"
    ]


# -- hand-made files ----------------------------------------------------------------------------


def _line(id_: str, schema: str, **props: list[str]) -> dict[str, Any]:
    return {"id": id_, "schema": schema, "properties": props}


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_schemas_names_and_sanctions_before_or_after(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "entities.ftm.json",
        [
            _line("s1", "Sanction", entity=["p1"], program=["SDGT"], listingDate=["2001-10-12"]),
            _line(
                "p1",
                "Person",
                name=["John Doe", "Джон Доу"],
                weakAlias=["JD"],
                previousName=["John Roe"],
                birthDate=["1961", "1961-12", "12 Dec 1961"],
                passportNumber=["X1"],
                nationality=["GB-SCT"],
            ),
            _line("b1", "PublicBody", name=["Ministry of Defence"], abbreviation=["MOD"]),
            _line("v1", "Vessel", name=["SEA STAR"], imoNumber=["IMO 9187629"], flag=["PA"]),
            _line("s2", "Sanction", entity=["v1"], programId=["US-IRAN"], startDate=["2019"]),
            _line("o1", "Ownership", owner=["p1"], asset=["v1"]),
        ],
    )
    publication = parse_ftm(path)
    doe, ministry, vessel = publication.entities
    assert doe.names == [
        Name("John Doe", NameKind.PRIMARY),  # no caption: the first name
        Name("Джон Доу", NameKind.ALIAS, "cyrl"),
        Name("JD", NameKind.WEAK),
        Name("John Roe", NameKind.FORMER),
    ]
    assert doe.birth_dates == [DateValue("1961"), DateValue("1961-12"), DateValue("1961-12-12")]
    assert doe.identifiers == [Identifier(IdKind.PASSPORT, "X1")]
    assert doe.get("nationality") == ["gb-sct"]
    assert (doe.get("program"), doe.get("listingDate")) == (["SDGT"], ["2001-10-12"])
    assert (ministry.schema, ministry.names[1]) == ("Organization", Name("MOD", NameKind.WEAK))
    assert vessel.identifiers == [Identifier(IdKind.IMO, "9187629")]
    assert vessel.get("flag") == ["pa"]
    # A Sanction with only a programId: it stands in for the missing program text.
    assert (vessel.get("program"), vessel.get("listingDate")) == (["US-IRAN"], ["2019"])
    assert publication.warnings[0].endswith("skipped (Ownership 1, Sanction 2)")


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        for _ in parse_ftm(path).entities:
            pass
    return info.value


@pytest.mark.parametrize(
    ("third_line", "field", "message"),
    [
        ('{"id": "x", "schema": "Person", "prop', None, "not valid JSON"),
        ("[1, 2, 3]", None, "expected a JSON object, found list"),
        ('"just a string"', None, "expected a JSON object, found str"),
        ('{"schema": "Person", "properties": {}}', "id", "missing or not a string: id"),
        ('{"id": "x", "properties": {}}', "schema", "missing or not a string: schema"),
        ('{"id": "x", "schema": "Person", "properties": []}', "properties", "not an object"),
        ('{"id": "x", "schema": "Person", "properties": {"name": "A"}}', "properties.name", "list"),
    ],
)
def test_bad_line(tmp_path: Path, third_line: str, field: str | None, message: str) -> None:
    good = json.dumps(_line("a", "Person", name=["A"]))
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join([good, "", third_line, good.replace('"a"', '"b"')]) + "\n")
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, error.field) == (3, field)
    assert message in str(error)
    assert f"{path}:3" in str(error)


def test_truncated_and_invalid_utf8(data_dir: Path, tmp_path: Path) -> None:
    raw = (data_dir / OS / "zala.entities.ftm.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(raw[: len(raw) // 2])
    error = _error(path)
    assert isinstance(error, ParseError) and "truncated" in str(error)
    assert error.line == raw[: len(raw) // 2].count(b"\n") + 1
    path.write_bytes(raw.replace(b'"Person"', b'"Pers\xffon"', 1))
    error = _error(path)
    assert isinstance(error, ParseError) and "UTF-8" in str(error)


def test_refusals(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="Senzing"):
        parse_ftm(data_dir / OS / "us_congress_senzing.json")
    array = _write(tmp_path / "array.json", [])
    array.write_text('[\n{"id": "a", "schema": "Person", "properties": {}}\n]\n')
    with pytest.raises(FormatError, match="JSON array"):
        parse_ftm(array)
    with pytest.raises(ParseError, match="not valid JSON"):
        parse_ftm(data_dir / "us_csl" / "csl.csv")  # eager: the first line is checked
    empty = tmp_path / "empty.json"
    empty.write_text("\n\n")
    with pytest.raises(ParseError, match="file is empty"):
        parse_ftm(empty)
    with pytest.raises(SourceError, match="cannot open file"):
        parse_ftm(tmp_path / "nope.json")


# -- Senzing ------------------------------------------------------------------------------------


def test_senzing_us_congress(data_dir: Path) -> None:
    publication = parse_senzing(data_dir / OS / "us_congress_senzing.json")
    entities = entities_by_id(publication)
    assert len(entities) == 1_317  # 1,319 records; 2 are positions, not people
    assert {e.schema for e in entities.values()} == {"Person"}
    assert publication.warnings == [
        "us_congress_senzing.json: 2 records without a PERSON/ORGANIZATION type skipped"
    ]
    assert publication.format == "senzing-json"
    first = entities["opensanctions-senzing:NK-AQ4HymsADSK2D63MkyTqfC"]
    assert first.names == [Name("Jennifer L. McClellan", NameKind.PRIMARY)]
    assert first.birth_dates == [DateValue("1972")]
    assert first.get("nationality") == ["us"]
    assert first.get("topics") == ["role.pep"]
    assert first.identifiers == []  # its OTHER_ID is its own RECORD_ID
    britt = entities["opensanctions-senzing:Q111285444"]
    assert britt.names == [
        Name("Katie Boyd Britt", NameKind.PRIMARY),
        Name("Katie Britt", NameKind.ALIAS),
    ]
    assert britt.get("wikidataId") == ["Q111285444"]
    kinds = collections.Counter(n.kind for e in entities.values() for n in e.names)
    assert kinds == {NameKind.PRIMARY: 1_317, NameKind.ALIAS: 33}
    assert sum(bool(e.get("deathDate")) for e in entities.values()) == 42


def test_senzing_broken(tmp_path: Path) -> None:
    good = {"DATA_SOURCE": "X", "RECORD_ID": "1", "RECORD_TYPE": "PERSON", "NAMES": []}
    path = _write(tmp_path / "s.json", [good, {**good, "RECORD_ID": "2", "NAMES": "Bob"}])
    with pytest.raises(ParseError) as info:
        list(parse_senzing(path).entities)
    assert (info.value.line, info.value.field, info.value.record) == (2, "NAMES", "2")
    path = _write(tmp_path / "s.json", [{"RECORD_ID": "1"}])
    with pytest.raises(ParseError, match="DATA_SOURCE"):
        parse_senzing(path)
