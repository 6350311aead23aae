"""Value cleaning on spellings taken from the real OFAC, UN and UK files."""

import pytest

from sanctions.model import DateValue
from sanctions.text.values import country_code, parse_date, parse_date_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23 Dec 1973", "1973-12-23"),
        ("Dec 1973", "1973-12"),
        ("1973", "1973"),
        ("1961-05-21", "1961-05-21"),
        ("2026-02-27T00:00:09.554Z", "2026-02-27"),
        ("21/05/1961", "1961-05-21"),
        ("17.3.2014", "2014-03-17"),
        ("00/00/1980", "1980"),
        ("31 Feb", None),
        ("yesterday", None),
        ("", None),
        ("32 Jan 1970", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_value_handles_circa_and_ranges() -> None:
    assert parse_date_value("circa 1960") == DateValue("1960", circa=True)
    assert parse_date_value("1958 to 1960") == DateValue("1958", "1960")
    assert parse_date_value("circa 01 Jan 1955 to 31 Dec 1956") == DateValue(
        "1955-01-01", "1956-12-31", circa=True
    )
    assert parse_date_value("1979-1982") == DateValue("1979", "1982")
    assert parse_date_value("unknown") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Congo, Democratic Republic of the", "cd"),
        ("Korea, North", "kp"),
        ("Burma", "mm"),
        ("Russia", "ru"),
        ("Iran", "ir"),
        ("United Kingdom", "gb"),
        ("Iran (Islamic Republic of)", "ir"),  # pycountry's official name, bracketed
        ("Syrian Arab Republic", "sy"),
        ("Kosovo", "xk"),
        ("Palestinian", "ps"),  # demonyms, as nationality fields print them
        ("Syrian", "sy"),
        ("Virgin Islands, British", "vg"),  # inverted
        ("Bahamas, The", "bs"),
        ("Украина", "ua"),  # in Cyrillic
        ("Region: Crimea", "ua"),
        ("USSR", "suhh"),  # a state that no longer exists, as lists code it
        ("RUS", "ru"),  # alpha-3
        ("Texas", "us"),  # a US state, as addresses give it
        ("Georgia", "ge"),  # the country, not the state
        ("Tanga", None),  # a town in Tanzania, not Tonga
        ("Building 5", None),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_code(name: str, code: str | None) -> None:
    assert country_code(name) == code
