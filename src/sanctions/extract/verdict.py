"""A payment message's verdict: `hold` when any party or bank on it is listed, or it touches a
comprehensively sanctioned country or region; `pass` otherwise. Every finding names the
field it came from.

What is checked, per party (`message.Party`):
- names, with the one scorer (`Screener.screen`); agents as organisations, other parties
  with no schema (a debtor may be a person or a company);
- BICs against the SWIFT/BIC codes the lists carry as identifiers, on their first eight
  characters (the branch code is not part of the institution): `KDBKKPPYXXX` hits `KDBKKPPY`;
- the country of each BIC (characters 5-6) and IBAN (its prefix), address countries and
  towns, against the sanctioned-places table (`regions.py`);
and the free text (remittance information, MT fields 70/72/77B) is scanned like a document.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..match.index import NameIndex
from ..model import IdKind
from ..screen import Hit, Query, Screener
from ..settings import DEFAULT_THRESHOLD
from .message import Message, Party, Value
from .regions import Region, region_of_country, region_of_town
from .scan import TextScanner

# Agents are banks: screened against organisations only, so a bank named after a person
# (rare, and never the point of an agent field) does not alert on a listed individual.
AGENT_ROLES_SUFFIX = (
    "_agent",
    "institution",
    "correspondent",
    "intermediary",
    "sender",
    "receiver",
)
NAME_HITS_PER_VALUE = 5
_NameHits = dict[tuple[str, str | None], list[Hit]]


@dataclass(frozen=True)
class Finding:
    """One reason to hold a message: what was found where."""

    kind: str  # "entity" (a listed party by name), "bank" (a listed BIC), "region", "text"
    role: str  # the party's role, or "text" for free text
    path: str  # the field: "CdtTrfTxInf[0]/Cdtr/Nm", "4:57A"
    value: str  # the value in that field
    score: float
    entity_id: str | None = None
    caption: str | None = None
    region: str | None = None
    programs: tuple[str, ...] = ()
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = {
            "kind": self.kind,
            "role": self.role,
            "path": self.path,
            "value": self.value,
            "score": round(self.score, 4),
            "entity_id": self.entity_id,
            "caption": self.caption,
            "region": self.region,
            "programs": list(self.programs),
        }
        if self.explanation:
            data["explanation"] = self.explanation
        return data


@dataclass
class PaymentVerdict:
    message: Message
    findings: list[Finding]

    @property
    def verdict(self) -> str:
        return "hold" if self.findings else "pass"

    def to_json(self) -> dict[str, Any]:
        m = self.message
        return {
            "source": m.source,
            "index": m.index,
            "kind": m.kind,
            "reference": m.reference,
            "position": m.position,
            "verdict": self.verdict,
            "parties": len(m.parties),
            "findings": [f.to_json() for f in self.findings],
        }


def is_agent(role: str) -> bool:
    return role.endswith(AGENT_ROLES_SUFFIX)


# Per index, and only while the index lives: a server that swapped its index frees the old one.
_BICS: weakref.WeakKeyDictionary[NameIndex, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _listed_bics(index: NameIndex) -> dict[str, tuple[str, ...]]:
    """First eight characters of every listed SWIFT/BIC code -> the entities carrying it."""
    if (known := _BICS.get(index)) is not None:
        return known
    found: dict[str, list[str]] = {}
    for entity in index.by_id.values():
        for identifier in entity.identifiers:
            if identifier.kind == IdKind.SWIFT_BIC:
                code = "".join(identifier.value.split()).upper()[:8]
                if len(code) == 8:
                    found.setdefault(code, []).append(entity.id)
    _BICS[index] = {code: tuple(sorted(set(ids))) for code, ids in found.items()}
    return _BICS[index]


class PaymentScreener:
    """Screens messages against one screener's lists (its name finder built once)."""

    def __init__(self, screener: Screener, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.screener, self.threshold = screener, threshold
        self.text = TextScanner(screener, threshold=threshold)
        self.bics = _listed_bics(screener.index)

    def verdict(self, message: Message) -> PaymentVerdict:
        screened: _NameHits = {}  # a name repeated in the message's fields is screened once
        findings: list[Finding] = []
        for party in message.parties:
            findings.extend(self._party(party, screened))
        for value in message.texts:
            findings.extend(self._text(value))
        return PaymentVerdict(message, _unique(findings))

    def _party(self, party: Party, screened: _NameHits) -> Iterable[Finding]:
        schema = "Organization" if is_agent(party.role) else None
        for value in party.names:
            yield from self._name(party.role, value, schema, screened)
        for value in party.bics:
            yield from self._bic(party.role, value)
        for value in party.ibans:
            yield from self._country(party.role, value, value.text.strip()[:2], "IBAN country")
        for value in party.countries:
            yield from self._country(party.role, value, value.text, "address country")
        countries = [v.text for v in party.countries]
        for value in party.towns:
            region = region_of_town(value.text, countries[0] if countries else None)
            if region is not None:
                yield _region_finding(party.role, value, region)
        for value in party.address_lines:
            for place in self.text.places(value.text):
                yield _region_finding(party.role, value, place.region)

    def _listed(
        self,
        kind: str,
        role: str,
        path: str,
        value: str,
        entity_id: str,
        score: float,
        explanation: dict[str, Any],
    ) -> Finding:
        """A finding on a listed entity, with its caption and programmes."""
        entity = self.screener.index.by_id.get(entity_id)
        return Finding(
            kind=kind,
            role=role,
            path=path,
            value=value,
            score=score,
            entity_id=entity_id,
            caption=entity.caption if entity else None,
            programs=tuple(entity.get("program")) if entity else (),
            explanation=explanation,
        )

    def _name(
        self, role: str, value: Value, schema: str | None, screened: _NameHits
    ) -> Iterable[Finding]:
        name = " ".join(value.text.split())
        if not name:
            return
        hits = screened.get((name, schema))
        if hits is None:
            query = Query(name=name, schema=schema)
            hits = self.screener.screen(query, threshold=self.threshold, limit=NAME_HITS_PER_VALUE)
            screened[(name, schema)] = hits
        for hit in hits:
            yield self._listed(
                "entity", role, value.path, value.text, hit.entity_id, hit.score, hit.explanation
            )

    def _bic(self, role: str, value: Value) -> Iterable[Finding]:
        code = "".join(value.text.split()).upper()
        for entity_id in self.bics.get(code[:8], ()):
            note = {"notes": [f"BIC {code[:8]} is listed on {entity_id}"]}
            yield self._listed("bank", role, value.path, value.text, entity_id, 1.0, note)
        if len(code) >= 6:
            yield from self._country(role, value, code[4:6], "BIC country")

    def _country(self, role: str, value: Value, code: str, what: str) -> Iterable[Finding]:
        region = region_of_country(code.strip())
        if region is not None:
            yield _region_finding(role, value, region, note=f"{what} {code.upper()}")

    def _text(self, value: Value) -> Iterable[Finding]:
        for hit in self.text.names(value.text):
            yield self._listed(
                "entity",
                "text",
                value.path,
                hit.matched_text,
                hit.entity_id,
                hit.score,
                hit.explanation,
            )
        for place in self.text.places(value.text):
            yield _region_finding("text", Value(value.path, place.matched_text), place.region)


def _region_finding(role: str, value: Value, region: Region, note: str | None = None) -> Finding:
    return Finding(
        kind="region",
        role=role,
        path=value.path,
        value=value.text,
        score=1.0,
        region=region.id,
        caption=region.name,
        programs=tuple(region.programs),
        explanation={"notes": [note or f"{value.text!r} is in {region.name}"]},
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per field, value and target (a BIC's country and the IBAN's may repeat)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.kind, f.path, f.value, f.entity_id, f.region)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
