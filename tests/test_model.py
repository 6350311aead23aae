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
        "birthDate": ["1973-12-23"],
        "name": ["GERTLER, Dan"],
        "nationality": ["il"],
        "passportNumber": ["10945182"],
        "program": ["GLOMAG"],
        "topics": ["sanction"],
        "weakAlias": ["GERTLER, Daniel"],
    }
    # FtM has no property for a link to another entity: it stays in the extension
    assert ftm["extra"] == {"associateId": ["ofac-sdn:23256"]}
    [sanction] = ftm["sanctions"]
    assert sanction["schema"] == "Sanction"
    assert sanction["properties"] == {"entity": ["ofac-sdn:23252"], "program": ["GLOMAG"]}


def test_flat_properties_keep_every_fact_under_our_names() -> None:
    entity = gertler()
    entity.add("listingDate", "2017-12-21")
    flat = entity.flat_properties()
    assert flat["associateId"] == ["ofac-sdn:23256"] and flat["listingDate"] == ["2017-12-21"]
    assert "listingDate" not in entity.to_ftm()["properties"]  # a Sanction fact in FtM


def test_ftm_lines_use_ftm_ids_and_link_the_sanction() -> None:
    person, sanction = gertler().ftm_lines()
    assert person["id"] == "ofac-sdn.23252" and "sanctions" not in person
    assert sanction["id"] == "ofac-sdn.23252.sanction"
    assert sanction["properties"]["entity"] == ["ofac-sdn.23252"]


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
