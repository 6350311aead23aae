"""The sources we know: their names (the entity id prefix), publishers, official URLs, formats."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str  # entity id prefix, used everywhere (CLI, API, store)
    title: str
    publisher: str
    url: str  # the official download address of the default format
    formats: tuple[str, ...]  # parser format names able to produce this source


SOURCES: dict[str, SourceInfo] = {
    info.name: info
    for info in (
        SourceInfo(
            "ofac-sdn",
            "OFAC Specially Designated Nationals (SDN) List",
            "US Treasury, Office of Foreign Assets Control",
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            ("ofac-csv", "ofac-xml"),
        ),
        SourceInfo(
            "ofac-cons",
            "OFAC Consolidated (non-SDN) Sanctions List",
            "US Treasury, Office of Foreign Assets Control",
            "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
            ("ofac-csv", "ofac-xml"),
        ),
        SourceInfo(
            "un-sc",
            "UN Security Council Consolidated List",
            "United Nations Security Council",
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            ("un-xml",),
        ),
    )
}


def get_source(name: str) -> SourceInfo:
    try:
        return SOURCES[name]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise UsageError(f"unknown source {name!r}; known sources: {known}") from None
