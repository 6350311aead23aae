"""The entity model every source parses into and every other module reads.

An `Entity` keeps the structure the official files give (name kinds, identifier types with
issuing country, date ranges, addresses, links); `to_ftm()` writes it as FollowTheMoney 4
JSON (docs/formats.md, "Our FtM export"), and `to_dict()`/`from_dict()` round-trip it
losslessly for the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")

# A partial ISO date: 1961, 1961-12 or 1961-12-05.
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class NameKind(StrEnum):
    PRIMARY = "primary"  # the name the list files the entity under
    ALIAS = "alias"  # a strong a.k.a.
    WEAK = "weak"  # OFAC "weak a.k.a.", UN quality "Low": never alert on fuzzy similarity alone
    FORMER = "former"  # f.k.a.
    ORIGINAL = "original"  # the name in its original script (UN NAME_ORIGINAL_SCRIPT)


class IdKind(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    REGISTRATION = "registration"
    IMO = "imo"
    MMSI = "mmsi"
    CALL_SIGN = "call_sign"
    SWIFT_BIC = "swift_bic"
    LEI = "lei"
    CRYPTO = "crypto"
    OTHER = "other"


# How each identifier kind appears among the FtM properties.
FTM_ID_PROPERTY = {
    IdKind.PASSPORT: "passportNumber",
    IdKind.NATIONAL_ID: "idNumber",
    IdKind.TAX_ID: "taxNumber",
    IdKind.REGISTRATION: "registrationNumber",
    IdKind.IMO: "imoNumber",
    IdKind.MMSI: "mmsi",
    IdKind.CALL_SIGN: "callSign",
    IdKind.SWIFT_BIC: "swiftBic",
    IdKind.LEI: "leiCode",
    IdKind.CRYPTO: "cryptoWallet",
    IdKind.OTHER: "idNumber",
}

FTM_NAME_PROPERTY = {
    NameKind.PRIMARY: "name",
    NameKind.ALIAS: "alias",
    NameKind.WEAK: "weakAlias",
    NameKind.FORMER: "previousName",
    NameKind.ORIGINAL: "alias",
}


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    # ISO 639 language or script hint when the source gives one (e.g. "ar", "ru").
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: IdKind
    value: str
    country: str | None = None  # ISO 3166 alpha-2, lower case, of the issuer
    note: str | None = None  # what the source says beyond the number (type text, dates)


@dataclass(frozen=True, slots=True)
class DateValue:
    """A partial date, or a range of them when the source gives one ("1958 to 1960")."""

    start: str
    end: str | None = None
    circa: bool = False

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if value is not None and not PARTIAL_DATE.match(value):
                raise ValueError(f"not a partial ISO date: {value!r}")

    def years(self) -> list[str]:
        """Every year the value covers (a range is expanded, at most 20 years)."""
        if self.end is None:
            return [self.start]
        first, last = int(self.start[:4]), int(self.end[:4])
        if last < first or last - first > 20:
            return [self.start, self.end]
        return [str(y) for y in range(first, last + 1)]


@dataclass(frozen=True, slots=True)
class Address:
    full: str  # the address as one line, as printed by the source
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166 alpha-2, lower case


@dataclass(frozen=True, slots=True)
class Link:
    """A relation the source states to another listed party ("Linked To: GERTLER, Dan")."""

    name: str
    relation: str = "linked_to"
    target_id: str | None = None  # filled when the target is resolved within the same list


@dataclass(slots=True)
class Entity:
    id: str  # stable across versions: "<source>:<source id>", see DESIGN.md
    schema: str
    names: list[Name] = field(default_factory=list)
    birth_dates: list[DateValue] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # Everything else, under FtM property names: nationality, citizenship, country (ISO2,
    # lower case), gender ("male"/"female"), birthPlace, program, listingDate, notes, title,
    # position, email, website, phone, flag, type, tonnage, grossRegisteredTonnage, ...
    properties: dict[str, list[str]] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.schema not in SCHEMAS:
            raise ValueError(f"unknown schema {self.schema!r}; expected one of {SCHEMAS}")

    # -- building -------------------------------------------------------------------------
    def add(self, prop: str, value: str | None) -> None:
        """Add a value to a flat property, skipping blanks and duplicates."""
        if value is None:
            return
        value = value.strip()
        if not value:
            return
        values = self.properties.setdefault(prop, [])
        if value not in values:
            values.append(value)

    def add_name(
        self, value: str | None, kind: NameKind = NameKind.ALIAS, lang: str | None = None
    ) -> None:
        if value is None:
            return
        value = " ".join(value.split())
        if not value:
            return
        name = Name(value, kind, lang)
        if name not in self.names:
            self.names.append(name)

    # -- reading --------------------------------------------------------------------------
    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.id

    @property
    def source(self) -> str:
        return self.id.split(":", 1)[0]

    def get(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    # -- serializing ----------------------------------------------------------------------
    def flat_properties(self) -> dict[str, list[str]]:
        """Every fact as one flat property map under our own names (FtM's where it has one):
        what list diffs and history compare, so stored diffs keep their property names."""
        props: dict[str, list[str]] = {}

        def put(prop: str, value: str) -> None:
            values = props.setdefault(prop, [])
            if value not in values:
                values.append(value)

        for name in self.names:
            put(FTM_NAME_PROPERTY[name.kind], name.value)
        for date in self.birth_dates:
            for year_or_date in date.years():
                put("birthDate", year_or_date)
        for ident in self.identifiers:
            put(FTM_ID_PROPERTY[ident.kind], ident.value)
        for address in self.addresses:
            put("address", address.full)
        for link in self.links:
            put(
                "associate" if link.target_id is None else "associateId",
                link.target_id or link.name,
            )
        for prop, values in self.properties.items():
            for value in values:
                put(prop, value)
        return {k: props[k] for k in sorted(props)}

    def to_ftm(self) -> dict[str, Any]:
        """FollowTheMoney 4 JSON (docs/formats.md, "Our FtM export"): `properties` holds only
        what the schema defines; designation facts go to a `Sanction` entity under
        `sanctions`, the rest under `extra`."""
        return ftm_entity(self)

    def ftm_lines(self) -> list[dict[str, Any]]:
        """The entity and its Sanction entities, one FtM entity each (a JSON Lines export),
        under FtM-valid ids (`ftm_id`) so that the Sanction's `entity` reference holds."""
        data = self.to_ftm()
        sanctions = data.pop("sanctions", [])
        for item in (data, *sanctions):
            item["id"] = ftm_id(item["id"])
        for sanction in sanctions:
            sanction["properties"]["entity"] = [data["id"]]
        return [data, *sanctions]

    def to_dict(self) -> dict[str, Any]:
        """Lossless JSON-ready form, read back by `from_dict`."""
        out: dict[str, Any] = {"id": self.id, "schema": self.schema}
        out["names"] = [_compact(n.value, kind=n.kind.value, lang=n.lang) for n in self.names]
        if self.birth_dates:
            out["birth_dates"] = [
                _compact(d.start, end=d.end, circa=d.circa or None) for d in self.birth_dates
            ]
        if self.identifiers:
            out["identifiers"] = [
                _compact(i.value, kind=i.kind.value, country=i.country, note=i.note)
                for i in self.identifiers
            ]
        if self.addresses:
            out["addresses"] = [
                _compact(
                    a.full,
                    street=a.street,
                    city=a.city,
                    region=a.region,
                    postal_code=a.postal_code,
                    country=a.country,
                )
                for a in self.addresses
            ]
        if self.links:
            out["links"] = [
                _compact(link.name, relation=link.relation, target_id=link.target_id)
                for link in self.links
            ]
        if self.properties:
            out["properties"] = {k: list(v) for k, v in sorted(self.properties.items())}
        out["datasets"] = list(self.datasets)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            schema=data["schema"],
            names=[Name(n["value"], NameKind(n["kind"]), n.get("lang")) for n in data["names"]],
            birth_dates=[
                DateValue(d["value"], d.get("end"), bool(d.get("circa")))
                for d in data.get("birth_dates", [])
            ],
            identifiers=[
                Identifier(IdKind(i["kind"]), i["value"], i.get("country"), i.get("note"))
                for i in data.get("identifiers", [])
            ],
            addresses=[
                Address(
                    a["value"],
                    a.get("street"),
                    a.get("city"),
                    a.get("region"),
                    a.get("postal_code"),
                    a.get("country"),
                )
                for a in data.get("addresses", [])
            ],
            links=[
                Link(lk["value"], lk.get("relation", "linked_to"), lk.get("target_id"))
                for lk in data.get("links", [])
            ],
            properties={k: list(v) for k, v in data.get("properties", {}).items()},
            datasets=list(data.get("datasets", [])),
        )


