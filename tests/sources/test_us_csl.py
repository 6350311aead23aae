"""trade.gov Consolidated Screening List CSV: the real 2019 excerpt, ids, broken input."""

from __future__ import annotations

import collections
import csv
import io
from pathlib import Path

import pytest

from helpers import entities_by_id
from sanctions.errors import FormatError, ParseError, SourceError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Link, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.us_csl import parse_us_csl


@pytest.fixture(scope="module")
def csl(data_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    publication = parse_us_csl(data_dir / "us_csl" / "csl.csv")
    return publication, entities_by_id(publication)


def test_counts_by_source_list(csl: tuple[Publication, dict[str, Entity]]) -> None:
    publication, entities = csl
    assert len(entities) == 115  # one entity per row; ids unique (checked while loading)
    lists = collections.Counter(
        e.get("sourceList")[0].split(" (")[1][:3] for e in entities.values()
    )
    assert lists == {
        "SDN": 28,
        "SSI": 26,
        "EL)": 22,
        "PLC": 13,
        "DTC": 10,
        "DPL": 8,
        "UVL": 4,
        "ISN": 3,
        "CAP": 1,
    }
    prefixes = collections.Counter(i.split(":")[1].split("-")[0] for i in entities)
    assert prefixes == {k.rstrip(")").lower(): n for k, n in lists.items()}
    # Lists that print no type (DPL, EL, DTC, ISN, UVL) give LegalEntity.
    assert collections.Counter(e.schema for e in entities.values()) == {
        "LegalEntity": 47,
        "Organization": 46,
        "Person": 20,
        "Vessel": 2,
    }
    assert (publication.source, publication.format, publication.published) == (
        "us-csl",
        "us-csl-csv",
        None,
    )
    assert publication.warnings == [
        "csl.csv: 5 rows repeat a list's name without an entity_number; numbered -2, -3, ... "
        "in file order"
    ]
    kinds = collections.Counter(n.kind for e in entities.values() for n in e.names)
    assert kinds == {NameKind.PRIMARY: 115, NameKind.ALIAS: 161}


def test_person_field_by_field(csl: tuple[Publication, dict[str, Entity]]) -> None:
    akbari = csl[1]["us-csl:sdn-27271"]  # entity_number = OFAC's ent_num
    assert akbari.schema == "Person"
    assert akbari.names == [
        Name("AKBARI, Mohammadreza Ali", NameKind.PRIMARY),
        Name("AKBARI, Ali", NameKind.ALIAS),
        Name("ALI-AKBARI, Mohammadreza", NameKind.ALIAS),
        Name("ALIAKBARI, Mohammad Reza Abbas", NameKind.ALIAS),
    ]
    assert akbari.birth_dates == [DateValue("1967-10-31")]
    assert akbari.identifiers == [Identifier(IdKind.PASSPORT, "21795618")]
    assert akbari.links == [Link("QASEMI, Rostam")]
    assert akbari.get("program") == ["SDGT"]
    assert akbari.get("sourceList") == [
        "Specially Designated Nationals (SDN) - Treasury Department"
    ]


def test_vessel_and_ids_cell(csl: tuple[Publication, dict[str, Entity]]) -> None:
    vessel = csl[1]["us-csl:sdn-23156"]
    assert (vessel.schema, vessel.caption) == ("Vessel", "7-28")
    # "IMO 8898831, Vessel Registration Identification; North Korea ..., Secondary sanctions risk:"
    assert vessel.identifiers == [Identifier(IdKind.IMO, "8898831")]
    assert vessel.get("sanctionsInfo") == [
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210"
    ]
    assert vessel.get("flag") == ["kp"]
    assert vessel.links == [Link("YUSONG SHIPPING CO")]
    grace = csl[1]["us-csl:sdn-27304"]
    assert (grace.get("pastFlags"), grace.get("type")) == (["pa"], ["Crude Oil Tanker"])
    karnes = csl[1]["us-csl:sdn-12449"]  # "CO, 1978075, Matricula Mercantil No"
    assert karnes.identifiers == [
        Identifier(IdKind.REGISTRATION, "1978075", "co", "Matricula Mercantil No")
    ]
    assert karnes.addresses == [
        Address("Avenida Ciudad de Cali No. 15A-91, Local A06-07, Bogota, CO", country="co")
    ]
    transneft = csl[1]["us-csl:ssi-17254"]
    assert transneft.get("email") == ["transneft@ak.transneft.ru"]
    assert transneft.get("website") == ["www.transneft.ru"]
    assert Identifier(IdKind.TAX_ID, "7706061801") in transneft.identifiers


def test_ids_without_entity_number_are_stable(csl: tuple[Publication, dict[str, Entity]]) -> None:
    # sha1("Denied Persons List (DPL) - ...\x1fADRIAN MANUEL HERNANDEZ")[:12]
    hernandez = csl[1]["us-csl:dpl-3a119d435afb"]
    assert hernandez.schema == "LegalEntity"
    assert hernandez.get("listingDate") == ["2017-10-16"]
    assert hernandez.get("federalRegisterNotice") == ["82 F.R. 48792 10/20/2017"]
    # The Entity List repeats a party per notice: same name, numbered in file order.
    migeotte = [e for e in csl[1].values() if e.caption == "Gunther Migeotte"]
    base = "us-csl:el-7751abc81ceb"
    assert [e.id for e in migeotte] == [base] + [f"{base}-{n}" for n in range(2, 6)]
    assert [len(e.addresses) for e in migeotte] == [4, 1, 1, 1, 1]


# -- hand-made files ----------------------------------------------------------------------------

HEADER = [
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "alt_names",
    "dates_of_birth",
    "citizenships",
    "ids",
    "remarks",
]
SDN = "Specially Designated Nationals (SDN) - Treasury Department"


def _write(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _row(**cells: str) -> dict[str, str]:
    base = {"_id": "a1b2", "source": SDN, "entity_number": "36", "type": "Individual"}
    return {**base, "name": "DOE, John", **cells}


def test_current_file_with_id_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "consolidated.csv",
        [
            _row(
                programs="RUSSIA-EO14024; UKRAINE-EO13662",
                alt_names="DOE, Jon; ROE, John",
                dates_of_birth="1961; circa 1970",
                citizenships="RU",
                ids="RU, 1234, Passport; XBT 12QtD5BFw, Digital Currency Address - XBT",
            )
        ],
    )
    (doe,) = parse_us_csl(path).entities
    assert doe.id == "us-csl:a1b2"  # the file's own id wins
    assert doe.get("program") == ["RUSSIA-EO14024", "UKRAINE-EO13662"]
    assert [n.value for n in doe.names] == ["DOE, John", "DOE, Jon", "ROE, John"]
    assert doe.birth_dates == [DateValue("1961"), DateValue("1970", circa=True)]
    assert doe.get("citizenship") == ["ru"]
    assert doe.identifiers == [
        Identifier(IdKind.PASSPORT, "1234", "ru"),
        Identifier(IdKind.CRYPTO, "XBT 12QtD5BFw", note="XBT"),
    ]


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        for _ in parse_us_csl(path).entities:
            pass
    return info.value


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        ({"type": "Spaceship"}, "type", "unknown type 'Spaceship'"),
        ({"name": " "}, "name", "name is empty"),
        ({"dates_of_birth": "sometime"}, "dates_of_birth", "date of birth 'sometime'"),
    ],
)
def test_bad_row(tmp_path: Path, cells: dict[str, str], field: str, message: str) -> None:
    path = _write(tmp_path / "consolidated.csv", [_row(_id="ok"), _row(**cells)])
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, error.field, error.record) == (3, field, "us-csl:a1b2")
    assert message in str(error)


