"""The legacy OFAC CSV parser: real SDN/consolidated files, broken inputs, remarks parsing."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctions.errors import FormatError, ParseError, SourceError
from sanctions.model import DateValue, Entity, Identifier, IdKind, Link, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.ofac._remarks import parse_remarks, segment_label, split_segments
from sanctions.sources.ofac.csv import parse_ofac_csv

# -- real files -------------------------------------------------------------------------------


def _load(publication: Publication) -> tuple[Publication, dict[str, Entity]]:
    entities: dict[str, Entity] = {}
    for entity in publication.entities:
        assert entity.id not in entities, f"duplicate id {entity.id}"
        entities[entity.id] = entity
    return publication, entities


@pytest.fixture(scope="module")
def sdn(data_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    ofac = data_dir / "ofac"
    return _load(
        parse_ofac_csv(
            ofac / "sdn.csv",
            add=ofac / "add.csv",
            alt=ofac / "alt.csv",
            comments=ofac / "sdn_comments.csv",
        )
    )


def test_full_sdn_counts_and_schemas(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    publication, entities = sdn
    assert len(entities) == 13_821  # ids are unique: checked while loading
    schemas = collections.Counter(e.schema for e in entities.values())
    assert schemas == {"Person": 6_646, "Vessel": 764, "Airplane": 378, "Organization": 6_033}
    assert publication.source == "ofac-sdn"
    assert publication.format == "ofac-csv"
    assert publication.published is None  # the legacy CSV carries no date
    assert [p.name for p in publication.files] == [
        "sdn.csv",
        "add.csv",
        "alt.csv",
        "sdn_comments.csv",
    ]
    assert all(e.datasets == ["ofac-sdn"] for e in entities.values())
    assert all(e.id == f"ofac-sdn:{e.id.split(':')[1]}" for e in entities.values())


def test_names_from_alt_and_remarks(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    _, entities = sdn
    kinds = collections.Counter(n.kind for e in entities.values() for n in e.names)
    assert kinds[NameKind.PRIMARY] == 13_821
    # alt.csv has 17,091 rows (aka 16,507, fka 567, nka 17) and no two rows share ent_num,
    # name and type, so nothing is deduplicated: all 17,091 are attached.
    assert kinds[NameKind.ALIAS] + kinds[NameKind.FORMER] == 17_091
    assert kinds[NameKind.FORMER] == 567
    # Remarks carry the weak names (OFAC FAQ 123): 3,304 a.k.a. + 86 f.k.a. + 1 n.k.a.
    assert kinds[NameKind.WEAK] == 3_391
    bnc = entities["ofac-sdn:306"]
    assert [(n.value, n.kind) for n in bnc.names] == [
        ("BANCO NACIONAL DE CUBA", NameKind.PRIMARY),
        ("NATIONAL BANK OF CUBA", NameKind.ALIAS),
        ("BNC", NameKind.WEAK),
    ]


def test_gertler_field_by_field(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    gertler = sdn[1]["ofac-sdn:23252"]
    assert gertler.schema == "Person"
    assert [(n.value, n.kind) for n in gertler.names] == [("GERTLER, Dan", NameKind.PRIMARY)]
    assert gertler.birth_dates == [DateValue("1973-12-23")]
    assert gertler.get("birthPlace") == ["Tel Aviv, Israel"]
    assert gertler.get("nationality") == ["il", "cd"]
    assert gertler.get("gender") == ["male"]
    assert gertler.get("program") == ["GLOMAG"]
    assert gertler.identifiers == [
        Identifier(IdKind.PASSPORT, "10945182", "il", "issued 28 Jun 2010 expires 27 Jun 2020"),
        Identifier(IdKind.PASSPORT, "10926248", "il", "issued 25 Feb 2008 expires 27 Feb 2018"),
        Identifier(IdKind.PASSPORT, "DB0009084", "cd", "issued 28 May 2015 expires 27 May 2020"),
        Identifier(IdKind.NATIONAL_ID, "027100619", "il"),
    ]
    assert [a.full for a in gertler.addresses] == [
        "17 Daniel Street, Bnei Brak, Israel",
        "28 Daniel Street, Bnei Brak, Israel",
        "Avenue Tchatchi 29, Gombe, Kinshasa, Congo, Democratic Republic of the",
    ]
    assert gertler.addresses[2].street == "Avenue Tchatchi 29"
    assert gertler.addresses[2].city == "Gombe, Kinshasa"
    assert gertler.addresses[2].country == "cd"
    assert gertler.get("country") == ["il", "cd"]
    assert gertler.get("notes")[0].startswith("DOB 23 Dec 1973; POB Tel Aviv, Israel;")
    # Others point at him by his printed name; resolving targets is the store's job.
    linked = [e for e in sdn[1].values() if Link("GERTLER, Dan") in e.links]
    assert len(linked) > 10


def test_vessels(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    _, entities = sdn
    artavil = entities["ofac-sdn:15036"]
    assert artavil.schema == "Vessel"
    assert artavil.identifiers == [
        Identifier(IdKind.CALL_SIGN, "T2EU4"),
        Identifier(IdKind.IMO, "9187629"),
        Identifier(IdKind.MMSI, "572469210"),
    ]
    assert artavil.get("type") == ["Crude/Oil Products Tanker"]
    assert artavil.get("tonnage") == ["99,144"]
    assert artavil.get("grossRegisteredTonnage") == ["56,068"]
    assert artavil.get("flag") == ["ir"]
    # "alt. Former Vessel Flag None Identified" is no flag at all.
    assert artavil.get("pastFlags") == ["mt", "tv", "tz"]
    assert ("ALPHA", NameKind.WEAK) in [(n.value, n.kind) for n in artavil.names]
    assert artavil.links == [Link("NATIONAL IRANIAN TANKER COMPANY")]
    assert artavil.get("sanctionsInfo") == ["Subject to Secondary Sanctions"]
    tug = entities["ofac-sdn:4238"]
    assert tug.get("ownerName") == ["Samir de Navegacion S.A."]
    assert tug.addresses == []  # its add.csv row is all null
    with_imo = [e for e in entities.values() if any(i.kind is IdKind.IMO for i in e.identifiers)]
    assert sum(e.schema == "Vessel" for e in with_imo) == 757


def test_links_name_listed_parties(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    _, entities = sdn
    names = {n.value for e in entities.values() for n in e.names}
    links = [link for e in entities.values() for link in e.links]
    assert len(links) == 5_966
    assert all(link.target_id is None for link in links)  # resolved later, by the store
    # Measured: 5,843 (97.9 %) name a primary or alias exactly. Most misses are a final
    # "Linked To" whose period may or may not belong to the name ("CO LTD" vs "CO. LTD.").
    assert sum(link.name in names for link in links) / len(links) > 0.97
    assert Link("D'S SUPERMARKET COMPANY LTD.") in entities["ofac-sdn:15102"].links
    assert entities["ofac-sdn:15113"].caption == "D'S SUPERMARKET COMPANY LTD."


def test_comments_extend_remarks(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    publication, entities = sdn
    # sdn.csv cuts this Remarks at 1,000 characters inside "'WHOIS HACKIN"; the comments
    # file goes on with "G TEAM'; a.k.a. 'RED DOT'; ...".
    lazarus = entities["ofac-sdn:27307"]
    weak = [n.value for n in lazarus.names if n.kind is NameKind.WEAK]
    assert "WHOIS HACKING TEAM" in weak
    assert weak[-4:] == ["GROUP 77", "ZINC", "APT-C-26", "APPLEWORM"]
    assert entities["ofac-sdn:28263"].links[-1] == Link("LAZARUS GROUP")
    # Cut right after "(China); a.k.a. 'tianyinyin0404'; a.k.a. 'snowsjo" + "hn'".
    assert "snowsjohn" in [n.value for n in entities["ofac-sdn:28263"].names]
    assert publication.warnings[0] == (
        "sdn_comments.csv: 3 rows for 3 ent_num not in sdn.csv (orphans ignored)"
    )


def test_birth_date_share(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    people = [e for e in sdn[1].values() if e.schema == "Person"]
    dated = [e for e in people if e.birth_dates]
    # Measured: 6,527 of 6,646 (98.2 %); the other 119 have no DOB in their remarks at all.
    assert len(dated) / len(people) > 0.98
    assert all(e in dated for e in people if "DOB " in "".join(e.get("notes")))
    ranges = [d for e in people for d in e.birth_dates if d.end]
    assert DateValue("1979", "1982", circa=True) in ranges  # printed "DOB circa 1979-1982"


def test_unparsed_remarks_are_few(sdn: tuple[Publication, dict[str, Entity]]) -> None:
    publication, _ = sdn
    # Measured: 749 of 56,504 segments, nearly all unlabelled job titles ("Colonel") or
    # phrases ("all offices worldwide"). They stay in notes.
    (warning,) = [w for w in publication.warnings if "remark segments" in w]
    unparsed, total = (int(w) for w in warning.split()[1:4:2])
    assert total == 56_504
    assert unparsed / total < 0.02


def test_consolidated_list(data_dir: Path) -> None:
    ofac = data_dir / "ofac"
    publication, entities = _load(
        parse_ofac_csv(
            ofac / "cons_prim.csv",
            source="ofac-cons",
            add=ofac / "cons_add.csv",
            alt=ofac / "cons_alt.csv",
            comments=ofac / "cons_comments.csv",
        )
    )
    assert len(entities) == 442
    assert all(i.startswith("ofac-cons:") for i in entities)
    assert collections.Counter(e.schema for e in entities.values()) == {
        "Organization": 363,
        "Person": 79,
    }
    assert not [w for w in publication.warnings if "orphans" in w]
    haniya = entities["ofac-cons:9639"]
    assert haniya.birth_dates == [DateValue("1962")]
    assert haniya.get("birthPlace") == ["Shati"]
    assert "HANIYYA, Ismaeel" in [n.value for n in haniya.names]


def test_2024_snapshot_with_2023_side_files(data_dir: Path) -> None:
    ofac = data_dir / "ofac"
    publication, entities = _load(
        parse_ofac_csv(
            ofac / "snapshots" / "sdn_2024-05-03.csv", add=ofac / "add.csv", alt=ofac / "alt.csv"
        )
    )
    assert len(entities) == 14_965
    assert publication.warnings[:2] == [
        "add.csv: 129 rows for 112 ent_num not in sdn_2024-05-03.csv (orphans ignored)",
        "alt.csv: 44 rows for 19 ent_num not in sdn_2024-05-03.csv (orphans ignored)",
    ]


def test_mini_fixture(data_dir: Path) -> None:
    mini = data_dir / "ofac" / "mini"
    publication = parse_ofac_csv(
        mini / "sdn.csv",
        add=mini / "add.csv",
        alt=mini / "alt.csv",
        comments=mini / "sdn_comments.csv",
    )
    assert publication.warnings == []  # only known once the entities are consumed
    _, entities = _load(publication)
    assert len(entities) == 17
    assert publication.warnings == [
        "add.csv: 4 rows for 4 ent_num not in sdn.csv (orphans ignored)",
        "alt.csv: 5 rows for 5 ent_num not in sdn.csv (orphans ignored)",
    ]
    moreno = entities["ofac-sdn:15102"]
    # The closing period of the remarks is also the one of "LTD.": the name keeps it.
    assert moreno.links == [Link("D'S SUPERMARKET COMPANY LTD.")]
    hesa = entities["ofac-sdn:11195"]
    assert hesa.get("program") == ["NPWMD", "IFSR", "IRAN-CON-ARMS-EO"]
    crypto = [i for i in entities["ofac-sdn:33151"].identifiers if i.kind is IdKind.CRYPTO]
    assert Identifier(IdKind.CRYPTO, "1KUUJPkyDhamZXgpsyXqNGc3x1QPXtdhgz", note="USDT") in crypto


# -- hand-made files: quirks ------------------------------------------------------------------

NULLS9 = ",".join(["-0- "] * 7)  # Title .. Vess_owner


def _main_row(ent_num: str, name: str, sdn_type: str, program: str, remarks: str) -> str:
    return f'{ent_num},"{name}",{sdn_type},"{program}",{NULLS9},{remarks}'


def _write(path: Path, lines: list[str], *, eol: str = "\r\n", ctrl_z: bool = True) -> Path:
    data = "".join(line + eol for line in lines).encode("ascii")
    path.write_bytes(data + (b"\x1a" if ctrl_z else b""))
    return path


def _entities(publication: Publication) -> list[Entity]:
    return list(publication.entities)


def test_quirks_ctrl_z_nulls_programmes_and_side_files(tmp_path: Path) -> None:
    main = _write(
        tmp_path / "sdn.csv",
        [
            _main_row("10", "DOE, John", '"individual"', "UKRAINE-EO13662] [RUSSIA-EO14024", "-0-"),
            '11,"SEA STAR","vessel","IRAN",-0- ,"9BXY","Tanker","1,000","900","Panama","X Ltd",'
            '"Vessel Registration Identification IMO 1234567; Linked To: ACME S.A."',
            '12,"OTHER BOAT","vessel","IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,"Atlantis",-0- ,-0- ',
        ],
    )
    add = _write(
        tmp_path / "add.csv",
        ['10,1,"1 Main St","Kyiv 01001","Ukraine","note"', "10,2,-0- ,-0- ,-0- ,-0- "],
        eol="\n",
    )
    alt = _write(
        tmp_path / "alt.csv",
        ['10,5,"fka","DOE, Jon",-0- ', '10,6,"nka","ROE, John",-0- ', '99,7,"aka","GHOST",-0- '],
        ctrl_z=False,
    )
    publication = parse_ofac_csv(main, add=add, alt=alt)
    doe, star, boat = _entities(publication)
    assert doe.get("program") == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert [(n.value, n.kind) for n in doe.names] == [
        ("DOE, John", NameKind.PRIMARY),
        ("DOE, Jon", NameKind.FORMER),
        ("ROE, John", NameKind.ALIAS),
    ]
    assert doe.addresses[0].full == "1 Main St, Kyiv 01001, Ukraine"
    assert doe.addresses[0].city == "Kyiv 01001"
    assert len(doe.addresses) == 1  # the all-null row adds nothing
    assert doe.get("country") == ["ua"]
    assert "notes" not in doe.properties  # null remarks: `-0-` without its trailing space
    assert star.identifiers == [
        Identifier(IdKind.CALL_SIGN, "9BXY"),
        Identifier(IdKind.IMO, "1234567"),
    ]
    assert star.get("flag") == ["pa"]
    assert star.get("ownerName") == ["X Ltd"]
    assert star.links == [Link("ACME S.A.")]
    assert boat.get("flag") == ["Atlantis"]  # no country code: the printed text is kept
    assert publication.warnings == [
        "alt.csv: 1 rows for 1 ent_num not in sdn.csv (orphans ignored)"
    ]


def test_comment_extension_is_joined_raw(tmp_path: Path) -> None:
    # The cut may fall right after a space: "... 1027700070518 " + "(Russia); ...".
    main = _write(
        tmp_path / "sdn.csv",
        [_main_row("7", "BANK", "-0- ", "X", '"Registration Number 1027700070518 "')],
    )
    comments = _write(tmp_path / "sdn_comments.csv", ["7,\"(Russia); a.k.a. 'BK'.\""], eol="\n")
    (bank,) = _entities(parse_ofac_csv(main, comments=comments))
    assert bank.identifiers == [Identifier(IdKind.REGISTRATION, "1027700070518", "ru")]
    assert bank.get("notes") == ["Registration Number 1027700070518 (Russia); a.k.a. 'BK'."]


def test_title_repeated_in_remarks_is_not_unparsed(tmp_path: Path) -> None:
    row = (
        '7490,"CHIWEWE, Willard","individual","ZIMBABWE","Masvingo Provincial Governor",'
        '-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 19 Mar 1949; Masvingo Provincial Governor."'
    )
    publication = parse_ofac_csv(_write(tmp_path / "sdn.csv", [row]))
    (chiwewe,) = _entities(publication)
    assert chiwewe.get("title") == ["Masvingo Provincial Governor"]
    assert publication.warnings == []


# -- hand-made files: broken input ------------------------------------------------------------

GOOD_ROW = _main_row("36", "AEROCARIBBEAN AIRLINES", "-0- ", "CUBA", "-0- ")


def _error(path: Path, **side: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        for _ in parse_ofac_csv(path, **side).entities:
            pass
    return info.value


def test_truncated_inside_quoted_remarks(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes((GOOD_ROW + "\r\n" + _main_row("37", "X", "-0- ", "CUBA", '"DOB 19')).encode())
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.path, error.line) == (str(path), 2)
    assert f"{path}:2" in str(error) and "truncated" in str(error)


def test_truncated_between_fields(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes((GOOD_ROW + "\r\n" + '37,"X",-0- ,"CUBA",-0- ,-0- ,-0- ').encode())
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, error.record, error.field) == (2, "37", None)
    assert str(error) == f"{path}:2, record 37: expected 12 columns, found 7 (truncated file?)"


def test_wrong_column_count_in_side_file_is_eager(tmp_path: Path) -> None:
    main = _write(tmp_path / "sdn.csv", [GOOD_ROW])
    alt = _write(tmp_path / "alt.csv", ['36,1,"aka","A",-0- ', '36,2,"aka","B"'])
    with pytest.raises(ParseError, match=r"alt\.csv:2, record 36: expected 5 columns, found 4"):
        parse_ofac_csv(main, alt=alt)


def test_side_file_of_another_kind_is_a_format_error(tmp_path: Path) -> None:
    main = _write(tmp_path / "sdn.csv", [GOOD_ROW])
    with pytest.raises(FormatError, match="expected 6 columns, found 12"):
        parse_ofac_csv(main, add=main)


def test_non_numeric_ent_num(tmp_path: Path) -> None:
    path = _write(tmp_path / "sdn.csv", [GOOD_ROW, GOOD_ROW.replace("36,", "3X6,", 1)])
    error = _error(path)
    assert isinstance(error, ParseError)
    assert (error.line, error.field) == (2, "ent_num")
    assert f"{path}:2" in str(error)


def test_duplicate_ent_num(tmp_path: Path) -> None:
    path = _write(tmp_path / "sdn.csv", [GOOD_ROW, GOOD_ROW])
    error = _error(path)
    assert isinstance(error, ParseError)
    assert "record 36: duplicate ent_num" in str(error)


def test_invalid_utf8_byte(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(GOOD_ROW.encode() + b"\r\n" + GOOD_ROW.encode().replace(b"36,", b"37,\xff", 1))
    error = _error(path)
    assert isinstance(error, ParseError)
    assert error.line == 2
    assert f"{path}:2" in str(error) and "invalid UTF-8/ASCII byte 0xff" in str(error)


@pytest.mark.parametrize("content", [b"", b"  \r\n\r\n", b"\x1a", b"\r\n\x1a"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError, match="file is empty") as info:
        parse_ofac_csv(path)  # raised eagerly, before any iteration
    assert info.value.path == str(path)


def test_json_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text('{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\n')
    with pytest.raises(FormatError) as info:
        parse_ofac_csv(path)
    assert f"{path}:1" in str(info.value)


def test_binary_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FormatError) as info:
        parse_ofac_csv(path)
    assert f"{path}:1" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open file"):
        parse_ofac_csv(tmp_path / "nope.csv")


def test_entities_are_streamed(tmp_path: Path) -> None:
    # A bad row late in the file is only met during iteration; earlier rows come out first.
    path = _write(tmp_path / "sdn.csv", [GOOD_ROW, "37,broken"])
    entities: Iterator[Entity] = parse_ofac_csv(path).entities
    assert next(entities).id == "ofac-sdn:36"
    with pytest.raises(ParseError, match="found 2"):
        next(entities)


# -- remarks parser on real remark strings -----------------------------------------------------


def test_remarks_person() -> None:
    parsed = parse_remarks(
        "DOB 14 Mar 1974; alt. DOB 13 Apr 1974; alt. DOB 01 Aug 1970; POB Zanzibar, Tanzania; "
        "citizen Tanzania; a.k.a. 'AHMED, A.'; a.k.a. 'KHABAR, Abu'; a.k.a. ''FOOPIE''; "
        "a.k.a. ''AHMED THE TANZANIAN''."
    )
    assert parsed.birth_dates == [
        DateValue("1974-03-14"),
        DateValue("1974-04-13"),
        DateValue("1970-08-01"),
    ]
    assert parsed.properties == {"birthPlace": ["Zanzibar, Tanzania"], "citizenship": ["tz"]}
    assert [(n.value, n.kind) for n in parsed.names] == [
        ("AHMED, A.", NameKind.WEAK),
        ("KHABAR, Abu", NameKind.WEAK),
        ("FOOPIE", NameKind.WEAK),
        ("AHMED THE TANZANIAN", NameKind.WEAK),
    ]
    assert parsed.unparsed == []
    assert parsed.segments == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB circa 1979-1982", DateValue("1979", "1982", circa=True)),
        ("DOB 1958 to 1960", DateValue("1958", "1960")),
        ("DOB 01 Jan 1961 to 31 Dec 1962", DateValue("1961-01-01", "1962-12-31")),
        ("DOB circa 1951", DateValue("1951", circa=True)),
        ("alt. DOB Dec 1970", DateValue("1970-12")),
    ],
)
def test_remarks_dates(text: str, expected: DateValue) -> None:
    assert parse_remarks(text).birth_dates == [expected]


def test_remarks_entity() -> None:
    parsed = parse_remarks(
        "Additional Sanctions Information - Subject to Secondary Sanctions; National ID No. "
        "10100722073 (Iran); Registration Number 26740 (Iran); a.k.a. 'HESA'; a.k.a. 'SHAHIN CO.'; "
        "Linked To: MINISTRY OF DEFENSE AND ARMED FORCES LOGISTICS; Linked To: ISLAMIC "
        "REVOLUTIONARY GUARD CORPS."
    )
    assert parsed.identifiers == [
        Identifier(IdKind.NATIONAL_ID, "10100722073", "ir"),
        Identifier(IdKind.REGISTRATION, "26740", "ir"),
    ]
    assert [n.value for n in parsed.names] == ["HESA", "SHAHIN CO."]
    assert parsed.links == [
        Link("MINISTRY OF DEFENSE AND ARMED FORCES LOGISTICS"),
        Link("ISLAMIC REVOLUTIONARY GUARD CORPS"),
    ]
    assert parsed.properties == {"sanctionsInfo": ["Subject to Secondary Sanctions"]}


def test_remarks_contacts_and_registration() -> None:
    parsed = parse_remarks(
        "Website www.gicdf.org; Email Address info@gicdf.org; Registration ID "
        "CH-660.0.699.004-7 (Switzerland); Telephone No. (218) (0)214778301; Fax No. (218) "
        "(0)214778766; Organization Established Date 01 Jan 2015 to 31 Dec 2015."
    )
    assert parsed.properties == {
        "website": ["www.gicdf.org"],
        "email": ["info@gicdf.org"],
        "phone": ["(218) (0)214778301"],
        "incorporationDate": ["2015"],
    }
    assert parsed.identifiers == [
        Identifier(IdKind.REGISTRATION, "CH-660.0.699.004-7", "ch", "Registration ID")
    ]
    assert parsed.unparsed == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alt. Passport RL 1794375 (Lebanon)", Identifier(IdKind.PASSPORT, "RL 1794375", "lb")),
        (
            "Diplomatic Passport 008827 (Iran) issued 1999",
            Identifier(IdKind.PASSPORT, "008827", "ir", "Diplomatic Passport; issued 1999"),
        ),
        (
            "Registration Number HRA 738077 (Stuttgart) (Germany)",
            Identifier(IdKind.REGISTRATION, "HRA 738077", "de", "Stuttgart"),
        ),
        ("NIT # 800018928-0 (Colombia)", Identifier(IdKind.TAX_ID, "800018928-0", "co", "NIT")),
        (
            "C.U.R.P. # HESU430525HBCRMR13 (Mexico)",
            Identifier(IdKind.NATIONAL_ID, "HESU430525HBCRMR13", "mx", "C.U.R.P."),
        ),
        (
            "SSN 561-77-9011 (United States)",
            Identifier(IdKind.NATIONAL_ID, "561-77-9011", "us", "SSN"),
        ),
        (
            "Unified Social Credit Code (USCC) 9113100033607322XK (China)",
            Identifier(
                IdKind.REGISTRATION, "9113100033607322XK", "cn", "Unified Social Credit Code (USCC)"
            ),
        ),
        (
            "Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)",
            Identifier(IdKind.LEI, "253400V1H6ART1UQ0N98", "ru"),
        ),
        ("SWIFT/BIC HAVIGB2L", Identifier(IdKind.SWIFT_BIC, "HAVIGB2L")),
        ("Identification Number IMO 5342883", Identifier(IdKind.IMO, "5342883")),
        ("MMSI 256843000", Identifier(IdKind.MMSI, "256843000")),
        (
            "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
            Identifier(IdKind.CRYPTO, "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", note="XBT"),
        ),
        (
            "Electoral Registry No. CZSLBL54091825M200 (Mexico)",
            Identifier(IdKind.OTHER, "CZSLBL54091825M200", "mx", "Electoral Registry No."),
        ),
    ],
)
def test_remarks_identifiers(text: str, expected: Identifier) -> None:
    parsed = parse_remarks(text + ".")
    assert parsed.identifiers == [expected]
    assert parsed.unparsed == []


def test_remarks_unlabelled_text_stays_unparsed() -> None:
    parsed = parse_remarks(
        "DOB 1965; Member of the State Duma of the Federal Assembly of the Russian Federation; "
        "nationality Russia; Gender Female; all offices worldwide."
    )
    assert parsed.properties == {"nationality": ["ru"], "gender": ["female"]}
    assert parsed.unparsed == [
        "Member of the State Duma of the Federal Assembly of the Russian Federation",
        "all offices worldwide",
    ]
    assert segment_label(parsed.unparsed[0]) == "Member of the State"


@pytest.mark.parametrize(
    ("remarks", "last"),
    [
        ("Linked To: HIZBALLAH.", "Linked To: HIZBALLAH"),
        ("Linked To: CIMEX, S.A.", "Linked To: CIMEX, S.A."),
        ("Linked To: D'S SUPERMARKET COMPANY LTD.", "Linked To: D'S SUPERMARKET COMPANY LTD."),
        ("Linked To: MIRANDA CORP.", "Linked To: MIRANDA CORP"),
        ("a.k.a. 'SHAHIN CO.'.", "a.k.a. 'SHAHIN CO.'"),
    ],
)
def test_closing_period(remarks: str, last: str) -> None:
    assert split_segments(remarks)[-1] == last


def test_aliases_with_apostrophes() -> None:
    parsed = parse_remarks(
        "a.k.a. 'ABU 'ABDALLAH'; a.k.a. ''ABD AL-MUHSI'; a.k.a. 'AL-WARD, 'Abd'; f.k.a. 'ANA I'."
    )
    assert [n.value for n in parsed.names] == [
        "ABU 'ABDALLAH",
        "'ABD AL-MUHSI",
        "AL-WARD, 'Abd",
        "ANA I",
    ]
    assert {n.kind for n in parsed.names} == {NameKind.WEAK}


def test_empty_remarks() -> None:
    assert parse_remarks(None).segments == 0
    assert parse_remarks("").unparsed == []
