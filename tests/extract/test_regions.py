"""Sanctioned places: the table, finding them in text without crying wolf, offsets on
non-ASCII text, and the country and town checks payments use."""

from __future__ import annotations

import copy
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from sanctions.errors import ResourceError
from sanctions.extract.regions import (
    PlaceFinding,
    _build,
    find_places,
    region_of_country,
    region_of_town,
    regions,
)
from sanctions.text.resources import load_resource

REQUIRED = {
    "cu",
    "ir",
    "kp",
    "sy",
    "ua-crimea",
    "ua-sevastopol",
    "ua-dnr",
    "ua-lnr",
    "ua-zaporizhzhia-occupied",
    "ua-kherson-occupied",
}


def found(text: str) -> list[tuple[str, str, str]]:
    """(region id, matched text, kind) of every finding, checking each one's offsets."""
    out = []
    for finding in find_places(text):
        assert text[finding.start : finding.end] == finding.matched_text
        out.append((finding.region.id, finding.matched_text, finding.kind))
    return out


# -- the table -----------------------------------------------------------------------------
def test_every_required_place_is_listed_with_programmes() -> None:
    table = {region.id: region for region in regions()}
    assert set(table) == REQUIRED
    for region in table.values():
        assert region.programs, region.id
    assert (table["ir"].country, table["ir"].within) == ("IR", None)
    assert (table["ua-crimea"].country, table["ua-crimea"].within) == (None, "UA")
    assert any("CACR" in p and "31 CFR part 515" in p for p in table["cu"].programs)
    assert any("ITSR" in p for p in table["ir"].programs)
    assert any("NKSR" in p for p in table["kp"].programs)
    assert any("SySR" in p for p in table["sy"].programs)
    assert any("EO 13685" in p for p in table["ua-crimea"].programs)
    assert any("EO 14065" in p for p in table["ua-dnr"].programs)
    assert any("2022/1903" in p for p in table["ua-kherson-occupied"].programs)


def table_copy() -> dict[str, Any]:
    return copy.deepcopy(load_resource("sanctioned_regions"))


def test_a_spelling_under_two_places_once_folded_is_refused() -> None:
    table = table_copy()
    table["towns"]["sy"].append("Irán")  # folds to "iran", a spelling of Iran
    with pytest.raises(ResourceError, match=r"'Irán' \(town of sy\) reads the same as 'Iran'"):
        _build(table)


def test_an_exception_equal_to_a_spelling_is_refused() -> None:
    table = table_copy()
    table["exceptions"].append("CUBA")
    with pytest.raises(ResourceError, match="reads the same as 'Cuba'"):
        _build(table)


def test_a_place_without_programme_or_name_is_refused() -> None:
    table = table_copy()
    table["programs"]["cu"] = []
    with pytest.raises(ResourceError, match="'cu' has no programme"):
        _build(table)
    table = table_copy()
    table["towns"]["xx"] = ["Nowhere"]
    with pytest.raises(ResourceError, match="'xx' is not under names"):
        _build(table)


def test_entries_must_be_words_at_both_ends() -> None:
    table = table_copy()
    table["spellings"]["cu"].append("Cuba!")
    with pytest.raises(ResourceError, match="must start and end with a letter"):
        _build(table)


