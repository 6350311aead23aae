"""Every parser under fuzzing, by family, with its seeds (see fuzzing.py for the machinery).

Seeds are bounded slices of the real files in ../shared/data (the first lines of a CSV, the
first few children of every XML element) and the files under tests/fixtures. Each target
parses its input completely: every entity of a publication, every row of a customer or
query file, the whole text of a document, every message of a payment file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fuzzing import (
    Seed,
    Target,
    consume,
    csv_text,
    data_file,
    fixture,
    head_lines,
    json_lines,
    make_docx,
    make_pdf,
    shrink_xml,
    write,
)

from sanctions.batch.run import read_queries
from sanctions.extract.document import document_from_bytes
from sanctions.extract.payment import parse_messages
from sanctions.monitor.customers import import_customers
from sanctions.sources.base import Publication
from sanctions.sources.custom_csv import parse_custom_csv
from sanctions.sources.detect import open_publication, plan_inputs
from sanctions.sources.eu_fsf import parse_eu_fsf_csv, parse_eu_fsf_xml
from sanctions.sources.eu_journal import parse_eu_journal
from sanctions.sources.ftm import parse_ftm, parse_senzing
from sanctions.sources.ofac.csv import parse_ofac_csv
from sanctions.sources.ofac.xml import parse_ofac_xml
from sanctions.sources.uk.fcdo import parse_uk_fcdo_csv, parse_uk_fcdo_xml
from sanctions.sources.uk.ofsi import parse_uk_ofsi
from sanctions.sources.un import parse_un_xml
from sanctions.sources.us_csl import parse_us_csl
from sanctions.store import Store


def _read(path: Path) -> Seed:
    return path.name, path.read_bytes()


def _head(path: Path, lines: int) -> Seed:
    return path.name, head_lines(path, lines, quoted=path.suffix == ".csv")


# -- lists ----------------------------------------------------------------------------------
MINI = ("ofac", "mini")


def _ofac_main_seeds() -> list[Seed]:
    return [
        _head(data_file("ofac", "sdn.csv"), 40),
        _head(data_file("ofac", "cons_prim.csv"), 20),
        _read(data_file(*MINI, "sdn.csv")),
    ]


def _ofac_main(folder: Path, seed: Seed) -> None:
    mini = data_file(*MINI)
    publication = parse_ofac_csv(
        write(folder, seed),
        add=mini / "add.csv",
        alt=mini / "alt.csv",
        comments=mini / "sdn_comments.csv",
    )
    consume(publication.entities)


def _ofac_side_seeds() -> list[Seed]:
    return [
        _head(data_file("ofac", "add.csv"), 40),
        _head(data_file("ofac", "alt.csv"), 40),
        _head(data_file("ofac", "sdn_comments.csv"), 4),
        _head(data_file("ofac", "cons_alt.csv"), 20),
    ]


def _ofac_side(folder: Path, seed: Seed) -> None:
    role = {"add": "add", "alt": "alt", "com": "comments"}[seed[0].split("_")[-1][:3]]
    path = write(folder, seed)
    main = data_file(*MINI, "sdn.csv")
    publication = parse_ofac_csv(
        main,
        add=path if role == "add" else None,
        alt=path if role == "alt" else None,
        comments=path if role == "comments" else None,
    )
    consume(publication.entities)


def _xml_seeds(*paths: Path) -> list[Seed]:
    return [(p.name, shrink_xml(p)) for p in paths]


def _eu_journal_seeds() -> list[Seed]:
    folder = data_file("eu", "journal_sanctions")
    return [_head(folder / f"{celex}.csv", 12) for celex in ("32014R0269", "32014R0833")] + [
        _head(folder / f"{celex}.csv", 6) for celex in ("32002R0881", "32011R0359")
    ]


def _parse(parser: Callable[..., Publication], **kwargs: str) -> Callable[[Path, Seed], None]:
    def run(folder: Path, seed: Seed) -> None:
        consume(parser(write(folder, seed), **kwargs).entities)

    return run


def _eu_journal(folder: Path, seed: Seed) -> None:
    consume(parse_eu_journal([write(folder, seed)]).entities)


def _all_list_seeds() -> list[Seed]:
    seeds: list[Seed] = []
    for target in LISTS:
        if target.name != "detect":
            seeds += target.seeds()
    return seeds


def _detect(folder: Path, seed: Seed) -> None:
    for inputs in plan_inputs(
        [write(folder, seed)], "custom-fuzz" if seed[0] == "watchlist.csv" else None
    ):
        consume(open_publication(inputs).entities)


LISTS = [
    Target("ofac-csv", "lists", _ofac_main_seeds, _ofac_main),
    Target("ofac-csv-side", "lists", _ofac_side_seeds, _ofac_side),
    Target(
        "ofac-xml",
        "lists",
        lambda: [
            _read(data_file("ofac", "sdn_xml_excerpt_2020-10-29.xml")),
            *_xml_seeds(fixture("ofac_xml", "sdn_sample.xml")),
        ],
        _parse(parse_ofac_xml),
    ),
    Target(
        "un-xml",
        "lists",
        lambda: _xml_seeds(
            data_file("un", "consolidated.xml"),
            data_file("un", "snapshots", "consolidated_2018-10-29.xml"),
        ),
        _parse(parse_un_xml),
    ),
    Target(
        "eu-fsf-xml",
        "lists",
        lambda: _xml_seeds(fixture("eu_fsf", "fsf_sample.xml")),
        _parse(parse_eu_fsf_xml),
    ),
    Target(
        "eu-fsf-csv",
        "lists",
        lambda: [_head(fixture("eu_fsf", "fsf_sample.csv"), 30)],
        _parse(parse_eu_fsf_csv),
    ),
    Target("eu-journal", "lists", _eu_journal_seeds, _eu_journal),
    Target(
        "uk-ofsi",
        "lists",
        lambda: [_head(data_file("uk", "ofsi_conlist_excerpt.csv"), 25)],
        _parse(parse_uk_ofsi),
    ),
    Target(
        "uk-fcdo-csv",
        "lists",
        lambda: [_read(fixture("uk_fcdo", "UK_Sanctions_List.csv"))],
        _parse(parse_uk_fcdo_csv),
    ),
    Target(
        "uk-fcdo-xml",
        "lists",
        lambda: [_read(fixture("uk_fcdo", "UK_Sanctions_List.xml"))],
        _parse(parse_uk_fcdo_xml),
    ),
    Target(
        "us-csl",
        "lists",
        lambda: [_head(data_file("us_csl", "csl.csv"), 30)],
        _parse(parse_us_csl),
    ),
    Target(
        "custom-csv",
        "lists",
        lambda: [_read(fixture("custom_csv", "watchlist.csv"))],
        _parse(parse_custom_csv, source="custom-fuzz"),
    ),
    Target(
        "ftm-json",
        "lists",
        lambda: [
            _read(data_file("opensanctions", "t1.entities.ftm.json")),
            _head(data_file("opensanctions", "zala.entities.ftm.json"), 25),
        ],
        _parse(parse_ftm),
    ),
    Target(
        "senzing-json",
        "lists",
        lambda: [_head(data_file("opensanctions", "us_congress_senzing.json"), 20)],
        _parse(parse_senzing),
    ),
]
LISTS.append(Target("detect", "lists", _all_list_seeds, _detect))


# -- customer imports and batch query files -------------------------------------------------
def _people(path: Path, rows: int) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [row for _, row in zip(range(rows), reader, strict=False)]


def _parquet(rows: list[list[str]]) -> bytes:
    header, *body = rows
    table = pa.table({name: [r[i] for r in body] for i, name in enumerate(header)})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _customer_rows() -> list[list[str]]:
    un = _people(data_file("pairs", "yente_positives_un_untreated.csv"), 15)
    us = _people(data_file("pairs", "yente_negatives_global.csv"), 15)
    rows = [["id", "name", "schema", "aliases", "birth_date", "country", "segment"]]
    for number, person in enumerate(un + us, start=1):
        rows.append(
            [
                f"C-{number}",
                person["full_name"],
                "Person",
                person["last_name"],
                person["date_of_birth"],
                person["nationality"],
                person["place_of_birth"],
            ]
        )
    return rows


def _customer_seeds() -> list[Seed]:
    rows = _customer_rows()
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) | {"aliases": [row[3]]} for row in rows[1:]]
    return [
        ("customers.csv", csv_text(rows)),
        ("customers.jsonl", json_lines(records)),
        ("customers.parquet", _parquet(rows)),
        _read(fixture("custom_csv", "watchlist.csv")),
    ]


def _customers(folder: Path, seed: Seed) -> None:
    with Store(":memory:") as store:
        import_customers(store, write(folder, seed))


def _query_seeds() -> list[Seed]:
    seeds: list[Seed] = []
    for name in ("yente_positives_un_treated.csv", "yente_negatives_global.csv"):
        text = head_lines(data_file("pairs", name), 25).decode("utf-8")
        text = text.replace("full_name,", "name,", 1).replace("nationality", "country", 1)
        seeds.append((name, text.encode()))
    rows = list(csv.reader(io.StringIO(seeds[0][1].decode())))
    seeds.append(("queries.parquet", _parquet(rows)))
    return seeds


def _queries(folder: Path, seed: Seed) -> None:
    consume(read_queries(write(folder, seed)))


CUSTOMERS = [Target("customers", "customers", _customer_seeds, _customers)]
BATCH = [Target("batch-queries", "batch", _query_seeds, _queries)]


# -- documents ------------------------------------------------------------------------------
LETTER = ("documents", "letter_karabakh_sanctions_2023.txt")


def _letter_lines() -> list[str]:
    return data_file(*LETTER).read_text("utf-8").splitlines()[:30]


def _document(folder: Path, seed: Seed) -> None:
    document_from_bytes(seed[1], seed[0])


def _text_seeds() -> list[Seed]:
    letter = data_file(*LETTER).read_bytes()
    return [
        ("letter.txt", letter[:3000]),
        ("letter-utf16.txt", letter[:1500].decode("utf-8", "ignore").encode("utf-16")),
        ("letter", letter[:1500]),
    ]


DOCUMENTS = [
    Target("document-text", "documents", _text_seeds, _document),
    Target(
        "document-html",
        "documents",
        lambda: [_read(fixture("documents", "invoice.html"))],
        _document,
    ),
    Target(
        "document-eml", "documents", lambda: [_read(fixture("documents", "message.eml"))], _document
    ),
    Target(
        "document-pdf",
        "documents",
        lambda: [("letter.pdf", make_pdf(_letter_lines()[:12]))],
        _document,
    ),
    Target(
        "document-docx",
        "documents",
        lambda: [("letter.docx", make_docx(_letter_lines()))],
        _document,
    ),
]


# -- payment messages -----------------------------------------------------------------------
def _payment_seeds(suffixes: tuple[str, ...]) -> list[Seed]:
    paths = sorted(data_file("payments").iterdir())
    paths += sorted(fixture("payments").iterdir()) + sorted(
        fixture("payments", "malformed").iterdir()
    )
    return [_read(p) for p in paths if p.is_file() and p.suffix in suffixes]


def _payment(folder: Path, seed: Seed) -> None:
    parse_messages(seed[1], seed[0])


PAYMENTS = [
    Target("payments-iso20022", "payments", lambda: _payment_seeds((".xml",)), _payment),
    Target("payments-mt", "payments", lambda: _payment_seeds((".rje", ".fin")), _payment),
]

ALL = LISTS + CUSTOMERS + BATCH + DOCUMENTS + PAYMENTS
FAMILIES = {
    "lists": LISTS,
    "customers": CUSTOMERS,
    "batch": BATCH,
    "documents": DOCUMENTS,
    "payments": PAYMENTS,
}
BY_NAME = {target.name: target for target in ALL}
