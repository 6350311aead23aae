"""EU designations from the Official Journal, as transcribed by OpenSanctions: the four real
files in shared/data/eu/journal_sanctions, plus broken files written to tmp_path."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import TypeVar

import pytest

from sanctions.errors import FormatError, ParseError, UsageError
from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Name, NameKind
from sanctions.sources.base import Publication
from sanctions.sources.eu_journal import parse_eu_journal

E = TypeVar("E", bound=Exception)
FILES = ("32002R0881.csv", "32011R0359.csv", "32014R0269.csv", "32014R0833.csv")
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:"


@pytest.fixture(scope="module")
def journal_dir(data_dir: Path) -> Path:
    return data_dir / "eu" / "journal_sanctions"


@pytest.fixture(scope="module")
def journal(journal_dir: Path) -> tuple[Publication, dict[str, Entity]]:
    publication = parse_eu_journal([journal_dir / name for name in FILES])
    entities = list(publication.entities)
    by_id = {e.id: e for e in entities}
    assert len(by_id) == len(entities), "ids are not unique"
    return publication, by_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # shared/data/eu/README.md: Person 262 · LegalEntity 88. Two persons are printed twice
        # in annex I with the same data and no entry number (Ali Ghaleb Himmat, Mustapha Nasri
        # Ben Abdul Kader Ait El Hadi): their rows share an id and are merged.
        ("32002R0881.csv", {"Person": 260, "LegalEntity": 88}),
        ("32011R0359.csv", {"Person": 268, "LegalEntity": 53}),  # as the README
        ("32014R0269.csv", {"Person": 1984, "LegalEntity": 622, "Company": 196}),  # as README
        # README: LegalEntity 1,085 · Vessel 633 · Asset 28. Asset rows are skipped.
        ("32014R0833.csv", {"LegalEntity": 1085, "Vessel": 633}),
    ],
)
def test_schema_counts_per_file(journal_dir: Path, name: str, expected: dict[str, int]) -> None:
    publication = parse_eu_journal(journal_dir / name)
    entities = list(publication.entities)
    assert Counter(e.schema for e in entities) == expected
    assert len({e.id for e in entities}) == len(entities)
    assert publication.published is None  # no file says when it was made
    celex = name.removesuffix(".csv")
    assert all(e.id.startswith(f"eu-journal:{celex}-") for e in entities)
    assert all(e.get("sourceUrl") == [EURLEX + celex] for e in entities)


def test_publication_of_four_files(journal, journal_dir: Path) -> None:
    publication, by_id = journal
    assert (publication.source, publication.format) == ("eu-journal", "eu-journal-csv")
    assert publication.files == [journal_dir / name for name in FILES]
    assert len(by_id) == 348 + 321 + 2802 + 1718
    assert all(e.datasets == ["eu-journal"] for e in by_id.values())
    assert publication.warnings[:2] == [
        "32002R0881.csv: entries printed twice, merged: "
        "eu-journal:32002R0881-I-ali-ghaleb-himmat, "
        "eu-journal:32002R0881-I-mustapha-nasri-ben-abdul-kader-ait-el-hadi",
        "32014R0833.csv: 28 Asset rows skipped (not screened)",
    ]
    assert publication.warnings[-1] == "32 date values only partly readable; kept in notes"
    unmapped = [w for w in publication.warnings if "not fully read; kept in notes" in w]
    assert len(unmapped) == 15 and len(publication.warnings) == 18


def test_ids(journal, journal_dir: Path) -> None:
    _, by_id = journal
    # recordId restarts in every annex: annex and number together name the entry.
    assert by_id["eu-journal:32014R0269-I.PERSONS-1"].caption == "Sergey Valeryevich AKSYONOV"
    assert by_id["eu-journal:32014R0269-I.ENTITIES-1"].schema == "LegalEntity"
    assert by_id["eu-journal:32014R0269-I.ENTITIES-174a"].schema == "LegalEntity"
    # No recordId (all of 881/2002, 11 annexes of 833/2014): a slug of the printed name.
    bin_laden = by_id["eu-journal:32002R0881-IA-usama-muhammed-awad-bin-laden"]
    assert bin_laden.caption == "Usama Muhammed Awad Bin Laden"
    rows = []
    for name in FILES:
        with (journal_dir / name).open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    listed = [r for r in rows if r["schema"] != "Asset"]
    numbered = {
        f"eu-journal:{r['celex']}-{r['annex']}-{r['recordId']}" for r in listed if r["recordId"]
    }
    assert numbered <= set(by_id) and len(numbered) == len(listed) - 487
    assert len(by_id) - len(numbered) == 485  # 487 rows without recordId, two merged


def test_aksyonov_field_by_field(journal) -> None:
    e = journal[1]["eu-journal:32014R0269-I.PERSONS-1"]
    assert e.schema == "Person"
    # alias cell: "Sergei Valerievich AKSENOV (Сергей Валерьевич АКСЁНОВ); Serhiy ... (...)"
    assert e.names == [
        Name("Sergey Valeryevich AKSYONOV", NameKind.PRIMARY),
        Name("Sergei Valerievich AKSENOV", NameKind.ALIAS),
        Name("Сергей Валерьевич АКСЁНОВ", NameKind.ALIAS, "cyrl"),
        Name("Serhiy Valeriyovych AKSYONOV", NameKind.ALIAS),
        Name("Сергiй Валерiйович АКСЬОНОВ", NameKind.ALIAS, "cyrl"),
    ]
    assert e.birth_dates == [DateValue("1972-11-26")]  # "26.11.1972"
    assert e.identifiers == [] and e.addresses == []
    props = dict(e.properties)
    assert props.pop("notes")[0].startswith("Sergey Aksyonov was elected ‘Prime Minister of")
    assert props == {
        "program": ["EU-UKR"],
        "provisions": ["Asset freeze"],
        "listingDate": ["2014-03-17"],  # "17.3.2014"
        "sourceUrl": [EURLEX + "32014R0269"],
        "birthPlace": ["Beltsy (Bălți), USSR (now Republic of Moldova)"],
        "gender": ["male"],
    }


def test_person_with_documents_and_addresses(journal) -> None:
    e = journal[1]["eu-journal:32014R0269-I.PERSONS-1645"]
    assert e.caption == "Andrei Rostislavovich KHOKHLUN"
    assert e.identifiers == [
        Identifier(IdKind.PASSPORT, "764101287"),
        Identifier(IdKind.TAX_ID, "773501047190"),
    ]
    # address cell "Balaklavskiy Prospect 16, 117452 Moscow, Russian Federation; Malija 97, ..."
    assert e.addresses == [
        Address("Balaklavskiy Prospect 16, 117452 Moscow, Russian Federation", country="ru"),
        Address("Malija 97, 6310 Izola, Slovenia", country="si"),
    ]
    assert e.get("country") == ["ru", "si"] and e.get("nationality") == ["ru"]
    assert e.get("position") == ["Director General of AK Microtech"]


def test_weak_aliases_and_enumerated_dates(journal) -> None:
    by_id = journal[1]
    nabaggala = by_id["eu-journal:32002R0881-I-hamida-nabaggala"]
    assert [(n.value, n.kind) for n in nabaggala.names] == [
        ("Hamida Nabaggala", NameKind.PRIMARY),
        ("حميدة ناباجالا", NameKind.ALIAS),
        ("Nabaggala", NameKind.WEAK),  # weakAlias "Nabaggala; Nabaggaka; Hamida; Hamidah"
        ("Nabaggaka", NameKind.WEAK),
        ("Hamida", NameKind.WEAK),
        ("Hamidah", NameKind.WEAK),
    ]
    assert nabaggala.identifiers == [
        Identifier(
            IdKind.NATIONAL_ID, "CF89095102DDAE", None, "CF89095102DDAE (expired on 27.3.2025)"
        )
    ]
    assert nabaggala.addresses == [Address("Democratic Republic of the Congo", country="cd")]
    # "(a) 30.7.1957 (b) 28.7.1957, (c) 10.3.1957, (d) 1.1.1957, (e) 1956, (f) 1957"
    bin_laden = by_id["eu-journal:32002R0881-IA-usama-muhammed-awad-bin-laden"]
    assert [d.start for d in bin_laden.birth_dates] == [
        "1957-07-30", "1957-07-28", "1957-03-10", "1957-01-01", "1956", "1957",
    ]  # fmt: skip
    # Commas never split a name (FORMAT.md); `;` does.
    assert Name("Usama Bin Muhammed Bin Awad, Osama Bin Laden", NameKind.ALIAS) in bin_laden.names
    assert (
        "Nationality: Saudi citizenship withdrawn, Afghan nationality given by the Taliban regime"
        in (bin_laden.get("notes"))
    )
    koufa = by_id["eu-journal:32002R0881-I-amadou-koufa"]  # "Approximately 1958"
    assert koufa.birth_dates == [DateValue("1958", circa=True)]
    # A Hijri date is not read as a Gregorian year; the cell is kept in notes.
    asiri = by_id["eu-journal:32002R0881-I-ibrahim-hassan-tali-al-asiri"]
    assert asiri.birth_dates == [DateValue("1982-04-19"), DateValue("1982-04-18")]
    assert "Date of birth: (a) 19.4.1982, (b) 18.4.1982, (c) 24.6.1402 (Hijri Calendar)" in (
        asiri.get("notes")
    )


def test_quoted_values_and_name_details(journal) -> None:
    by_id = journal[1]
    # alias cell: 'AAS-T; "Ansar al-Sharia in Tunisia; (c)Ansar al-Shari\'ah in Tunisia; ..."'
    aas = by_id["eu-journal:32002R0881-I-ansar-al-shari-a-in-tunisia-aas-t"]
    assert [n.value for n in aas.names] == [
        "Ansar Al-shari'a in Tunisia (AAS-T)",
        "AAS-T",
        "Ansar al-Sharia in Tunisia",
        "Ansar al-Shari'ah in Tunisia",
        "Ansar al-Shari'ah",
        "Ansar al-Sharia",
        "Supporters of Islamic Law",
        "Al-Qayrawan Media Foundation",
    ]
    # '"Ali Barkani (Date of birth: 22.8.1973; place of birth: Morocco)"; ...': one value,
    # the details are no part of the name.
    moustfa = by_id["eu-journal:32002R0881-I-djamel-moustfa"]
    assert Name("Ali Barkani", NameKind.ALIAS) in moustfa.names
    assert "Ali Barkani: Date of birth: 22.8.1973; place of birth: Morocco" in moustfa.get("notes")
    assert not any("birth" in n.value.lower() and "(" in n.value for n in moustfa.names)
    # "Mustafa Adnan al-Aziz (original script: ﻣﺻطﻔﻰ ﻋدﻧﺎن اﻟﻌزﯾز) (National Identification ...)"
    jaburi = by_id["eu-journal:32002R0881-I-sami-jasim-muhammad-jaata-al-jaburi"]
    assert Name("Mustafa Adnan al-Aziz", NameKind.ALIAS) in jaburi.names
    assert Name("ﻣﺻطﻔﻰ ﻋدﻧﺎن اﻟﻌزﯾز", NameKind.ALIAS, "arab") in jaburi.names


def test_name_kind_counts(journal) -> None:
    by_id = journal[1]
    kinds = Counter(n.kind for e in by_id.values() for n in e.names)
    assert kinds == {
        NameKind.PRIMARY: 5189,
        NameKind.ALIAS: 8960,
        NameKind.WEAK: 168,
        NameKind.FORMER: 56,
    }
    chernomorneftegaz = by_id["eu-journal:32014R0269-I.ENTITIES-1"]
    assert Name("PJSC ‘Chernomorneftegaz’", NameKind.FORMER) in chernomorneftegaz.names
    assert all(
        n.value == n.value.strip() and "  " not in n.value for e in by_id.values() for n in e.names
    )


def test_merged_duplicate(journal) -> None:
    himmat = journal[1]["eu-journal:32002R0881-I-ali-ghaleb-himmat"]
    assert himmat.names == [Name("Ali Ghaleb Himmat", NameKind.PRIMARY)]
    assert himmat.birth_dates == [DateValue("1938-06-16")]
    # The two printings differ only in an apostrophe: both addresses are kept.
    assert [a.full for a in himmat.addresses if "Posero" in a.full] == [
        "Via Posero 2, CH-6911 Campione D'Italia, Italy",
        "Via Posero 2, CH-6911 Campione D’Italia, Italy",
    ]
    assert himmat.get("nationality") == ["it"]  # "Italian since 1990"
    assert "Nationality: Italian since 1990" in himmat.get("notes")


def test_companies_and_vessels(journal) -> None:
    by_id = journal[1]
    bank = by_id["eu-journal:32014R0269-I.ENTITIES-53"]
    assert bank.names == [
        Name("Bank Rossiya", NameKind.PRIMARY),
        Name("Банк ‘Россия’", NameKind.ALIAS, "cyrl"),
    ]
    assert bank.identifiers == [
        Identifier(IdKind.REGISTRATION, "328"),
        Identifier(IdKind.TAX_ID, "7831000122", note="INN"),
        Identifier(IdKind.REGISTRATION, "1027800000084", note="OGRN"),
    ]
    assert bank.get("incorporationDate") == ["1990-06-27"]
    assert bank.addresses == [
        Address("Pl Rastrelli 2 Liter A Saint Petersburg, 191124 Russian Federation", country="ru")
    ]
    assert (bank.get("email"), bank.get("website")) == (["bank@abr.ru"], ["Abr.ru"])
    vessel = by_id["eu-journal:32014R0833-XLII-1"]
    assert (vessel.schema, vessel.caption) == ("Vessel", "Angara")
    assert vessel.identifiers == [Identifier(IdKind.IMO, "9179842")]
    assert vessel.get("provisions") == ["Transportation restrictions"]
    assert vessel.get("listingDate") == ["2024-06-25"]
    imo = sum(1 for e in by_id.values() for i in e.identifiers if i.kind is IdKind.IMO)
    assert imo == 691  # 633 vessels and earlier IMO numbers in 269/2014


def test_document_numbers_cut_from_prose(journal) -> None:
    by_id = journal[1]
    documents = {i.value: i for e in by_id.values() for i in e.identifiers}
    # "01503093 (Afhgan passport, issued on 25.8.2016 in Kabul, ...)": misspelt, no country
    assert documents["01503093"].kind is IdKind.PASSPORT
    # "series 6103 No 814361, issued on 8.4.2003 by ..." → the series and the number
    assert documents["6103 814361"].note.startswith("series 6103 No 814361, issued on 8.4.2003")
    # "A54062245 (Iran), expires 12.7.2026" → issuer from the parenthesis
    assert documents["A54062245"].country == "ir"
    # "(a) Tunisian ... (b) W334061 (Tunisian national identity number ...)" in passportNumber
    assert documents["W334061"].kind is IdKind.NATIONAL_ID
    assert documents["W334061"].country == "tn"
    # "(TIN) 9704211491" in registrationNumber; "DAOMMD74T11Z352Z (Italian Fiscal Code)"
    assert "9704211491" in documents and documents["DAOMMD74T11Z352Z"].country == "it"
    # "Egyptian passport issued in 1993, under name ...": no number, the year is no passport
    assert "1993" not in documents
    kashif = [e for e in by_id.values() if any("issued in 1993" in n for n in e.get("notes"))]
    assert len(kashif) == 1


# -- several files, broken files -----------------------------------------------------------


def _write(tmp_path: Path, body: str | bytes, name: str = "32099R0001.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


HEADER = "celex,recordId,programKey,annex,measure,startDate,reason,schema,name,alias,weakAlias"


def _error(kind: type[E], paths) -> E:
    """Parse and consume; return the `kind` error, raised up front or while iterating."""
    try:
        list(parse_eu_journal(paths).entities)
    except kind as exc:
        return exc
    raise AssertionError(f"{kind.__name__} not raised")


def test_minimal_file_and_merge(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"{HEADER}\n"
        "32099R0001,,EU-X,I,Asset freeze,1.2.2020,,Person,Jane ROE,,Roe\n"
        '32099R0001,7,EU-X,I,Asset freeze,,,Organization,Acme,"""A; B""; C",\n'
        "32099R0001,,EU-X,I,Asset freeze,,,Person,Jane ROE,J. Roe,\n",
    )
    publication = parse_eu_journal(path)
    acme, jane = list(publication.entities)  # the merged entity comes with its last row
    assert acme.id == "eu-journal:32099R0001-I-7"
    assert [n.value for n in acme.names] == ["Acme", "A; B", "C"]
    assert jane.id == "eu-journal:32099R0001-I-jane-roe"
    assert jane.names == [
        Name("Jane ROE", NameKind.PRIMARY),
        Name("Roe", NameKind.WEAK),
        Name("J. Roe", NameKind.ALIAS),
    ]
    assert jane.get("listingDate") == ["2020-02-01"]


