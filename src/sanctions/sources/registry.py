"""The one place sources and formats are declared.

`SOURCES`: every list we know, by its name (the entity id prefix), publisher, official URLs
and the formats that can hold it. `FORMATS`: every file format we parse, with how to
recognise it from content, the parser that reads it and the source it holds.
`sources/detect.py` only asks these tables; it has no knowledge of any one format.

Adding a format is one parser module in this folder plus one `FormatInfo` entry below (and
the format's name in its source's `formats`). Adding a source is one `SourceInfo` entry;
give it `downloads` and `sanctions update` fetches it too. See docs/sources.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..errors import UsageError

DAY = 86400.0


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
    # How often the publisher updates: a list older than this is stale (`monitor/freshness.py`).
    cadence: float = 7 * DAY


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
            cadence=DAY,
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
            cadence=DAY,
        ),
        SourceInfo(
            "un-sc",
            "UN Security Council Consolidated List",
            "United Nations Security Council",
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            ("un-xml",),
            (("consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"),),
            cadence=DAY,
        ),
        SourceInfo(
            "eu-fsf",
            "EU Consolidated Financial Sanctions List (Financial Sanctions Files)",
            "European Commission, Financial Sanctions Database",
            _EU_FSF,
            ("eu-fsf-xml", "eu-fsf-csv"),
            (("xmlFullSanctionsList_1_1.xml", _EU_FSF),),
            cadence=DAY,
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
            cadence=DAY,
        ),
        SourceInfo(
            "uk-fcdo",
            "UK Sanctions List",
            "Foreign, Commonwealth & Development Office",
            _FCDO + "UK-Sanctions-List.xml",
            ("uk-fcdo-xml", "uk-fcdo-csv"),
            files_at(_FCDO, "UK-Sanctions-List.xml"),
            cadence=DAY,
        ),
        SourceInfo(
            "us-csl",
            "Consolidated Screening List",
            "US International Trade Administration (trade.gov)",
            _CSL,
            ("us-csl-csv",),
            (("consolidated.csv", _CSL),),
            cadence=DAY,
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


@dataclass(frozen=True, slots=True)
class CsvRule:
    """How a CSV format is recognised from its first lines.

    `header` must all be among the cells of one of the first `search_rows` lines (lower
    case, stripped), read with `delimiter`. OFAC's headerless files instead have a number in
    their first cell and a column count that says which file of the set they are
    (`column_roles`).
    """

    header: frozenset[str] = frozenset()
    delimiter: str = ","
    search_rows: int = 1
    exact: bool = False  # compare cells as written, not lower-cased
    column_roles: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FormatInfo:
    name: str  # the format's name, stored with each version ("ofac-csv")
    label: str  # for messages listing what we read ("OFAC legacy CSV")
    parser: str  # "module:function" under sanctions.sources
    # The source a detected file holds; None: the caller names it (custom watchlists).
    source: str | None
    # How the parser is called: "main" parser(path, source=...); "roles" parser(main,
    # source=..., <role>=path, ...) for a set of files; "all" parser(sorted paths, source=...)
    # for several equal files (one per legal act).
    call: Literal["main", "roles", "all"] = "main"
    xml_root: str | None = None
    json_keys: frozenset[str] = frozenset()
    csv: CsvRule | None = None
    files: tuple[str, ...] = ()  # official file names picked up inside a folder
    file_patterns: tuple[str, ...] = ()  # glob patterns picked up inside a folder
    # A file whose lower-cased name starts with the prefix holds the other source.
    name_sources: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def source_for(self, file_name: str) -> str | None:
        lowered = file_name.lower()
        for prefix, source in self.name_sources:
            if lowered.startswith(prefix):
                return source
        return self.source


# Detection tries the CSV rules in this order; the custom watchlist (any id,name header)
# must stay last.
FORMATS: dict[str, FormatInfo] = {
    info.name: info
    for info in (
        FormatInfo(
            "ofac-csv",
            "OFAC legacy CSV",
            "ofac.csv:parse_ofac_csv",
            "ofac-sdn",
            call="roles",
            csv=CsvRule(column_roles=((12, "main"), (6, "add"), (5, "alt"), (2, "comments"))),
            files=(
                "sdn.csv",
                "add.csv",
                "alt.csv",
                "sdn_comments.csv",
                "cons_prim.csv",
                "cons_add.csv",
                "cons_alt.csv",
                "cons_comments.csv",
            ),
            name_sources=(("cons", "ofac-cons"),),
        ),
        FormatInfo(
            "ofac-xml",
            "OFAC sdn.xml",
            "ofac.xml:parse_ofac_xml",
            "ofac-sdn",
            xml_root="sdnList",
            files=("sdn.xml",),
        ),
        FormatInfo(
            "un-xml",
            "UN XML",
            "un:parse_un_xml",
            "un-sc",
            xml_root="CONSOLIDATED_LIST",
            files=("consolidated.xml",),
        ),
        FormatInfo(
            "eu-fsf-xml",
            "EU FSF XML",
            "eu_fsf:parse_eu_fsf_xml",
            "eu-fsf",
            xml_root="export",
            files=("xmlFullSanctionsList_1_1.xml",),
        ),
        FormatInfo(
            "eu-fsf-csv",
            "EU FSF CSV",
            "eu_fsf:parse_eu_fsf_csv",
            "eu-fsf",
            csv=CsvRule(frozenset({"Entity_LogicalId"}), delimiter=";", exact=True),
        ),
        FormatInfo(
            "eu-journal-csv",
            "EU journal CSV",
            "eu_journal:parse_eu_journal",
            "eu-journal",
            call="all",
            csv=CsvRule(frozenset({"celex", "recordid", "programkey"})),
            # One file per act, named by its CELEX number (32014R0269.csv).
            file_patterns=("3[0-9][0-9][0-9][0-9]R[0-9][0-9][0-9][0-9].csv",),
        ),
        FormatInfo(
            "us-csl-csv",
            "trade.gov CSL CSV",
            "us_csl:parse_us_csl",
            "us-csl",
            csv=CsvRule(frozenset({"source", "entity_number", "name", "alt_names"})),
            files=("consolidated.csv",),
        ),
        # The UK files may open with a date line ("Last Updated,...", "Report Date: ...").
        FormatInfo(
            "uk-fcdo-csv",
            "UK Sanctions List CSV",
            "uk.fcdo:parse_uk_fcdo_csv",
            "uk-fcdo",
            csv=CsvRule(frozenset({"unique id", "name 6"}), search_rows=3),
            files=("UK-Sanctions-List.csv",),
        ),
        FormatInfo(
            "uk-fcdo-xml",
            "UK Sanctions List XML",
            "uk.fcdo:parse_uk_fcdo_xml",
            "uk-fcdo",
            xml_root="Designations",
            files=("UK-Sanctions-List.xml",),
        ),
        FormatInfo(
            "uk-ofsi-csv",
            "OFSI ConList.csv",
            "uk.ofsi:parse_uk_ofsi",
            "uk-ofsi",
            csv=CsvRule(frozenset({"name 6", "group type", "group id"}), search_rows=3),
            files=("ConList.csv",),
        ),
        FormatInfo(
            "ftm-json",
            "FollowTheMoney JSON lines",
            "ftm:parse_ftm",
            "opensanctions",
            json_keys=frozenset({"id", "schema"}),
            files=("entities.ftm.json",),
        ),
        FormatInfo(
            "senzing-json",
            "Senzing JSON lines",
            "ftm:parse_senzing",
            "opensanctions-senzing",
            json_keys=frozenset({"DATA_SOURCE", "RECORD_ID"}),
            files=("senzing.json",),
        ),
        FormatInfo(
            "custom-csv",
            "custom watchlist CSV",
            "custom_csv:parse_custom_csv",
            None,  # the list's name comes from --source custom-NAME
            csv=CsvRule(frozenset({"id", "name"})),
        ),
    )
}


def get_format(name: str) -> FormatInfo:
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
    return FORMATS[name]