def _compact(value: str, **extra: Any) -> dict[str, Any]:
    """{"value": ..., **extra} without the keys whose value is None."""
    out: dict[str, Any] = {"value": value}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


# -- FollowTheMoney export (docs/formats.md, "Our FtM export") --------------------------------

# Our designation facts and the `Sanction` property that means each; a label keeps apart the
# CSL and OFAC texts that all land in `provisions`.
SANCTION_PROPERTIES: dict[str, tuple[str, str]] = {
    "program": ("program", ""),
    "programId": ("programId", ""),
    "listingDate": ("listingDate", ""),
    "startDate": ("startDate", ""),
    "endDate": ("endDate", ""),
    "provisions": ("provisions", ""),
    "unscId": ("unscId", ""),
    "authority": ("authority", ""),
    "sourceList": ("authority", ""),  # the CSL's source list names the agency that lists
    "sourceUrl": ("sourceUrl", ""),
    "sanctionsInfo": ("provisions", ""),
    "licenseRequirement": ("provisions", "License requirement: "),
    "licensePolicy": ("provisions", "License policy: "),
    "standardOrder": ("provisions", "Standard order: "),
    "federalRegisterNotice": ("summary", "Federal Register notice: "),
}
# Designation facts FtM also defines on the listed entity itself: kept there too.
ON_BOTH = frozenset({"program", "programId", "sourceUrl"})
# Our name for a fact -> FtM's, where a schema calls it something else.
RENAMED = {("Airplane", "idNumber"): "serialNumber"}  # OFAC's MSN / construction numbers