def test_same_id_in_two_files_or_schemas(tmp_path: Path) -> None:
    row = "32099R0001,1,EU-X,I,Asset freeze,,,Person,Jane ROE,,\n"
    first = _write(tmp_path, HEADER + "\n" + row)
    second = _write(tmp_path, HEADER + "\n" + row, "copy.csv")
    error = _error(ParseError, [first, second])
    assert error.path == str(second) and error.line == 2
    assert "eu-journal:32099R0001-I-1 already used at 32099R0001.csv:2" in str(error)
    with pytest.raises(UsageError):
        parse_eu_journal([first, first])
    with pytest.raises(UsageError):
        parse_eu_journal([])
    mixed = _write(tmp_path, HEADER + "\n" + row + row.replace("Person", "Company"), "mixed.csv")
    assert "already used at mixed.csv:2 (Person)" in str(_error(ParseError, mixed))


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER.replace(",schema", ",kind") + "\n")
    with pytest.raises(FormatError) as info:
        parse_eu_journal(path)  # at once
    assert (info.value.field, info.value.line) == ("schema", 1)
    assert str(info.value).startswith(f"{path}:1, field schema: column schema missing")


def test_unknown_schema_and_empty_name(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}\n32099R0001,3,EU-X,I,,,,Aircraft,X,,\n")
    error = _error(ParseError, path)
    assert (error.line, error.record, error.field) == (2, "3", "schema")
    path = _write(tmp_path, f"{HEADER}\n32099R0001,,EU-X,I,,,,Person,,,\n")
    error = _error(ParseError, path)
    assert (error.line, error.record, error.field) == (2, "row 2", "name")


def test_bad_encoding_truncation_and_empty(tmp_path: Path, journal_dir: Path) -> None:
    data = (journal_dir / "32011R0359.csv").read_bytes()
    broken = data.replace(b"ALLAHKARAM", b"ALLAH\xffKARAM", 1)
    line = data[: data.index(b"ALLAHKARAM")].count(b"\n") + 1
    error = _error(ParseError, _write(tmp_path, broken))
    assert (
        line == 3
        and error.line == line
        and "byte 0xff at column" in str(error)
        and "invalid in utf-8" in str(error)
    )
    cut = data[: data.index(b"Head of Ansar") + 40]  # inside the quoted reason cell
    error = _error(ParseError, _write(tmp_path, cut))
    assert error.line == 3 and "malformed CSV" in str(error)
    for body in (b"", b"\n \n"):
        assert "empty" in str(_error(ParseError, _write(tmp_path, body)))
