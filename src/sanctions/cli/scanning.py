"""`sanctions scan FILE...` (documents: listed names and sanctioned places in free text) and
`sanctions scan-payment FILE...` (ISO 20022 and SWIFT MT messages: a hold/pass verdict per
message). Exit 0: nothing found / every message passes; 1: something found / a message held;
2: a file could not be read (its messages get no verdict at all)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import SanctionsError
from ..settings import DEFAULT_THRESHOLD
from .common import DbOption, JsonOption, err, handles_errors, out, parse_lists, print_json
from .files import ThresholdOption
from .screening import load_screener

FilesArgument = Annotated[
    list[Path], typer.Argument(help="Files to scan.", exists=False, dir_okay=False)
]
ListsOption = Annotated[
    str | None, typer.Option(help="Only these sources, comma-separated [default: all].")
]


def _report_errors(errors: list[tuple[Path, SanctionsError]]) -> None:
    for path, exc in errors:
        message = " ".join(str(exc).splitlines())
        where = "" if str(path) in message else f"{path}: "
        err.print(f"[bold red]error:[/] {escape(where + message)}", highlight=False)


@handles_errors
def scan(
    files: FilesArgument,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    lists: ListsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Scan documents (text in any encoding, HTML, PDF, DOCX, .eml) for listed names and
    sanctioned places. Exit 1 when anything is found."""
    from ..extract.document import read_document
    from ..extract.scan import TextScanner

    screener = load_screener(db, parse_lists(lists))
    scanner = TextScanner(screener, threshold=threshold)
    results: list[dict[str, Any]] = []
    errors: list[tuple[Path, SanctionsError]] = []
    found = False
    for path in files:
        try:
            scanned = scanner.scan(read_document(path))
        except SanctionsError as exc:
            errors.append((path, exc))
            continue
        found = found or bool(scanned.findings)
        results.append(scanned.to_json())
    if as_json:
        print_json({"threshold": threshold, "lists": screener.versions, "documents": results})
    else:
        for result in results:
            _print_document(result)
    _report_errors(errors)
    if errors:
        raise typer.Exit(2)
    if found:
        raise typer.Exit(1)


def _print_document(result: dict[str, Any]) -> None:
    hits, regions = result["hits"], result["regions"]
    title = f"{result['source']} ({result['format']}, {result['characters']:,} characters)"
    if not hits and not regions:
        out.print(f"{escape(title)}: nothing found", highlight=False)
        return
    table = Table("score", "entity", "matched text", "page", "context", title=escape(title))
    for hit in hits:
        table.add_row(
            f"{hit['score']:.2f}",
            escape(f"{hit['entity_id']} {hit['caption']}"),
            escape(hit["matched_text"]),
            str(hit["page"]),
            escape(hit["snippet"]),
        )
    for place in regions:
        programs = ", ".join(place["programs"])
        table.add_row(
            "place",
            escape(f"{place['region']} {place['name']} ({programs})"),
            escape(place["matched_text"]),
            str(place["page"]),
            escape(place["snippet"]),
        )
    out.print(table)


@handles_errors
def scan_payment(
    files: FilesArgument,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    lists: ListsOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen payment messages (ISO 20022 pacs.008/pacs.009/pain.001, SWIFT MT103/MT202/
    MT202COV): every party, bank, place and free-text field. A verdict per message: hold or
    pass. Exit 1 when any message is held."""
    from ..extract.payment import read_messages
    from ..extract.verdict import PaymentScreener

    screener = load_screener(db, parse_lists(lists))
    payments = PaymentScreener(screener, threshold=threshold)
    results: list[dict[str, Any]] = []
    errors: list[tuple[Path, SanctionsError]] = []
    for path in files:
        try:
            messages = read_messages(path)
        except SanctionsError as exc:
            errors.append((path, exc))
            continue
        results.extend(payments.verdict(message).to_json() for message in messages)
    held = sum(1 for r in results if r["verdict"] == "hold")
    if as_json:
        summary = {"messages": len(results), "held": held, "unreadable_files": len(errors)}
        print_json(
            {"threshold": threshold, "lists": screener.versions, **summary, "results": results}
        )
    else:
        _print_payments(results)
    _report_errors(errors)
    if errors:
        raise typer.Exit(2)
    if held:
        raise typer.Exit(1)


def _print_payments(results: list[dict[str, Any]]) -> None:
    if not results:
        out.print("no message was read", highlight=False)
        return
    table = Table("verdict", "message", "type", "reference", "parties", "findings")
    for r in results:
        verdict = "[bold red]HOLD[/]" if r["verdict"] == "hold" else "[green]pass[/]"
        lines = []
        for f in r["findings"]:
            target = f["entity_id"] or f["region"] or ""
            lines.append(
                f"{f['path']} {f['value']!r} -> {target} {f['caption'] or ''} ({f['score']:.2f})"
            )
        table.add_row(
            verdict,
            escape(f"{Path(r['source']).name} #{r['index'] + 1} ({r['position']})"),
            escape(r["kind"]),
            escape(r["reference"] or ""),
            str(r["parties"]),
            escape("\n".join(lines)),
        )
    out.print(table)
    held = sum(1 for r in results if r["verdict"] == "hold")
    out.print(f"{len(results):,} messages, {held:,} held", highlight=False)
