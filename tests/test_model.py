"""The entity model: FtM serialization and lossless round trips."""

import pytest

from sanctions.model import Address, DateValue, Entity, Identifier, IdKind, Link, NameKind


def gertler() -> Entity:
    entity = Entity("ofac-sdn:23252", "Person", datasets=["ofac-sdn"])
    entity.add_name("GERTLER, Dan", NameKind.PRIMARY)
    entity.add_name("GERTLER, Daniel", NameKind.WEAK)
    entity.add_name("  GERTLER,   Dan ", NameKind.PRIMARY)  # whitespace-normalised duplicate
    entity.birth_dates.append(DateValue("1973-12-23"))
    entity.identifiers.append(Identifier(IdKind.PASSPORT, "10945182", "il", "issued 28 Jun 2010"))
    entity.addresses.append(Address("Tel Aviv, Israel", city="Tel Aviv", country="il"))
    entity.links.append(Link("FLEURETTE PROPERTIES LIMITED", target_id="ofac-sdn:23256"))
    entity.add("nationality", "il")
    entity.add("nationality", "il")
    entity.add("program", "GLOMAG")
    return entity


def test_to_ftm_flattens_into_ftm_properties() -> None:
    ftm = gertler().to_ftm()
    assert ftm["caption"] == "GERTLER, Dan"
    assert ftm["properties"] == {
        "address": ["Tel Aviv, Israel"],
        "associateId": ["ofac-sdn:23256"],
        "birthDate": ["1973-12-23"],
        "name": ["GERTLER, Dan"],
        "nationality": ["il"],
        "passportNumber": ["10945182"],
        "program": ["GLOMAG"],
        "weakAlias": ["GERTLER, Daniel"],
    }


def test_round_trip_is_lossless() -> None:
    entity = gertler()
    entity.birth_dates.append(DateValue("1958", "1960", circa=True))
    assert Entity.from_dict(entity.to_dict()) == entity


def test_date_ranges_expand_to_years_in_ftm() -> None:
    assert DateValue("1958", "1960").years() == ["1958", "1959", "1960"]
    assert DateValue("1900", "1990").years() == ["1900", "1990"]  # too wide to enumerate


def test_invalid_values_are_refused() -> None:
    with pytest.raises(ValueError, match="partial ISO date"):
        DateValue("23 Dec 1973")
    with pytest.raises(ValueError, match="unknown schema"):
        Entity("x:1", "Pirate")