def test_duplicate_id_column_value(tmp_path: Path) -> None:
    error = _error(_write(tmp_path / "consolidated.csv", [_row(), _row()]))
    assert isinstance(error, ParseError) and "duplicate _id" in str(error) and error.line == 3


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "consolidated.csv", [_row()], [h for h in HEADER if h != "name"])
    with pytest.raises(FormatError, match="missing column 'name'") as info:
        parse_us_csl(path)
    assert info.value.field == "name"


def test_truncated_file(data_dir: Path, tmp_path: Path) -> None:
    raw = (data_dir / "us_csl" / "csl.csv").read_bytes()
    path = tmp_path / "csl.csv"
    path.write_bytes(raw[: len(raw) // 2])
    error = _error(path)
    assert isinstance(error, ParseError) and error.line is not None and error.line > 2


def test_invalid_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path / "consolidated.csv", [_row()])
    path.write_bytes(path.read_bytes().replace(b"John", b"J\xffhn"))
    error = _error(path)
    assert isinstance(error, ParseError)
    assert error.line == 2 and "byte 0xff" in str(error)


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError, match="file is empty"):
        parse_us_csl(path)


def test_other_formats_are_refused(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        parse_us_csl(data_dir / "ofac" / "sdn.csv")
    garbage = tmp_path / "garbage.csv"
    garbage.write_text('{"id": "x"}\n')
    with pytest.raises(FormatError):
        parse_us_csl(garbage)
