"""UN Security Council consolidated list (XML): the real 2026 list and 2018 snapshot,
plus hostile and broken files written to tmp_path."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TypeVar

import pytest

from sanctions.errors import FormatError, ParseError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.un import parse_un_xml, split_names
from sanctions.text.scripts import script_code as script_of

E = TypeVar("E", bound=Exception)

UN_2026 = "un/consolidated.xml"
UN_2018 = "un/snapshots/consolidated_2018-10-29.xml"


@pytest.fixture(scope="module")
def un_2026(data_dir: Path) -> tuple[dict[str, Entity], list[str], str | None]:
    publication = parse_un_xml(data_dir / UN_2026)
    entities = list(publication.entities)
    by_id = {e.id: e for e in entities}
    assert len(by_id) == len(entities), "ids are not unique"
    return by_id, publication.warnings, publication.published


@pytest.fixture(scope="module")
def un_2018(data_dir: Path) -> tuple[dict[str, Entity], list[str], str | None]:
    publication = parse_un_xml(data_dir / UN_2018)
    entities = list(publication.entities)
    by_id = {e.id: e for e in entities}
    assert len(by_id) == len(entities), "ids are not unique"
    return by_id, publication.warnings, publication.published


def test_publication_shape(data_dir: Path) -> None:
    publication = parse_un_xml(data_dir / UN_2026)
    assert (publication.source, publication.format) == ("un-sc", "un-xml")
    assert publication.files == [data_dir / UN_2026]
    first = next(publication.entities)
    assert publication.published == "2026-02-27"  # known once iteration has started
    assert first.id == "un-sc:CDi.001"
    assert sum(1 for _ in publication.entities) == 1002  # drain: xml.py closes the file at EOF


def test_custom_source_prefix(data_dir: Path) -> None:
    entities = list(parse_un_xml(data_dir / UN_2026, source="un").entities)
    assert entities[0].id == "un:CDi.001"
    assert entities[0].datasets == ["un"]


def test_2026_counts(un_2026) -> None:
    by_id, warnings, published = un_2026
    assert published == "2026-02-27"
    assert Counter(e.schema for e in by_id.values()) == {"Person": 730, "Organization": 273}
    assert all(e.id.startswith("un-sc:") and e.datasets == ["un-sc"] for e in by_id.values())
    assert all(e.get("unscId") == [e.id.removeprefix("un-sc:")] for e in by_id.values())
    assert warnings == []  # every country in the 2026 file maps to ISO 3166


def test_name_kinds_2026(un_2026) -> None:
    by_id, _, _ = un_2026
    kinds = Counter(n.kind for e in by_id.values() for n in e.names)
    assert kinds[NameKind.PRIMARY] == 1003
    assert kinds[NameKind.WEAK] == 646  # QUALITY "Low"
    assert kinds[NameKind.FORMER] == 19  # QUALITY "f.k.a." (entities only)
    assert kinds[NameKind.ORIGINAL] == 378
    assert all(
        n.value == n.value.strip() and "  " not in n.value for e in by_id.values() for n in e.names
    )


def test_birth_date_coverage(un_2026, un_2018) -> None:
    # Reported share: 678 / 730 people (92.9 %) in 2026, 661 / 703 (94.0 %) in 2018.
    for (by_id, _, _), expected, people in ((un_2026, 678, 730), (un_2018, 661, 703)):
        persons = [e for e in by_id.values() if e.schema == "Person"]
        assert len(persons) == people
        assert sum(1 for e in persons if e.birth_dates) == expected
        assert not any(e.birth_dates for e in by_id.values() if e.schema == "Organization")


def test_qdi_001_field_by_field(un_2026) -> None:
    e = un_2026[0]["un-sc:QDi.001"]
    assert e.schema == "Person"
    assert e.names == [
        Name("MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE", NameKind.PRIMARY),
        Name("محمد صلاح الدين عبدالحليم زيدان", NameKind.ORIGINAL, "arab"),
        Name("Sayf-Al Adl", NameKind.ALIAS),
        Name("سيف العدل", NameKind.ALIAS, "arab"),  # from the alias NOTE "In Arabic: ..."
        Name("Muhamad Ibrahim Makkawi", NameKind.ALIAS),
        Name("Ibrahim al-Madani", NameKind.WEAK),
        Name("Saif Al-'Adil", NameKind.WEAK),
        Name("Seif al Adel", NameKind.WEAK),
    ]
    assert e.caption == "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE"
    assert e.birth_dates == [DateValue("1963-04-11"), DateValue("1960-04-11")]
    assert e.identifiers == []
    assert e.addresses == []  # <INDIVIDUAL_ADDRESS><COUNTRY/></INDIVIDUAL_ADDRESS> is empty
    props = dict(e.properties)
    assert props.pop("notes")[0].startswith(
        "Responsible for Usama bin Laden’s (deceased) security."
    )
    assert props == {
        "unscId": ["QDi.001"],
        "program": ["Al-Qaida"],
        "listingDate": ["2001-01-25"],
        "modifiedAt": ["2022-11-08"],  # the latest of six LAST_DAY_UPDATED values
        "nationality": ["eg"],
        "birthPlace": ["Monufia Governate, Egypt"],
    }


def test_tai_146_field_by_field(un_2026) -> None:
    e = un_2026[0]["un-sc:TAi.146"]
    assert (e.schema, e.datasets) == ("Person", ["un-sc"])
    assert e.names == [
        Name("NASIRUDDIN HAQQANI", NameKind.PRIMARY),
        Name("نصیر الدین حقانی", NameKind.ORIGINAL, "arab"),
        Name("Dr. Alim Ghair", NameKind.ALIAS),  # QUALITY Good
        Name("Naseer Haqqani", NameKind.ALIAS),
        Name("Dr. Naseer Haqqani", NameKind.ALIAS),
        Name("Nassir Haqqani", NameKind.ALIAS),
        Name("Nashir Haqqani", NameKind.ALIAS),
        Name("Naseruddin", NameKind.WEAK),  # QUALITY Low
    ]
    # TYPE_OF_DATE BETWEEN, FROM_YEAR 1970, TO_YEAR 1973, NOTE "Approximately"
    assert e.birth_dates == [DateValue("1970", "1973", circa=True)]
    assert e.identifiers == [] and e.links == []
    assert e.addresses == [Address("Pakistan", country="pk")]
    props = dict(e.properties)
    assert props.pop("notes")[0].startswith("A leader of the Haqqani Network (TAe.012), which")
    assert props == {
        "unscId": ["TAi.146"],
        "program": ["Taliban"],
        "listingDate": ["2010-07-20"],
        "modifiedAt": ["2014-02-11"],
        "nationality": ["af"],
        "birthPlace": ["Neka District, Paktika Province, Afghanistan"],
        "country": ["pk"],
    }


def test_date_variants(un_2026) -> None:
    by_id = un_2026[0]
    # APPROXIMATELY + YEAR
    assert by_id["un-sc:CDi.014"].birth_dates == [
        DateValue("1962-03-17"),
        DateValue("1966", circa=True),
    ]
    # EXACT with the month only in NOTE ("August 1961"), and YEAR 1958 + NOTE "Sep."
    assert DateValue("1961-08") in by_id["un-sc:CFi.009"].birth_dates
    assert by_id["un-sc:QDi.395"].birth_dates == [DateValue("1958-09")]
    # NOTE "Between Aug. and Sep. 1977"
    assert DateValue("1977-08", "1977-09") in by_id["un-sc:QDi.306"].birth_dates
    # A note that is no date is kept, never guessed
    assert "Date of birth 1979-03-03: from false passport" in by_id["un-sc:QDi.295"].get("notes")
    assert "Date of birth: 24/06/1402 (Hijri Calendar)" in by_id["un-sc:QDi.291"].get("notes")
    circa = sum(1 for e in by_id.values() for d in e.birth_dates if d.circa)
    ranges = sum(1 for e in by_id.values() for d in e.birth_dates if d.end)
    assert (circa, ranges) == (124, 32)


def test_multilingual_names_are_split(un_2026) -> None:
    by_id = un_2026[0]
    kim = by_id["un-sc:KPi.035"].names
    assert Name("Jin Tiesan", NameKind.ALIAS) in kim
    assert Name("金铁三", NameKind.ALIAS, "hani") in kim
    byutukaev = by_id["un-sc:QDi.396"].names
    assert Name("Аслан Авгазарович Бютукаев", NameKind.ORIGINAL, "cyrl") in byutukaev
    assert Name("Amir Khazmat", NameKind.WEAK) in byutukaev
    assert Name("Амир Хазмат", NameKind.WEAK, "cyrl") in byutukaev
    nusra = {n.value: n for n in by_id["un-sc:QDe.137"].names}
    assert nusra["هيئة تحرير الشام"].lang == "arab"
    assert "Hay’at Tahrir al-Sham (HTS)" in nusra
    assert "Jabhat al-Nusrah" in nusra and "جبهة النصرة" in nusra
    assert not any("(" in v and ";" in v for v in nusra)


def test_former_names_and_entity(un_2026) -> None:
    e = un_2026[0]["un-sc:QDe.168"]
    assert e.schema == "Organization"
    assert e.names == [
        Name("KHATIBA AL-TAWHID WAL-JIHAD (KTJ)", NameKind.PRIMARY),
        Name("Катиба ат-Таухид валь-Джихад", NameKind.ORIGINAL, "cyrl"),
        Name("JANNAT OSHIKLARI", NameKind.ALIAS),
        Name("Jama`at al-Tawhid wal-Jihad", NameKind.ALIAS),
        Name("JANNAT OSHIKLARI", NameKind.FORMER),
    ]
    nusra = un_2026[0]["un-sc:QDe.137"]
    assert nusra.addresses == [
        Address("Syrian Arab Republic (Operates in)", country="sy"),
        Address("Iraq (Support network)", country="iq"),
    ]
    assert nusra.get("country") == ["sy", "iq"]


def test_documents(un_2026) -> None:
    by_id = un_2026[0]
    assert by_id["un-sc:KPi.035"].identifiers == [
        Identifier(IdKind.PASSPORT, "645120378", "kp", "Passport")
    ]
    # The same passport stated in French, Spanish and English is one identifier.
    assert by_id["un-sc:KPi.006"].identifiers == [
        Identifier(
            IdKind.PASSPORT,
            "381420754",
            None,
            "Numéro de passeport; issued 2011-12-07; Expires on 7 Dec. 2016",
        )
    ]
    # TYPE_OF_DOCUMENT2 refines the generic type; a document without NUMBER stays as a note.
    aouadi = [
        e
        for e in by_id.values()
        if "Document: National Identification Number; Italian Fiscal Code: DAOMMD74T11Z352Z"
        in e.get("notes")
    ]
    assert len(aouadi) == 1
    kinds = Counter(i.kind for e in by_id.values() for i in e.identifiers)
    assert kinds == {
        IdKind.PASSPORT: 309,
        IdKind.NATIONAL_ID: 127,
        IdKind.OTHER: 11,
        IdKind.TAX_ID: 1,
    }


def test_2018_snapshot_stray_spaces(un_2018) -> None:
    by_id, warnings, published = un_2018
    assert published == "2018-10-29"
    assert Counter(e.schema for e in by_id.values()) == {"Person": 703, "Organization": 390}
    ri = by_id["un-sc:KPi.033"]  # <FIRST_NAME> RI </FIRST_NAME>, <NUMBER> 381310014</NUMBER>
    assert ri.caption == "RI WON HO"
    assert ri.identifiers == [Identifier(IdKind.PASSPORT, "381310014", None, "Passport")]
    tigrinya = by_id["un-sc:LYi.022"]  # NAME_ORIGINAL_SCRIPT "ፍትዊ ዓብዱረዛቕ (Tigrinya)"
    assert Name("ፍትዊ ዓብዱረዛቕ", NameKind.ORIGINAL, "ti") in tigrinya.names
    assert "Date of birth: 30-35 years old" in tigrinya.get("notes")


def test_2018_unmapped_countries_are_kept_and_counted(un_2018) -> None:
    by_id, warnings, _ = un_2018
    assert len(warnings) == 12
    assert all("is not a known country; kept as text" in w for w in warnings)
    umarov = by_id["un-sc:QDi.290"]
    assert umarov.get("nationality") == ["ru"]
    assert "Nationality: USSR (until 1991)" in umarov.get("notes")
    assert any("USSR (until 1991)" in w and w.startswith("un-sc:QDi.290") for w in warnings)
    unmapped = sum(
        1 for e in by_id.values() for n in e.get("notes") if n.startswith("Nationality: ")
    )
    assert unmapped == 7


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Azim Adhajani; Azim Agha-Jani", [("Azim Adhajani", None), ("Azim Agha-Jani", None)]),
        ("Jin Tiesan (金铁三)", [("Jin Tiesan", None), ("金铁三", "hani")]),
        (
            "حسن غول (Hassan Ghul; Hasan Gul)",
            [("حسن غول", "arab"), ("Hassan Ghul", None), ("Hasan Gul", None)],
        ),
        ("Abubakar (original script: Абубакар)", [("Abubakar", None), ("Абубакар", "cyrl")]),
        (
            "Mohammed Sabet; Mohammad Sabet b) M. Javad Sabet",
            [("Mohammed Sabet", None), ("Mohammad Sabet", None), ("M. Javad Sabet", None)],
        ),
        ("ፍትዊ ዓብዱረዛቕ (Tigrinya)", [("ፍትዊ ዓብዱረዛቕ", "ti")]),
        # A Latin parenthetical after a Latin name is part of the name, not another name.
        ("Mujahidin Indonesia Barat (MIB)", [("Mujahidin Indonesia Barat (MIB)", None)]),
        ("EL PARA (COMBAT NAME)", [("EL PARA (COMBAT NAME)", None)]),
        ("(Sheikh) Musa Hilal", [("(Sheikh) Musa Hilal", None)]),
        ("Akhter Mohmad (اختر محمد )", [("Akhter Mohmad", None), ("اختر محمد", "arab")]),
        ("STATE ESTABLISHMENT (ROADS", [("STATE ESTABLISHMENT (ROADS", None)]),
        ("  ", []),
    ],
)
def test_split_names(cell: str, expected: list[tuple[str, str | None]]) -> None:
    assert split_names(cell) == expected


def test_script_of() -> None:
    assert script_of("Qaïda") == "latn"
    assert script_of("Аслан") == "cyrl"
    assert script_of("金铁三") == "hani"
    assert script_of("123 -") is None


# -- small hand-written documents ----------------------------------------------------------


def _write(tmp_path: Path, body: str | bytes, name: str = "un.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


def test_sparse_elements_do_not_crash(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2020-01-02T03:04:05Z">'
        "<INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>XXi.001</REFERENCE_NUMBER>"
        "<INDIVIDUAL_DATE_OF_BIRTH/><INDIVIDUAL_DOCUMENT/><INDIVIDUAL_ADDRESS><COUNTRY/>"
        "</INDIVIDUAL_ADDRESS><INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>"
        "<NATIONALITY/><TITLE><VALUE/></TITLE></INDIVIDUAL></INDIVIDUALS>"
        "<ENTITIES><ENTITY><REFERENCE_NUMBER>XXe.001</REFERENCE_NUMBER>"
        "<FIRST_NAME>  ACME  </FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>",
    )
    publication = parse_un_xml(path)
    person, org = list(publication.entities)
    assert publication.published == "2020-01-02"
    assert (person.id, person.names, person.properties) == (
        "un-sc:XXi.001",
        [],
        {"unscId": ["XXi.001"]},
    )
    assert org.names == [Name("ACME", NameKind.PRIMARY)]
    assert publication.warnings == ["un-sc:XXi.001: no name"]


def test_empty_list_still_has_date(tmp_path: Path) -> None:
    path = _write(
        tmp_path, '<CONSOLIDATED_LIST dateGenerated="2021-05-06"><INDIVIDUALS/></CONSOLIDATED_LIST>'
    )
    publication = parse_un_xml(path)
    assert list(publication.entities) == []
    assert publication.published == "2021-05-06"


def _error(kind: type[E], path: Path) -> E:
    """Parse and consume `path`; return the `kind` error, raised up front or while iterating."""
    publication: Publication | None = None
    try:
        publication = parse_un_xml(path)
        list(publication.entities)
    except kind as exc:
        return exc
    raise AssertionError(f"{kind.__name__} not raised")


def test_missing_reference_number(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL><DATAID>42</DATAID>"
        "<FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    )
    error = _error(ParseError, path)
    assert (error.record, error.field, error.line) == ("DATAID 42", "REFERENCE_NUMBER", 2)
    assert str(error).startswith(f"{path}:2, record DATAID 42, field REFERENCE_NUMBER:")


# -- hostile and broken files --------------------------------------------------------------


def test_xxe_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>XXi.1</REFERENCE_NUMBER>"
        "<FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    )
    with pytest.raises(FormatError) as info:  # refused before any entity is asked for
        parse_un_xml(path)
    assert "DOCTYPE" in str(info.value) and info.value.path == str(path)
    assert "root:" not in str(info.value)  # /etc/passwd was never read


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY l0 "lol">{entities}]>\n'
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>XXi.1</REFERENCE_NUMBER>"
        "<FIRST_NAME>&l9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    )
    assert "DOCTYPE" in str(_error(FormatError, path))


def test_truncated_real_file(tmp_path: Path, data_dir: Path) -> None:
    data = (data_dir / UN_2026).read_bytes()
    path = _write(tmp_path, data[: len(data) // 2])
    publication = parse_un_xml(path)  # the root is there: the cut shows while iterating
    read: list[Entity] = []
    with pytest.raises(ParseError) as info:
        read.extend(publication.entities)
    assert info.value.line is not None and info.value.line > 1000
    assert str(info.value).startswith(f"{path}:{info.value.line}: not well-formed XML")
    assert 300 < len(read) < 1003  # entities before the cut were streamed
    assert publication.published == "2026-02-27"


def test_wrong_root(data_dir: Path) -> None:
    error = _error(FormatError, data_dir / "ofac/sdn_xml_excerpt_2020-10-29.xml")
    assert "<sdnList>" in str(error) and "CONSOLIDATED_LIST" in str(error)


def test_empty_file(tmp_path: Path) -> None:
    for body in (b"", b"  \n"):
        error = _error(ParseError, _write(tmp_path, body))
        assert "empty" in str(error)


def test_invalid_utf8_in_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        b'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>'
        b"<REFERENCE_NUMBER>XXi.1</REFERENCE_NUMBER>\n<FIRST_NAME>AB\xff\xfeCD</FIRST_NAME>"
        b"</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    )
    error = _error(ParseError, path)
    assert error.line == 3 and "encoding" in str(error)