# -- finding places ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wire to Cuba today", ("cu", "Cuba", "name")),
        ("República de Cuba", ("cu", "República de Cuba", "name")),
        ("в Кубу", ("cu", "Кубу", "name")),
        ("Islamic Republic of Iran", ("ir", "Islamic Republic of Iran", "name")),
        ("goods from Persia", ("ir", "Persia", "name")),
        ("ارسال به ایران", ("ir", "ایران", "name")),
        ("поставки в Иран", ("ir", "Иран", "name")),
        ("the DPRK", ("kp", "DPRK", "name")),
        (
            "Democratic People's Republic of Korea",
            ("kp", "Democratic People's Republic of Korea", "name"),
        ),
        ("조선민주주의인민공화국", ("kp", "조선민주주의인민공화국", "name")),
        ("в Северную Корею", ("kp", "Северную Корею", "name")),
        ("Syrian Arab Republic", ("sy", "Syrian Arab Republic", "name")),
        ("إلى سوريا", ("sy", "سوريا", "name")),
        ("из Сирии", ("sy", "Сирии", "name")),
        ("Crimea", ("ua-crimea", "Crimea", "name")),
        ("Krym", ("ua-crimea", "Krym", "name")),
        ("в Крыму", ("ua-crimea", "Крыму", "name")),
        ("Автономна Республіка Крим", ("ua-crimea", "Автономна Республіка Крим", "name")),
        ("г. Севастополь", ("ua-sevastopol", "Севастополь", "name")),
        (
            "the so-called Donetsk People's Republic",
            ("ua-dnr", "Donetsk People's Republic", "name"),
        ),
        ("ДНР", ("ua-dnr", "ДНР", "name")),
        ("Lugansk People’s Republic", ("ua-lnr", "Lugansk People’s Republic", "name")),
        ("ЛНР", ("ua-lnr", "ЛНР", "name")),
        ("occupied Zaporizhzhia", ("ua-zaporizhzhia-occupied", "occupied Zaporizhzhia", "name")),
        ("occupied Kherson", ("ua-kherson-occupied", "occupied Kherson", "name")),
        ("Simferopol", ("ua-crimea", "Simferopol", "town")),
        ("Yalta", ("ua-crimea", "Yalta", "town")),
        ("Kerch", ("ua-crimea", "Kerch", "town")),
        ("Donetsk", ("ua-dnr", "Donetsk", "town")),
        ("Makiivka", ("ua-dnr", "Makiivka", "town")),
        ("Luhansk", ("ua-lnr", "Luhansk", "town")),
        ("Melitopol", ("ua-zaporizhzhia-occupied", "Melitopol", "town")),
        ("Nova Kakhovka", ("ua-kherson-occupied", "Nova Kakhovka", "town")),
        ("Pyongyang", ("kp", "Pyongyang", "town")),
        ("Bandar Abbas", ("ir", "Bandar Abbas", "town")),
    ],
)
def test_each_place_is_found(text: str, expected: tuple[str, str, str]) -> None:
    assert found(text) == [expected]


def test_adjectives_naming_the_country_are_findings() -> None:
    # Our choice (see the table's header): trade finance reads these as the place.
    assert found("Iranian-origin petrochemicals") == [("ir", "Iranian", "adjective")]
    assert found("a box of Cuban cigars") == [("cu", "Cuban", "adjective")]
    assert found("North Korean workers") == [("kp", "North Korean", "adjective")]
    assert found("Syrian pounds") == [("sy", "Syrian", "adjective")]


@pytest.mark.parametrize(
    "text",
    [
        "Syriac manuscripts of the fifth century",  # contains "Syria"
        "Juan Cubano signed the contract",  # contains "Cuba"
        "incubate the samples; Cubans? no: cubature",
        "a Persian cat on a Persian rug, shipped via the Persian Gulf",  # Persian is left out
        "Smriti Irani, minister",  # contains "Iran"
        "Mark Cuban bought the team",
        "Cuba Gooding Jr. starred in it",
        "the Cuban Missile Crisis of 1962",
        "a Syrian hamster and a Syrian Orthodox church",
        "Crimean War veterans; Crimean-Congo haemorrhagic fever",
        "the Yalta Conference of 1945",
        "Cuba, NY 14727 and Havana, Florida",
        "Kramatorsk, Donetsk Oblast, Ukraine",  # the oblast is partly under Ukrainian control
        "Donetsk region",
        "Донецкая область",
        "Kherson and Zaporizhzhia",  # the cities are under Ukrainian control
        "South Korea and Korea",
        "Donbas",
        "dnr lnr dprk",  # acronyms only in capitals
        "Kerchief, Yaltas, Iranis, Cubas",
    ],
)
def test_words_that_merely_contain_a_name_are_not_findings(text: str) -> None:
    assert found(text) == []


def test_the_real_letter_names_no_sanctioned_place(data_dir: Path) -> None:
    text = (data_dir / "documents" / "letter_karabakh_sanctions_2023.txt").read_text("utf-8")
    assert "Azerbaijan" in text and "Armenia" in text and "Garabagh" in text
    assert find_places(text) == []


def test_case_accents_and_layout_do_not_matter() -> None:
    assert [f[1] for f in found("IRAN, iran, Iran, Irán")] == ["IRAN", "iran", "Iran", "Irán"]
    assert found("Corée du Nord") == [("kp", "Corée du Nord", "name")]
    assert found("North\nKorea") == [("kp", "North\nKorea", "name")]
    assert found("North-Korea") == [("kp", "North-Korea", "name")]
    assert found("Democratic  Peoples\nRepublic of Korea") == [
        ("kp", "Democratic  Peoples\nRepublic of Korea", "name")
    ]
    assert found("КРЫМ") == [("ua-crimea", "КРЫМ", "name")]
    assert found("Шахтерск") == [("ua-dnr", "Шахтерск", "town")]  # ё written as е


