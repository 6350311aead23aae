"""The FCDO's UK Sanctions List, CSV and XML.

No copy of the published files is stored in shared/data, so the fixtures in
tests/fixtures/uk_fcdo/ are hand-made in the published layout (UK-Sanctions-List.csv: a
"Report Date:" line, then the header and one row per name; UK-Sanctions-List.xml:
<Designations>/<Designation>, element names as opensanctions' gb_fcdo_sanctions crawler and
moov-io/watchman read them). They hold five real designations whose values come from the UN
list and the OFSI excerpt in shared/data (see the XML's header comment for what is real and
what is a placeholder).
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import entities_by_id
from sanctions.errors import FormatError, ParseError, SourceError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Link, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.uk.fcdo import parse_uk_fcdo_csv, parse_uk_fcdo_xml
from sanctions.sources.uk.ofsi import parse_uk_ofsi


@pytest.fixture(scope="module")
def from_csv(fixtures_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    publication = parse_uk_fcdo_csv(fixtures_dir / "uk_fcdo" / "UK_Sanctions_List.csv")
    return publication, entities_by_id(publication)


@pytest.fixture(scope="module")
def from_xml(fixtures_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    publication = parse_uk_fcdo_xml(fixtures_dir / "uk_fcdo" / "UK_Sanctions_List.xml")
    return publication, entities_by_id(publication)


def test_csv_counts(from_csv: tuple[Publication, dict[str, Entity]]) -> None:
    publication, entities = from_csv
    # 12 rows (one per name, and per extra date of birth) make five designations.
    assert list(entities) == [
        "uk-fcdo:AFG0001",
        "uk-fcdo:AFG0006",
        "uk-fcdo:DPR9067",
        "uk-fcdo:DPR9556",
        "uk-fcdo:IRQ9001",
    ]
    assert collections.Counter(e.schema for e in entities.values()) == {
        "Person": 3,
        "Organization": 1,
        "Vessel": 1,
    }
    assert (publication.format, publication.published) == ("uk-fcdo-csv", "2026-09-02")
    assert publication.warnings == []
    assert all(e.datasets == ["uk-fcdo"] for e in entities.values())


def test_csv_and_xml_give_the_same_entities(
    from_csv: tuple[Publication, dict[str, Entity]],
    from_xml: tuple[Publication, dict[str, Entity]],
) -> None:
    assert (from_xml[0].format, from_xml[0].published) == ("uk-fcdo-xml", "2026-09-02")
    assert {k: e.to_dict() for k, e in from_xml[1].items()} == {
        k: e.to_dict() for k, e in from_csv[1].items()
    }


def test_person_field_by_field(from_xml: tuple[Publication, dict[str, Entity]]) -> None:
    akhund = from_xml[1]["uk-fcdo:AFG0006"]
    assert akhund.schema == "Person"
    assert akhund.names == [
        Name("MOHAMMAD HASSAN AKHUND", NameKind.PRIMARY),
        Name("Mohammad Hassan Akhund", NameKind.ALIAS),  # Primary name variation
        Name("محمد حسن آخوند", NameKind.ORIGINAL, "arab"),
    ]
    assert akhund.birth_dates == [DateValue("1945"), DateValue("1955")]  # "dd/mm/1945"
    assert akhund.get("title") == ["Mullah"]
    assert akhund.get("nationality") == ["af"]
    assert akhund.get("birthPlace") == [
        "Pashmul village, Panjwai District, Kandahar Province, Afghanistan"
    ]
    assert akhund.get("birthCountry") == ["af"]
    assert akhund.get("program") == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert akhund.get("provisions") == ["Asset freeze", "Travel Ban"]
    assert akhund.get("authority") == ["UN"]
    assert akhund.get("listingDate") == ["2001-01-25"]
    assert akhund.get("modifiedAt") == ["2011-11-29"]
    assert akhund.get("ofsiGroupId") == ["7172"]
    assert akhund.get("unscId") == ["TAi.002"]
    saddam = from_xml[1]["uk-fcdo:IRQ9001"]
    assert saddam.names == [
        Name("Saddam Hussein AL-TIKRITI", NameKind.PRIMARY),
        Name("Abu Ali", NameKind.WEAK),  # Alias strength "Low quality a.k.a"
        Name("صدام حسين التكريتي", NameKind.ORIGINAL, "arab"),
    ]
    assert saddam.birth_dates == [DateValue("1937-04-28")]
    kim = from_xml[1]["uk-fcdo:DPR9067"]
    assert kim.identifiers == [Identifier(IdKind.PASSPORT, "836210029")]
    assert (kim.get("gender"), kim.get("nationality")) == (["male"], ["kp"])
    assert Name("Kim Kyo'ng-il", NameKind.ALIAS) in kim.names  # "Good quality a.k.a"


def test_entity_and_ship(from_xml: tuple[Publication, dict[str, Entity]]) -> None:
    exchange = from_xml[1]["uk-fcdo:AFG0001"]
    assert exchange.schema == "Organization"
    assert exchange.addresses == [
        Address(
            "Branch Office 2, Khyber Paktunkhwa Province, Peshawar, Pakistan",
            street="Branch Office 2",
            city="Peshawar",
            region="Khyber Paktunkhwa Province",
            country="pk",
        )
    ]
    assert len([n for n in exchange.names if n.kind is NameKind.ALIAS]) == 3
    ship = from_xml[1]["uk-fcdo:DPR9556"]
    assert ship.schema == "Vessel"
    assert ship.identifiers == [  # MMSI from Other Information, IMO from ShipDetails
        Identifier(IdKind.MMSI, "445539000"),
        Identifier(IdKind.IMO, "8937675"),
    ]
    assert ship.get("provisions") == ["Asset freeze", "Prohibition of port entry"]


def test_same_targets_as_ofsi(
    from_xml: tuple[Publication, dict[str, Entity]], data_dir: Path
) -> None:
    """The OFSI Group ID links a designation to the same target in OFSI's list."""
    ofsi = entities_by_id(parse_uk_ofsi(data_dir / "uk" / "ofsi_conlist_excerpt.csv"))
    for entity in from_xml[1].values():
        for group in entity.get("ofsiGroupId"):
            if (twin := ofsi.get(f"uk-ofsi:{group}")) is not None:
                assert twin.schema == entity.schema or twin.id == "uk-ofsi:13556"
                assert {i.value for i in twin.identifiers} <= {i.value for i in entity.identifiers}
                assert set(twin.birth_dates) <= set(entity.birth_dates)


