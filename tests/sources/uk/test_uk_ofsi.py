"""OFSI ConList.csv: the real Windows-1252 excerpt, both column sets, encodings, broken input."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from helpers import entities_by_id
from sanctions.errors import FormatError, ParseError, SourceError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.uk._common import split_values, uk_country, uk_date
from sanctions.sources.uk.ofsi import parse_uk_ofsi

EXCERPT = "uk/ofsi_conlist_excerpt.csv"


@pytest.fixture(scope="module")
def excerpt(data_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    publication = parse_uk_ofsi(data_dir / EXCERPT)
    return publication, entities_by_id(publication)


# -- the real excerpt -------------------------------------------------------------------------


def test_excerpt_counts(excerpt: tuple[Publication, dict[str, Entity]]) -> None:
    publication, entities = excerpt
    # 77 rows (67 Individual, 10 Entity) share 41 Group IDs: one entity per group.
    assert len(entities) == 41
    assert collections.Counter(e.schema for e in entities.values()) == {
        "Person": 32,
        "Organization": 9,
    }
    assert all(i.startswith("uk-ofsi:") and i[8:].isdigit() for i in entities)
    assert all(e.datasets == ["uk-ofsi"] for e in entities.values())
    assert (publication.source, publication.format) == ("uk-ofsi", "uk-ofsi-csv")
    assert publication.published is None  # the excerpt lacks the "Last Updated" line
    kinds = collections.Counter(n.kind for e in entities.values() for n in e.names)
    assert kinds == {NameKind.PRIMARY: 18, NameKind.ALIAS: 32}
    # The excerpt samples rows, so 23 groups lost their Prime Alias row: reported, not fatal.
    assert publication.warnings == [
        "ofsi_conlist_excerpt.csv: 23 targets without a Prime Alias row (names kept as "
        "aliases), e.g. uk-ofsi:13349"
    ]


def test_kim_kyong_il_field_by_field(excerpt: tuple[Publication, dict[str, Entity]]) -> None:
    kim = excerpt[1]["uk-ofsi:13562"]
    assert kim.schema == "Person"
    assert kim.names == [Name("Kim Kyong IL", NameKind.PRIMARY)]  # Name 1 .. Name 6 (surname)
    assert kim.birth_dates == [DateValue("1979-08-01")]
    assert kim.identifiers == [
        Identifier(IdKind.PASSPORT, "836210029", note="Passport No. 836210029")
    ]
    assert kim.addresses == [Address("Libya", street="Libya")]  # printed in Address 1
    assert kim.get("position") == ["Foreign Trade Bank deputy chief representative in Libya"]
    assert kim.get("program") == ["North Korea (Democratic People's Republic of Korea)"]
    assert kim.get("listingDate") == ["2017-12-22"]
    assert kim.get("modifiedAt") == ["2018-01-09"]
    assert kim.get("notes") == ["Annex XIII. UN Listing. UN Ref.KPI.067."]


def test_enumerated_cells_are_split(excerpt: tuple[Publication, dict[str, Entity]]) -> None:
    # Nine rows, one name, five DOB spellings; "(1) ... (2) ..." in most other cells.
    brema = excerpt[1]["uk-ofsi:12999"]
    assert [n.value for n in brema.names] == ["Mohamed Adam Brema ABDALLAH"]
    assert brema.birth_dates == [
        DateValue("1970"),
        DateValue("1969"),
        DateValue("1971"),
        DateValue("1970-01-01"),
        DateValue("1971-01-01"),
    ]
    assert brema.get("birthPlace") == ["Ndele, Central African Republic", "Algenana, Sudan"]
    assert brema.get("nationality") == ["cf", "sd"]
    assert [i.value for i in brema.identifiers] == ["D00001184", "P04838205", "202-2708-8368"]
    assert brema.identifiers[1].note == (
        "no: P04838205 (Passport issued under the name of Mohamed Adam Brema Abdallah)"
    )
    assert brema.identifiers[2].kind is IdKind.NATIONAL_ID
    qahtani = excerpt[1]["uk-ofsi:13349"]
    assert qahtani.get("nationality") == ["sa", "qa"]  # "1) Saudi Arabia 2) Qatar"
    assert qahtani.addresses == [Address("Afghanistan (since 2009)", country="af")]


def test_group_names_primary_first(excerpt: tuple[Publication, dict[str, Entity]]) -> None:
    abbas = excerpt[1]["uk-ofsi:13814"]  # six rows; the Prime Alias is the last one
    assert abbas.caption == "Yasser Aziz ABBAS"
    assert abbas.names[0] == Name("Yasser Aziz ABBAS", NameKind.PRIMARY)
    assert len(abbas.names) == 6
    assert excerpt[1]["uk-ofsi:10657"].names == [
        Name("3M MIZAN MACHINERY MANUFACTURING", NameKind.PRIMARY),
        Name("3MG", NameKind.ALIAS),
    ]
    assert excerpt[1]["uk-ofsi:10657"].addresses[0].city == "Tehran"  # Address 6


def test_cp1252_and_vessel_ids(excerpt: tuple[Publication, dict[str, Entity]]) -> None:
    # 0x92 is a right single quote in Windows-1252.
    assert "so-called ’2nd Army Corps’" in excerpt[1]["uk-ofsi:13222"].get("notes")[0]
    tong_san = excerpt[1]["uk-ofsi:13556"]
    assert tong_san.schema == "Organization"  # the old format lists ships as Entity
    assert tong_san.identifiers == [
        Identifier(IdKind.IMO, "8937675"),
        Identifier(IdKind.MMSI, "445539000"),
    ]


def test_official_first_line_and_utf8_copy(data_dir: Path, tmp_path: Path) -> None:
    raw = (data_dir / EXCERPT).read_bytes()
    expected = [e.to_dict() for e in parse_uk_ofsi(data_dir / EXCERPT).entities]
    official = tmp_path / "ConList.csv"
    official.write_bytes(b"Last Updated,28/02/2022\r\n" + raw)
    publication = parse_uk_ofsi(official)
    assert publication.published == "2022-02-28"
    assert [e.to_dict() for e in publication.entities] == expected
    utf8 = tmp_path / "utf8.csv"  # the same list re-saved as UTF-8 with a BOM
    utf8.write_bytes(b"\xef\xbb\xbf" + raw.decode("cp1252").encode("utf-8"))
    assert [e.to_dict() for e in parse_uk_ofsi(utf8).entities] == expected


# -- hand-made files ----------------------------------------------------------------------------

OLD_HEADER = (
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,"
    "Nationality,Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,"
    "Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,"
    "Listed On,Last Updated,Group ID"
)
NEW_HEADER = (
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Non-Latin Script Type,"
    "Non-Latin Script Language,DOB,Town of Birth,Country of Birth,Nationality,Passport Number,"
    "Passport Details,National Identification Number,National Identification Details,Position,"
    "Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,"
    "Other Information,Group Type,Alias Type,Alias Quality,Regime,Listed On,"
    "UK Sanctions List Date Designated,Last Updated,Group ID"
)


def _old_row(
    surname: str, given: str, group_type: str, alias: str, group: str, dob: str = ""
) -> str:
    cells = [surname, given, "", "", "", "", "", dob] + [""] * 15
    return ",".join([*cells, group_type, alias, "Syria", "01/02/2020", "03/04/2021", group])


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("".join(line + "\r\n" for line in lines).encode(encoding))
    return path


def test_rows_of_a_group_need_not_be_consecutive(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ConList.csv",
        [
            "Last Updated,05/03/2021",
            OLD_HEADER,
            _old_row("DOE", "John", "Individual", "AKA", "7", "00/00/1970"),
            _old_row("ACME", "", "Entity", "Prime Alias", "8"),
            _old_row("DOE", "Johnny", "Individual", "Prime Alias", "7", "00/06/1970"),
            _old_row("DOE", "Jon", "Individual", "FKA", "7"),
        ],
    )
    publication = parse_uk_ofsi(path)
    doe, acme = list(publication.entities)
    assert publication.published == "2021-03-05"
    assert doe.names == [
        Name("Johnny DOE", NameKind.PRIMARY),
        Name("John DOE", NameKind.ALIAS),
        Name("Jon DOE", NameKind.FORMER),
    ]
    assert doe.birth_dates == [DateValue("1970"), DateValue("1970-06")]
    assert doe.get("program") == ["Syria"]
    assert (acme.id, acme.schema) == ("uk-ofsi:8", "Organization")
    assert publication.warnings == []


def test_2022_format(tmp_path: Path) -> None:
    cells = [""] * 36
    cells[0], cells[1], cells[7] = "PETROV", "Ivan", "Иван Петров"
    cells[10], cells[13], cells[14], cells[15] = "dd/mm/1971", "Russia", "750123456", "Russian"
    cells[28], cells[29], cells[31], cells[35] = "Individual", "Primary name", "Russia", "15001"
    alias = list(cells)
    alias[0], alias[1], alias[7], alias[14], alias[15] = "VANYA", "", "", "", ""
    alias[29], alias[30] = "Alias", "Low"
    ship = [""] * 36
    ship[0], ship[27], ship[28], ship[29], ship[35] = (
        "SEA STAR",
        "IMO 9187629",
        "Ship",
        "Primary name",
        "15002",
    )
    path = _write(
        tmp_path / "ConList.csv", [NEW_HEADER] + [",".join(c) for c in (cells, alias, ship)]
    )
    petrov, sea_star = parse_uk_ofsi(path).entities
    assert petrov.names == [
        Name("Ivan PETROV", NameKind.PRIMARY),
        Name("VANYA", NameKind.WEAK),  # Alias Quality "Low"
        Name("Иван Петров", NameKind.ORIGINAL, "cyrl"),
    ]
    assert petrov.birth_dates == [DateValue("1971")]
    assert petrov.identifiers == [Identifier(IdKind.PASSPORT, "750123456", note="Russian")]
    assert petrov.get("nationality") == ["ru"]
    assert (sea_star.schema, sea_star.identifiers) == (
        "Vessel",
        [Identifier(IdKind.IMO, "9187629")],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1) Al-Owja (2) Baghdad", ["Al-Owja", "Baghdad"]),
        ("1) Saudi Arabia 2) Qatar", ["Saudi Arabia", "Qatar"]),
        ("(1)-(2) Indonesia", ["Indonesia"]),
        ("Iran (Islamic Republic of)", ["Iran (Islamic Republic of)"]),
        ("a) General, b) Minister", ["General", "Minister"]),
    ],
)
def test_split_values(text: str, expected: list[str]) -> None:
    assert split_values(text) == expected


def test_values() -> None:
    assert [uk_date(d) for d in ("00/00/1980", "dd/mm/1945", "17/08/1958", "1958")] == [
        "1980",
        "1945",
        "1958-08-17",
        "1958",
    ]
    assert uk_country("Congo (Democratic Republic)") == "cd"
    assert uk_country("Libya (possible location as at Jul 2017)") == "ly"
    assert uk_country("Afghan") == "af"
    assert uk_country("Atlantis") is None


# -- broken input -------------------------------------------------------------------------------


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        for _ in parse_uk_ofsi(path).entities:
            pass
    return info.value


def test_byte_invalid_in_utf8_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    row = _old_row("DOE", "John", "Individual", "AKA", "7").encode()
    path.write_bytes(
        OLD_HEADER.encode() + b"\r\n" + row + b"\r\n" + row.replace(b"John", b"J\x81hn")
    )
    error = _error(path)
    assert isinstance(error, ParseError)
    assert error.line == 3
    assert "byte 0x81" in str(error) and "cp1252" in str(error)


def test_truncated_inside_a_quoted_cell(tmp_path: Path) -> None:
    row = _old_row("DOE", "John", "Individual", "AKA", "7")
    path = _write(
        tmp_path / "ConList.csv", [OLD_HEADER, row, row.replace(",Syria", ',"Syria', 1)[:-20]]
    )
    error = _error(path)
    assert isinstance(error, ParseError) and error.line == 3 and "truncated" in str(error)


def test_row_with_missing_cells(tmp_path: Path) -> None:
    row = _old_row("DOE", "John", "Individual", "AKA", "7")
    path = _write(tmp_path / "ConList.csv", [OLD_HEADER, row, "DOE,John,,,"])
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, str(error).split(": ", 1)[1]) == (
        3,
        "expected 29 columns, found 5 (truncated or malformed row?)",
    )


@pytest.mark.parametrize(
    ("cell", "value", "field"),
    [(23, "Country", "Group Type"), (28, "", "Group ID")],
)
def test_bad_cells(tmp_path: Path, cell: int, value: str, field: str) -> None:
    cells = _old_row("DOE", "John", "Individual", "AKA", "7").split(",")
    cells[cell] = value
    path = _write(tmp_path / "ConList.csv", [OLD_HEADER, ",".join(cells)])
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, error.field) == (2, field)


def test_missing_column_is_a_format_error(tmp_path: Path) -> None:
    header = OLD_HEADER.replace(",Group ID", "")
    path = _write(tmp_path / "ConList.csv", [header])
    with pytest.raises(FormatError, match="missing column 'Group ID'") as info:
        parse_uk_ofsi(path)  # eager: before any entity is read
    assert info.value.field == "Group ID"


@pytest.mark.parametrize("content", [b"", b"\r\n  \r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError, match="file is empty"):
        parse_uk_ofsi(path)


def test_other_formats_are_refused(tmp_path: Path, data_dir: Path) -> None:
    json_file = _write(tmp_path / "x.csv", ['{"id": "x", "schema": "Person"}'])
    with pytest.raises(FormatError):
        parse_uk_ofsi(json_file)
    with pytest.raises(FormatError, match="not an OFSI ConList.csv"):
        parse_uk_ofsi(data_dir / "us_csl" / "csl.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open file"):
        parse_uk_ofsi(tmp_path / "nope.csv")
