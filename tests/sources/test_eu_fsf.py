"""EU Financial Sanctions Files (FSF 1.1), XML and CSV.

No official FSF file is available here, so these tests read HAND-WRITTEN fixtures
(tests/fixtures/eu_fsf/fsf_sample.xml and fsf_sample.csv) that follow the EU's published
schema exactly: the element and attribute names of schema_1_1.xsd (seen through a generateDS
binding of it), the 118-column CSV header, and excerpts of the live files quoted in public
code; cross-checked with the readers of OpenSanctions (zavod/shed/fsf.py) and moov-io
watchman (pkg/csl_eu). Their values are six real EU listings taken from
shared/data/eu/journal_sanctions (see tests/fixtures/eu_fsf/README.md); ids, regulation
metadata and the "low quality" marks are invented. Broken and hostile inputs are written to
tmp_path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest

from sanctions.errors import FormatError, ParseError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.eu_fsf import parse_eu_fsf_csv, parse_eu_fsf_xml

E = TypeVar("E", bound=Exception)
XML = "eu_fsf/fsf_sample.xml"
CSV = "eu_fsf/fsf_sample.csv"
NS = "http://eu.europa.ec/fpi/fsd/export"
CELEX_269 = "http://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32014R0269&from=EN"
CELEX_881 = "http://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32002R0881&from=EN"


@pytest.fixture(scope="module")
def xml_entities(fixtures_dir: Path) -> dict[str, Entity]:
    entities = list(parse_eu_fsf_xml(fixtures_dir / XML).entities)
    by_id = {e.id: e for e in entities}
    assert len(by_id) == len(entities) == 6
    return by_id


def test_publication_shape(fixtures_dir: Path) -> None:
    for parse, name, fmt in (
        (parse_eu_fsf_xml, XML, "eu-fsf-xml"),
        (parse_eu_fsf_csv, CSV, "eu-fsf-csv"),
    ):
        publication = parse(fixtures_dir / name)
        assert (publication.source, publication.format) == ("eu-fsf", fmt)
        assert publication.files == [fixtures_dir / name]
        first = next(publication.entities)
        assert publication.published == "2026-08-05"  # generationDate / fileGenerationDate
        assert first.id == "eu-fsf:7001" and first.datasets == ["eu-fsf"]
        assert sum(1 for _ in publication.entities) == 5
        assert publication.warnings == []


def test_custom_source_prefix(fixtures_dir: Path) -> None:
    entity = next(parse_eu_fsf_csv(fixtures_dir / CSV, source="eu").entities)
    assert (entity.id, entity.datasets) == ("eu:7001", ["eu"])


def test_csv_and_xml_give_the_same_entities(fixtures_dir: Path, xml_entities) -> None:
    """The two hand-written fixtures hold the same six listings in the two published layouts:
    ids, names and their kinds, dates, countries, documents, addresses all agree."""
    from_csv = list(parse_eu_fsf_csv(fixtures_dir / CSV).entities)
    assert [e.id for e in from_csv] == list(xml_entities)
    for entity in from_csv:
        assert entity.to_dict() == xml_entities[entity.id].to_dict()


def test_person_with_passport_and_address(xml_entities) -> None:
    e = xml_entities["eu-fsf:7001"]  # 269/2014 I.PERSONS 202
    assert e.schema == "Person"
    assert e.names == [
        Name("Denis Yurievich KHARITONOV", NameKind.PRIMARY),
        Name("Денис Юрьевич ХАРИТОНОВ", NameKind.ALIAS, "ru"),  # nameLanguage="RU"
    ]
    assert e.birth_dates == [DateValue("1980-03-16")]
    assert e.identifiers == [Identifier(IdKind.PASSPORT, "76 2759110", "ru", "National passport")]
    assert e.addresses == [
        Address(
            "Village of Ilyinka, Astrakhan Oblast, RUSSIAN FEDERATION",
            city="Village of Ilyinka",
            region="Astrakhan Oblast",
            country="ru",
        )
    ]
    assert e.properties == {
        "authorityId": ["EU.9001.01"],
        "program": ["UKR"],
        "sourceUrl": [CELEX_269],
        "listingDate": ["2021-12-13"],  # designationDate
        "position": [
            "Deputy regional head of the Astrakhan branch of the Union of Donbass Volunteers"
        ],
        "gender": ["male"],
        "nationality": ["ru"],
        "birthPlace": ["Astrakhan Oblast, RUSSIAN FEDERATION"],
        "birthCountry": ["ru"],
        "country": ["ru"],
    }


def test_person_with_two_addresses_and_tax_number(xml_entities) -> None:
    e = xml_entities["eu-fsf:7002"]  # 269/2014 I.PERSONS 1645
    assert [n.value for n in e.names] == [
        "Andrei Rostislavovich KHOKHLUN",
        "Андрей Ростиславович ХОХЛУН",
    ]
    assert e.identifiers == [
        Identifier(IdKind.PASSPORT, "764101287", "ru", "National passport"),
        Identifier(IdKind.TAX_ID, "773501047190", "ru", "Fiscal Code"),  # fiscalcode
    ]
    assert e.addresses == [
        Address(
            "Balaklavskiy Prospect 16, Moscow, 117452, RUSSIAN FEDERATION",
            street="Balaklavskiy Prospect 16",
            city="Moscow",
            postal_code="117452",
            country="ru",
        ),
        Address(
            "Malija 97, Izola, 6310, SLOVENIA",
            street="Malija 97",
            city="Izola",
            postal_code="6310",
            country="si",
        ),
    ]
    assert e.get("country") == ["ru", "si"]
    assert e.get("birthPlace") == ["Tashkent, UZBEKISTAN"] and e.get("birthCountry") == ["uz"]
    assert e.get("nationality") == ["ru"] and e.get("listingDate") == ["2023-12-18"]


def test_weak_aliases_and_circa_year(xml_entities) -> None:
    e = xml_entities["eu-fsf:7003"]  # 881/2002, UN QDi.296
    assert e.names == [
        Name("Mati ur-Rehman Ali Muhammad", NameKind.PRIMARY),
        Name("مطیع الرحمن علی محمد", NameKind.ALIAS, "ar"),
        Name("Mati-ur Rehman", NameKind.ALIAS),
        Name("Abdul Samad Sial", NameKind.ALIAS),
        Name("Tariq", NameKind.WEAK),  # strong="false" + "Low quality alias"
        Name("Hussain", NameKind.WEAK),
    ]
    # circa="true", year="1977", no day or month
    assert e.birth_dates == [DateValue("1977", circa=True)]
    assert e.identifiers == [] and e.addresses == []
    assert e.properties == {
        "authorityId": ["EU.9003.03"],
        "unscId": ["QDi.296"],
        "program": ["TAQA"],
        "sourceUrl": [CELEX_881],
        "listingDate": ["2011-08-22"],
        "notes": [
            "Mati ur-Rehman is the chief operational commander of Lashkar i Jhangvi. "
            "Associated with Harakat-ul Jihad Islami. Reportedly deceased."
        ],  # the quality remarks are read as the kind, not kept as notes
        "gender": ["male"],
        "nationality": ["pk"],
        "birthPlace": [
            "Chak number 36/DNB, Rajkan, Madina Colony, Bahawalpur District, Punjab Province, "
            "PAKISTAN"
        ],
        "birthCountry": ["pk"],
    }


def test_national_id_with_flags_and_country_only_address(xml_entities) -> None:
    e = xml_entities["eu-fsf:7004"]  # 881/2002, listed 30.3.2026
    assert [(n.value, n.kind) for n in e.names] == [
        ("Hamida Nabaggala", NameKind.PRIMARY),
        ("حميدة ناباجالا", NameKind.ALIAS),
        ("Nabaggala", NameKind.WEAK),
        ("Hamidah", NameKind.WEAK),
    ]
    assert e.identifiers == [
        Identifier(
            IdKind.NATIONAL_ID,
            "CF89095102DDAE",
            "ug",
            "National identification card; expired; expired on 27.3.2025",
        )
    ]
    assert e.addresses == [Address("CONGO, DEMOCRATIC REPUBLIC OF", country="cd")]
    assert e.get("gender") == ["female"] and e.get("birthPlace") == ["UGANDA"]
    assert e.birth_dates == [DateValue("1989-02-23")]


def test_enterprises(xml_entities) -> None:
    bank = xml_entities["eu-fsf:7005"]  # 269/2014 I.ENTITIES 53
    assert bank.schema == "Organization"
    assert bank.names == [
        Name("Bank Rossiya", NameKind.PRIMARY),
        Name("Банк ‘Россия’", NameKind.ALIAS, "ru"),
    ]
    assert bank.identifiers == [
        Identifier(IdKind.REGISTRATION, "1027800000084", "ru", "Registration Number; OGRN"),
        Identifier(IdKind.TAX_ID, "7831000122", "ru", "Fiscal Code; INN"),
    ]
    assert bank.get("notes") == ["Date of registration: 27.6.1990"]
    assert bank.birth_dates == [] and "gender" not in bank.properties
    corps = xml_entities["eu-fsf:7006"]  # 359/2011 I.B 53: no designationDate
    assert corps.get("listingDate") == ["2026-03-16"]  # the regulation's publicationDate
    assert corps.get("program") == ["IRN"]
    assert corps.addresses == [
        Address(
            "Niayesh Highway, Tehran, IRAN (ISLAMIC REPUBLIC OF)",
            street="Niayesh Highway",
            city="Tehran",
            country="ir",
        )
    ]


# -- small hand-written documents ----------------------------------------------------------


def _write(tmp_path: Path, body: str | bytes, name: str = "fsf.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


def _xml(entities: str, date: str = "2026-01-02T10:00:00+01:00") -> str:
    root = f'<export xmlns="{NS}" generationDate="{date}">'
    return f'<?xml version="1.0"?>\n{root}\n{entities}\n</export>'


def _one(tmp_path: Path, entity: str) -> tuple[Entity, Publication]:
    publication = parse_eu_fsf_xml(_write(tmp_path, _xml(entity)))
    (only,) = list(publication.entities)
    return only, publication


def test_partial_and_ranged_birth_dates(tmp_path: Path) -> None:
    entity, _ = _one(
        tmp_path,
        '<sanctionEntity logicalId="1"><subjectType code="person" classificationCode="P"/>'
        '<nameAlias wholeName="" firstName="Ali" lastName="Example" strong="true"/>'
        '<birthdate circa="false" year="1961" monthOfYear="8" countryIso2Code="00" '
        'countryDescription="UNKNOWN"/>'
        '<birthdate circa="true" yearRangeFrom="1970" yearRangeTo="1973"/>'
        '<birthdate circa="false" year="1958" dayOfMonth="5"/>'  # a day without month: the year
        '<birthdate circa="false" city="Kabul" countryIso2Code="AF"/></sanctionEntity>',
    )
    assert entity.names == [Name("Ali Example", NameKind.PRIMARY)]  # built from the parts
    assert entity.birth_dates == [
        DateValue("1961-08"),
        DateValue("1970", "1973", circa=True),
        DateValue("1958"),
    ]
    assert entity.get("birthPlace") == ["Kabul"] and entity.get("birthCountry") == ["af"]


def test_only_weak_names_and_unknown_document_code(tmp_path: Path) -> None:
    entity, publication = _one(
        tmp_path,
        '<sanctionEntity logicalId="2"><subjectType code="enterprise"/>'
        '<nameAlias wholeName="ACME" strong="false"/>'
        '<identification number="X-1" latinNumber="X1" identificationTypeCode="newcode" '
        'countryDescription="Syrian Arab Republic" issuedBy="Ministry" knownFalse="true"/>'
        '<identification identificationTypeCode="passport"><remark>number unknown</remark>'
        "</identification></sanctionEntity>",
    )
    assert entity.names == [Name("ACME", NameKind.WEAK)]  # no strong name: no PRIMARY
    note = "issued by Ministry; reported false"
    assert entity.identifiers == [
        Identifier(IdKind.OTHER, "X-1", "sy", note),  # description → country
        Identifier(IdKind.OTHER, "X1", "sy", note),  # latinNumber, another spelling
    ]
    assert entity.get("notes") == ["Document: number unknown"]
    assert publication.warnings == ["identificationTypeCode newcode unknown; read as other"]


def test_empty_list_still_has_date(tmp_path: Path) -> None:
    publication = parse_eu_fsf_xml(_write(tmp_path, _xml("", date="2021-05-06T01:02:03")))
    assert list(publication.entities) == []
    assert publication.published == "2021-05-06"


def test_csv_strong_column_is_read_when_present(tmp_path: Path) -> None:
    header = (
        "fileGenerationDate;Entity_LogicalId;Entity_SubjectType;NameAlias_WholeName;"
        "NameAlias_Strong"
    )
    rows = ["01/02/2026;5;P;Jane Roe;true", "01/02/2026;5;P;J. R.;false", "01/02/2026;6;E;Acme;"]
    publication = parse_eu_fsf_csv(_write(tmp_path, "\n".join([header, *rows]), "fsf.csv"))
    jane, acme = list(publication.entities)
    assert jane.names == [Name("Jane Roe", NameKind.PRIMARY), Name("J. R.", NameKind.WEAK)]
    assert (acme.schema, acme.names) == ("Organization", [Name("Acme", NameKind.PRIMARY)])
    assert publication.published == "2026-02-01"  # dd/mm/yyyy


def _error(kind: type[E], parse, path: Path) -> E:
    """Parse and consume `path`; return the `kind` error, raised up front or while iterating."""
    try:
        list(parse(path).entities)
    except kind as exc:
        return exc
    raise AssertionError(f"{kind.__name__} not raised")


def test_entity_errors_name_line_record_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, _xml('<sanctionEntity euReferenceNumber="EU.1.1">\n</sanctionEntity>'))
    error = _error(ParseError, parse_eu_fsf_xml, path)
    assert (error.line, error.record, error.field) == (3, "EU.1.1", "logicalId")
    path = _write(
        tmp_path,
        _xml('<sanctionEntity logicalId="9"><subjectType code="vessel"/></sanctionEntity>'),
    )
    error = _error(ParseError, parse_eu_fsf_xml, path)
    assert (error.record, error.field) == ("9", "subjectType") and "'vessel'" in str(error)


def test_csv_rows_of_one_entity_must_be_consecutive(tmp_path: Path) -> None:
    header = "Entity_LogicalId;Entity_SubjectType;NameAlias_WholeName"
    path = _write(tmp_path, f"{header}\n1;P;A\n2;P;B\n1;P;C\n", "fsf.csv")
    error = _error(ParseError, parse_eu_fsf_csv, path)
    assert (error.line, error.record, error.field) == (4, "1", "Entity_LogicalId")
    assert "not consecutive" in str(error)


# -- hostile and broken files --------------------------------------------------------------


def test_doctype_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        f'<export xmlns="{NS}"><sanctionEntity logicalId="1"><subjectType code="person"/>'
        '<nameAlias wholeName="&e;" strong="true"/></sanctionEntity></export>',
    )
    with pytest.raises(FormatError) as info:  # refused before any entity is asked for
        parse_eu_fsf_xml(path)
    assert "DOCTYPE" in str(info.value) and info.value.path == str(path)


def test_truncated_xml(tmp_path: Path, fixtures_dir: Path) -> None:
    data = (fixtures_dir / XML).read_bytes()
    path = _write(tmp_path, data[: int(len(data) * 0.75)])
    publication = parse_eu_fsf_xml(path)  # the root is there: the cut shows while iterating
    read: list[Entity] = []
    with pytest.raises(ParseError) as info:
        read.extend(publication.entities)
    assert info.value.line is not None and info.value.line > 20
    assert str(info.value).startswith(f"{path}:{info.value.line}: not well-formed XML")
    assert 2 < len(read) < 6  # entities before the cut were streamed


def test_wrong_root(data_dir: Path) -> None:
    with pytest.raises(FormatError) as info:
        parse_eu_fsf_xml(data_dir / "un/consolidated.xml")
    assert "<CONSOLIDATED_LIST>" in str(info.value) and "<export>" in str(info.value)


def test_empty_files(tmp_path: Path) -> None:
    for parse, name in ((parse_eu_fsf_xml, "fsf.xml"), (parse_eu_fsf_csv, "fsf.csv")):
        for body in (b"", b" \n"):
            assert "empty" in str(_error(ParseError, parse, _write(tmp_path, body, name)))


def test_csv_missing_column(tmp_path: Path, fixtures_dir: Path) -> None:
    text = (fixtures_dir / CSV).read_text(encoding="utf-8")
    path = _write(tmp_path, text.replace("NameAlias_WholeName", "NameAlias_Whole"), "fsf.csv")
    with pytest.raises(FormatError) as info:  # at once, before iterating
        parse_eu_fsf_csv(path)
    assert (info.value.field, info.value.line) == ("NameAlias_WholeName", 1)
    assert "column NameAlias_WholeName missing" in str(info.value)
    # A comma-separated file is one long column: not an FSF CSV.
    path = _write(tmp_path, "Entity_LogicalId,Entity_SubjectType,NameAlias_WholeName\n", "c.csv")
    assert _error(FormatError, parse_eu_fsf_csv, path).field == "Entity_LogicalId"


def test_csv_bad_encoding_and_truncation(tmp_path: Path, fixtures_dir: Path) -> None:
    data = (fixtures_dir / CSV).read_bytes()
    line = data[: data.index(b"KHOKHLUN")].count(b"\n") + 1  # the first row of entity 7002
    broken = data.replace(b"KHOKHLUN", b"KHOKHL\xff\xfeUN", 1)
    error = _error(ParseError, parse_eu_fsf_csv, _write(tmp_path, broken, "fsf.csv"))
    assert (
        line == 8
        and error.line == line
        and "byte 0xff at column" in str(error)
        and "invalid in utf-8" in str(error)
    )
    cut = _write(tmp_path, data[: len(data) // 2], "cut.csv")
    error = _error(ParseError, parse_eu_fsf_csv, cut)
    assert error.line is not None and "truncated" in str(error)