SHIP_XML = """<?xml version="1.0" encoding="utf-8"?>
<Designations>
  <DateGenerated>01/10/2026</DateGenerated>
  <Designation>
    <UniqueID>RUS9999</UniqueID>
    <Names><Name><Name6>OCEAN STAR</Name6><NameType>Primary Name</NameType></Name>
      <Name><Name6>STAR</Name6><NameType>ALias</NameType></Name></Names>
    <IndividualEntityShip>Ship</IndividualEntityShip>
    <ShipDetails><Ship>
      <IMONumbers><IMONumber>IMO9562233</IMONumber></IMONumbers>
      <CurrentOwnerOperators>
        <CurrentOwnerOperator>BLUE WAVE LTD</CurrentOwnerOperator>
      </CurrentOwnerOperators>
      <CurrentBelievedFlagOfShips>
        <CurrentBelievedFlagOfShip>Gabon</CurrentBelievedFlagOfShip>
      </CurrentBelievedFlagOfShips>
      <PreviousFlags>
        <PreviousFlag>Panama</PreviousFlag><PreviousFlag>Liberia</PreviousFlag>
      </PreviousFlags>
      <TypeOfShipDetails><TypeOfShip>Crude oil tanker</TypeOfShip></TypeOfShipDetails>
      <YearsBuilt><YearBuilt>2004</YearBuilt></YearsBuilt>
    </Ship></ShipDetails>
  </Designation>
</Designations>
"""


