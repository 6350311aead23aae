"""The sources we know: their names (the entity id prefix), publishers, official URLs, formats.

Adding a source is one `SourceInfo` entry below; give it `downloads` and `sanctions update`
fetches it too (the files must be in a format `sources.detect.sniff` recognises).
"""

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
    # (file name, official URL) of every file of one publication, in formats[0]; empty when
    # the publisher offers no stable download address (then only `sanctions load` works).
    downloads: tuple[tuple[str, str], ...] = ()
    # Whether a plain `sanctions update` fetches it. Off for derived or licence-restricted
    # collections that repeat the official lists (OpenSanctions, its EU journal transcription).
    default: bool = True


def files_at(base: str, *names: str) -> tuple[tuple[str, str], ...]:
    """`downloads` for files published side by side under one base URL."""
    return tuple((name, base.rstrip("/") + "/" + name) for name in names)


_OFAC = "https://www.treasury.gov/ofac/downloads/"
_EU_FSF = (
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
    "?token=dG9rZW4tMjAxNw"
)
_EU_JOURNAL = (
    "https://raw.githubusercontent.com/opensanctions/opensanctions/main/"
    "datasets/eu/journal_sanctions/data/consolidated/"
)
_EU_JOURNAL_ACTS = ("32002R0881", "32011R0359", "32014R0269", "32014R0833")
_OFSI = "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"
_FCDO = "https://sanctionslist.fcdo.gov.uk/docs/"
_CSL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
_OPENSANCTIONS = "https://data.opensanctions.org/datasets/latest/sanctions/"

SOURCES: dict[str, SourceInfo] = {
    info.name: info
    for info in (
        SourceInfo(
            "ofac-sdn",
            "OFAC Specially Designated Nationals (SDN) List",
            "US Treasury, Office of Foreign Assets Control",
            _OFAC + "sdn.csv",
            ("ofac-csv", "ofac-xml"),
            files_at(_OFAC, "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
        ),
        SourceInfo(
            "ofac-cons",
            "OFAC Consolidated (non-SDN) Sanctions List",
            "US Treasury, Office of Foreign Assets Control",
            _OFAC + "consolidated/cons_prim.csv",
            ("ofac-csv", "ofac-xml"),
            files_at(
                _OFAC + "consolidated/",
                "cons_prim.csv",
                "cons_add.csv",
                "cons_alt.csv",
                "cons_comments.csv",
            ),
        ),
        SourceInfo(
            "un-sc",
            "UN Security Council Consolidated List",
            "United Nations Security Council",
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            ("un-xml",),
            (("consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"),),
        ),
        SourceInfo(
            "eu-fsf",
            "EU Consolidated Financial Sanctions List (Financial Sanctions Files)",
            "European Commission, Financial Sanctions Database",
            _EU_FSF,
            ("eu-fsf-xml", "eu-fsf-csv"),
            (("xmlFullSanctionsList_1_1.xml", _EU_FSF),),
        ),
        SourceInfo(
            "eu-journal",
            "EU sanctions annexes from the Official Journal (OpenSanctions transcription)",
            "OpenSanctions, from EUR-Lex consolidated Council regulations",
            _EU_JOURNAL + "32014R0269.csv",
            ("eu-journal-csv",),
            files_at(_EU_JOURNAL, *(f"{celex}.csv" for celex in _EU_JOURNAL_ACTS)),
            default=False,
        ),
        SourceInfo(
            "uk-ofsi",
            "OFSI Consolidated List of Financial Sanctions Targets",
            "HM Treasury, Office of Financial Sanctions Implementation",
            _OFSI,
            ("uk-ofsi-csv",),
            (("ConList.csv", _OFSI),),
        ),
        SourceInfo(
            "uk-fcdo",
            "UK Sanctions List",
            "Foreign, Commonwealth & Development Office",
            _FCDO + "UK-Sanctions-List.xml",
            ("uk-fcdo-xml", "uk-fcdo-csv"),
            files_at(_FCDO, "UK-Sanctions-List.xml"),
        ),
        SourceInfo(
            "us-csl",
            "Consolidated Screening List",
            "US International Trade Administration (trade.gov)",
            _CSL,
            ("us-csl-csv",),
            (("consolidated.csv", _CSL),),
        ),
        SourceInfo(
            "opensanctions",
            "OpenSanctions consolidated sanctions (FollowTheMoney)",
            "OpenSanctions (check its licence before commercial use)",
            _OPENSANCTIONS + "entities.ftm.json",
            ("ftm-json",),
            files_at(_OPENSANCTIONS, "entities.ftm.json"),
            default=False,
        ),
        SourceInfo(
            "opensanctions-senzing",
            "OpenSanctions consolidated sanctions (Senzing export)",
            "OpenSanctions (check its licence before commercial use)",
            _OPENSANCTIONS + "senzing.json",
            ("senzing-json",),
            files_at(_OPENSANCTIONS, "senzing.json"),
            default=False,
        ),
    )
}

CUSTOM_PREFIX = "custom-"


def get_source(name: str) -> SourceInfo:
    """The registry entry of a source; `custom-NAME` is any company's own watchlist."""
    if name in SOURCES:
        return SOURCES[name]
    if name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX) and ":" not in name:
        return SourceInfo(name, "Custom watchlist", "your organisation", "", ("custom-csv",))
    known = ", ".join(sorted(SOURCES))
    raise UsageError(
        f"unknown source {name!r}; known sources: {known}, or custom-NAME for your own list"
    )