def test_longest_match_wins_and_matches_never_overlap() -> None:
    assert found("Santiago de Cuba") == [("cu", "Santiago de Cuba", "town")]
    assert found("Iran, Islamic Republic of") == [("ir", "Iran, Islamic Republic of", "name")]
    assert found("occupied Donetsk Oblast") == [("ua-dnr", "occupied Donetsk", "name")]
    assert found("Zaporizhzhia Nuclear Power Plant") == [
        ("ua-zaporizhzhia-occupied", "Zaporizhzhia Nuclear Power Plant", "name")
    ]
    text = "Cuba Iran Syria Crimea Sevastopol ДНР Havana Tehran " * 50
    findings = find_places(text)
    assert len(findings) == 8 * 50
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_acronyms_match_only_in_capitals() -> None:
    assert found("DNR and LNR") == [("ua-dnr", "DNR", "name"), ("ua-lnr", "LNR", "name")]
    assert found("Dnr") == []


def test_offsets_stay_right_on_non_ascii_text() -> None:
    # Characters that fold away (a combining stress mark, a soft hyphen, a tatweel) and
    # characters that fold to another (ß, İ, ligatures) sit before and inside the matches.
    text = "Straße İstanbul ﬁnal — Кры\u0301м, Sim\u00adferopol, سـوريا; Cuba\u0301! 평양에서"
    findings = find_places(text)
    assert [(f.region.id, f.matched_text) for f in findings] == [
        ("ua-crimea", "Кры\u0301м"),
        ("ua-crimea", "Sim\u00adferopol"),
        ("sy", "سـوريا"),
        ("cu", "Cuba\u0301"),  # the decomposed accent belongs to the word
        ("kp", "평양"),  # the particle 에서 is not part of the place
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.matched_text
    nfd = unicodedata.normalize("NFD", "Республика Крым и Севастополь")
    assert [f.matched_text for f in find_places(nfd)] == [
        unicodedata.normalize("NFD", "Республика Крым"),
        "Севастополь",
    ]


def test_joined_prefixes_and_particles_are_not_part_of_the_match() -> None:
    text = "وإيران وسوريا"
    assert found(text) == [("ir", "إيران", "name"), ("sy", "سوريا", "name")]
    assert found("북한의 핵") == [("kp", "북한", "name")]


def test_findings_carry_their_region() -> None:
    (finding,) = find_places("Payment to Simferopol")
    assert isinstance(finding, PlaceFinding)
    assert finding.region.id == "ua-crimea" and finding.region.name.startswith("Crimea")
    assert (finding.start, finding.end, finding.kind) == (11, 21, "town")


# -- countries and towns (payments) -------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("IR", "ir"),
        ("ir", "ir"),
        (" KP ", "kp"),
        ("PRK", "kp"),
        ("CUB", "cu"),
        ("SY", "sy"),
        ("UA-43", "ua-crimea"),
        ("UA-40", "ua-sevastopol"),
        ("Iran", "ir"),
        ("IRAN, ISLAMIC REPUBLIC OF", "ir"),
        ("Korea, North", "kp"),
        ("Crimea", "ua-crimea"),
        ("RU", None),
        ("Russia", None),
        ("UA", None),
        ("Ukraine", None),
        ("DE", None),
        ("", None),
        ("Cuban", "cu"),  # a nationality written in the country field still names Cuba
        ("Syrie", "sy"),
    ],
)
def test_region_of_country(code: str, expected: str | None) -> None:
    region = region_of_country(code)
    assert (region.id if region else None) == expected


@pytest.mark.parametrize(
    ("town", "country", "expected"),
    [
        ("Simferopol", "UA", "ua-crimea"),
        ("SIMFEROPOL", "RU", "ua-crimea"),  # Russia's claim: addresses say Russia
        ("Simferopol", "Russian Federation", "ua-crimea"),
        ("Simferopol", None, "ua-crimea"),
        ("G. SIMFEROPOL 295000", "RU", "ua-crimea"),
        ("Simferopol", "DE", None),
        ("Sevastopol", "UA", "ua-sevastopol"),
        ("Donetsk", "UA", "ua-dnr"),
        ("Luhansk", "UA", "ua-lnr"),
        ("Melitopol", "UA", "ua-zaporizhzhia-occupied"),
        ("Kherson", "UA", None),  # under Ukrainian control since November 2022
        ("Kramatorsk", "UA", None),
        ("Kyiv", "UA", None),
        ("Havana", None, "cu"),
        ("Havana", "CU", "cu"),
        ("Havana", "US", None),  # Havana, Florida
        ("Cuba", "US", None),  # Cuba, New York
        ("Tehran", "IR", "ir"),
        ("Anywhere", "IR", "ir"),  # every town of a sanctioned country
        ("Berlin", "DE", None),
        ("Moscow", "RU", None),
    ],
)
def test_region_of_town(town: str, country: str | None, expected: str | None) -> None:
    region = region_of_town(town, country)
    assert (region.id if region else None) == expected