def test_ship_details(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(SHIP_XML, encoding="utf-8")
    (ship,) = parse_uk_fcdo_xml(path).entities
    assert ship.names == [Name("OCEAN STAR", NameKind.PRIMARY), Name("STAR", NameKind.ALIAS)]
    assert ship.identifiers == [Identifier(IdKind.IMO, "9562233")]
    assert ship.links == [Link("BLUE WAVE LTD", "owner_operator")]
    assert (ship.get("flag"), ship.get("pastFlags")) == (["ga"], ["pa", "lr"])
    assert (ship.get("type"), ship.get("buildDate")) == (["Crude oil tanker"], ["2004"])


# -- broken input -------------------------------------------------------------------------------


def _error(parse: Callable[[Path], Publication], path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        for _ in parse(path).entities:
            pass
    return info.value


def _csv_lines(fixtures_dir: Path) -> list[str]:
    return (fixtures_dir / "uk_fcdo" / "UK_Sanctions_List.csv").read_text("utf-8-sig").splitlines()


def test_csv_without_preamble_and_with_other_type_column(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    lines = _csv_lines(fixtures_dir)[1:]
    lines[0] = lines[0].replace('"Individual, Entity, Ship"', "Designation Type")
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    publication = parse_uk_fcdo_csv(path)
    assert len(list(publication.entities)) == 5
    assert publication.published is None


@pytest.mark.parametrize(
    ("preamble", "published"),
    [("Last Updated,23/09/2026", "2026-09-23"), ("Report Date: 2026-09-23", "2026-09-23")],
)
def test_csv_preamble_forms(
    fixtures_dir: Path, tmp_path: Path, preamble: str, published: str
) -> None:
    lines = _csv_lines(fixtures_dir)
    path = tmp_path / "list.csv"
    path.write_text("\n".join([preamble, "", *lines[1:]]), encoding="utf-8")
    assert parse_uk_fcdo_csv(path).published == published


@pytest.mark.parametrize("column", ["Unique ID", "Name type", '"Individual, Entity, Ship"'])
def test_csv_missing_column(fixtures_dir: Path, tmp_path: Path, column: str) -> None:
    lines = _csv_lines(fixtures_dir)
    lines[1] = lines[1].replace(column, "Something else")
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormatError):
        parse_uk_fcdo_csv(path)


def test_csv_truncated_and_bad_type(fixtures_dir: Path, tmp_path: Path) -> None:
    lines = _csv_lines(fixtures_dir)
    path = tmp_path / "cut.csv"
    text = "\n".join(lines)
    path.write_text(text[: len(text) - len(lines[-1]) // 2], encoding="utf-8")  # cut mid-row
    error = _error(parse_uk_fcdo_csv, path)
    assert isinstance(error, ParseError) and error.line == len(lines)
    lines[-2:] = [line.replace(",Individual,", ",Aircraft,") for line in lines[-2:]]
    path.write_text("\n".join(lines), encoding="utf-8")
    error = _error(parse_uk_fcdo_csv, path)
    assert isinstance(error, ParseError)
    assert (error.line, error.record) == (len(lines) - 1, "IRQ9001")
    assert "unknown designation type 'Aircraft'" in str(error)


def test_xml_broken(fixtures_dir: Path, tmp_path: Path) -> None:
    text = (fixtures_dir / "uk_fcdo" / "UK_Sanctions_List.xml").read_text("utf-8")
    path = tmp_path / "list.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    error = _error(parse_uk_fcdo_xml, path)
    assert isinstance(error, ParseError) and "truncated" in str(error)
    path.write_text(text.replace("<UniqueID>DPR9556</UniqueID>", ""), encoding="utf-8")
    error = _error(parse_uk_fcdo_xml, path)
    assert isinstance(error, ParseError) and error.field == "UniqueID"
    path.write_text(text.replace("DPR9556", "DPR9067"), encoding="utf-8")
    assert "duplicate UniqueID" in str(_error(parse_uk_fcdo_xml, path))


def test_xml_refusals(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(FormatError, match="expected <Designations>"):
        parse_uk_fcdo_xml(data_dir / "un" / "consolidated.xml")
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaa">]><Designations/>')
    with pytest.raises(FormatError, match="DOCTYPE"):
        parse_uk_fcdo_xml(bomb)
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        parse_uk_fcdo_xml(empty)
    with pytest.raises(ParseError, match="empty"):
        parse_uk_fcdo_csv(empty)
    garbage = tmp_path / "garbage.csv"
    garbage.write_text('{"id": 1}\n[1, 2]\n')
    with pytest.raises(FormatError, match="Unique ID"):
        parse_uk_fcdo_csv(garbage)