def ftm_id(entity_id: str) -> str:
    """Our id as an FtM entity id, which allows no ':': "ofac-sdn:36" -> "ofac-sdn.36" (source
    names hold no '.', so the first '.' gives the separator back)."""
    return entity_id.replace(":", ".")


NAME_PRIORITY = (
    ("alias", ("name",)),
    ("weakAlias", ("name", "alias")),
    ("previousName", ("name", "alias", "weakAlias")),
)
CONTACT_SPLIT = re.compile(r"[,;]\s*|\s+")
PHONE_SPLIT = re.compile(r"[,;/]\s*")
PHONE = re.compile(r"^\+ ?[1-9][\d ().-]+$")  # international, nothing but separators
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
HOST = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def _split_contact(kind: str, value: str) -> tuple[list[str], list[str]]:
    """(values FtM's type accepts, the rest) for phones, emails and URLs that lists print
    several to a field; a phone without its international prefix cannot be dialled from the
    text alone, so it stays outside `properties` as printed. Other types pass through."""
    if kind == "phone":
        parts = [p.strip() for p in PHONE_SPLIT.split(value) if p.strip()]
        ok = [p for p in parts if PHONE.match(p) and 8 <= sum(c.isdigit() for c in p) <= 15]
    elif kind in ("email", "url"):
        parts = [p.strip().rstrip(".") for p in CONTACT_SPLIT.split(value) if p.strip()]
        pattern = EMAIL if kind == "email" else HOST
        ok = [p for p in parts if pattern.match(p) and (kind == "email" or "@" not in p)]
    else:
        return [value], []
    if len(ok) == len(parts):
        return ok, []
    return ok, [value]


@cache
def ftm_schemata() -> dict[str, dict[str, str]]:
    """schema -> {property: FtM type} for the schemata we export (resources/ftm_properties.json)."""
    text = resources.files("sanctions").joinpath("resources/ftm_properties.json").read_text()
    data: dict[str, dict[str, str]] = json.loads(text)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def ftm_entity(entity: Entity) -> dict[str, Any]:
    """`Entity.to_ftm()`: properties valid for the schema, a Sanction entity, an extension."""
    schemata = ftm_schemata()
    defined = schemata[entity.schema]
    props: dict[str, list[str]] = {}
    sanction: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}

    def put(target: dict[str, list[str]], prop: str, value: str) -> None:
        values = target.setdefault(prop, [])
        if value not in values:
            values.append(value)

    for prop, values in entity.flat_properties().items():
        name = RENAMED.get((entity.schema, prop), prop)
        for value in values:
            if prop in SANCTION_PROPERTIES:
                sanction_prop, label = SANCTION_PROPERTIES[prop]
                put(sanction, sanction_prop, label + value)
                if prop not in ON_BOTH:
                    continue
            # an entity-typed property wants an entity id; ours hold a printed name
            kind = defined.get(name)
            if kind is None or kind == "entity":
                put(extra, prop, value)
                continue
            kept, rest = _split_contact(kind, value)
            for item in kept:
                put(props, name, item)
            for item in rest:
                put(extra, prop, item)
    for weaker, stronger in NAME_PRIORITY:
        # one name under one property: the strongest, as FtM readers (and ours) keep it
        if weaker in props:
            held = {v for p in stronger for v in props.get(p, [])}
            props[weaker] = [v for v in props[weaker] if v not in held]
            if not props[weaker]:
                del props[weaker]
    out: dict[str, Any] = {"id": entity.id, "schema": entity.schema, "caption": entity.caption}
    if sanction:
        put(props, "topics", "sanction")
        sanction["entity"] = [entity.id]
        out["sanctions"] = [
            {
                "id": f"{entity.id}:sanction",
                "schema": "Sanction",
                "caption": entity.caption,
                "properties": {k: sanction[k] for k in sorted(sanction)},
                "datasets": list(entity.datasets),
            }
        ]
    out["properties"] = {k: props[k] for k in sorted(props)}
    out["datasets"] = list(entity.datasets)
    if extra:
        out["extra"] = {k: extra[k] for k in sorted(extra)}
    return out
