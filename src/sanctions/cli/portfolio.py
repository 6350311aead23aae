"""The portfolio commands: `customers import|list|show`, `monitor`, `report customer`
(registered in `cli/__init__.py`). The logic lives in `sanctions.monitor`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import RowsError
from ..settings import DEFAULT_THRESHOLD
from .common import DbOption, JsonOption, err, handles_errors, open_store, out, print_json

customers_app = typer.Typer(
    name="customers", help="Import and browse the customer portfolio.", no_args_is_help=True
)
report_app = typer.Typer(
    name="report", help="Evidence reports for examiners.", no_args_is_help=True
)

UserOption = Annotated[
    str, typer.Option("--user", help="Who runs the command, for the audit trail.")
]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@customers_app.command("import")
@handles_errors
def customers_import(
    file: Annotated[Path, typer.Argument(help="CSV, JSON Lines (.jsonl) or Parquet file.")],
    delete_missing: Annotated[
        bool,
        typer.Option(
            "--delete-missing",
            help="Mark customers absent from the file as removed; their open alerts close.",
        ),
    ] = False,
    user: UserOption = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Upsert customers by id: a changed row becomes a new revision; a file with any bad
    row is refused whole, with every problem by line and field.

    Exit 0: imported. Exit 2: bad rows or bad usage (nothing was imported).
    """
    from ..monitor.customers import count_rows, import_customers

    with open_store(db) as store:
        try:
            with _progress() as progress:
                task = progress.add_task(f"importing {file.name}", total=count_rows(file))
                result = import_customers(
                    store,
                    file,
                    delete_missing=delete_missing,
                    user=user,
                    progress=lambda n: progress.advance(task, n),
                )
        except RowsError as exc:
            if as_json:
                print_json({"error": str(exc), "problems": exc.problems, "total": exc.total})
            else:
                for problem in exc.problems:
                    err.print(
                        f"{file}:{problem['line']}: {problem['field']}: "
                        f"{escape(problem['message'])}",
                        highlight=False,
                    )
            raise
    if as_json:
        print_json(result.to_json())
        return
    out.print(
        f"{file.name}: {result.rows:,} rows; {result.added:,} added, {result.revised:,} revised, "
        f"{result.unchanged:,} unchanged, {result.removed:,} removed"
        + (f"; {result.alerts_closed} alerts closed" if result.alerts_closed else ""),
        highlight=False,
    )


@customers_app.command("list")
@handles_errors
def customers_list(
    removed: Annotated[bool, typer.Option("--removed", help="Include removed customers.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Most customers to show.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Customers by id with their current revision."""
    from ..store import customers

    with open_store(db) as store:
        rows = customers.listing(store.db, include_removed=removed, limit=limit, offset=offset)
        counts = customers.count(store.db)
    if as_json:
        print_json({"customers": [r.to_json() for r in rows], **counts})
        return
    table = Table("id", "name", "schema", "revision", "screened", "removed")
    for row in rows:
        screened = "yes" if row.screened_revision == row.revision else "no"
        table.add_row(
            row.id,
            escape(row.data["name"]),
            row.data["schema"],
            str(row.revision),
            screened,
            row.removed_at or "",
        )
    out.print(table)
    err.print(f"{counts['active']:,} current customers ({counts['unscreened']:,} unscreened)")


@customers_app.command("show")
@handles_errors
def customers_show(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A customer's revisions, alerts and last screening."""
    from ..monitor.report import customer_summary

    with open_store(db) as store:
        summary = customer_summary(store, customer_id)
    if as_json:
        print_json(summary)
        return
    customer = summary["customer"]
    out.print(f"[bold]{escape(customer['name'])}[/] ({customer['id']}, {customer['schema']})")
    for revision in summary["revisions"]:
        out.print(f"  revision {revision['revision']} ({revision['created_at']})", highlight=False)
    last = summary["last_screening"]
    out.print(
        f"  last screening: run {last['run_id']} ({last['finished_at']})"
        if last
        else "  never screened",
        highlight=False,
    )
    _print_alerts(summary["alerts"])


def _print_alerts(alerts: list[dict[str, Any]]) -> None:
    if not alerts:
        out.print("  no alerts")
        return
    table = Table("alert", "state", "score", "customer name", "entity", "matched name")
    for a in alerts:
        table.add_row(
            str(a["id"]),
            a["state"] + (f" ({a['closed_reason']})" if a.get("closed_reason") else ""),
            f"{a['score']:.3f}",
            escape(a["customer_name"] or ""),
            a["entity_id"],
            escape(a["matched_name"] or ""),
        )
    out.print(table)


@handles_errors
def monitor(
    full: Annotated[
        bool, typer.Option("--full", help="Re-screen every customer against every entity.")
    ] = False,
    threshold: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Score at which a pair alerts (a change: full run)."),
    ] = DEFAULT_THRESHOLD,
    user: UserOption = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen the portfolio against the active lists and open alerts for new hits.

    The first run is full; later runs are delta runs (new and revised customers, changed
    entities, delisted entities) unless --full.

    Exit 0: no new alert. Exit 1: new alerts were opened. Exit 2: error.
    """
    result = run_monitoring(db, full=full, threshold=threshold, user=user)
    if as_json:
        print_json({k: v for k, v in result.items() if k != "alert_ids"})
    else:
        out.print(
            f"run {result['run_id']} ({result['mode']}): {result['customers_screened']:,} "
            f"customers, {result['entities_screened']:,} entities screened; "
            f"{result['new_alerts']} new alerts, {result['reopened']} reopened, "
            f"{result['closed']} closed, {result['suppressed']} suppressed "
            f"in {result['seconds']:.1f} s",
            highlight=False,
        )
    if result["new_alerts"]:
        raise typer.Exit(1)


def run_monitoring(
    db: str | Path | None, *, full: bool, threshold: float = DEFAULT_THRESHOLD, user: str = "cli"
) -> dict[str, Any]:
    """One monitoring run with a progress bar on stderr (also used by `update --monitor`)."""
    from ..monitor.run import run_monitor

    with open_store(db) as store, _progress() as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, advance: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            if advance:
                progress.advance(tasks[stage], advance)

        result = run_monitor(store, full=full, threshold=threshold, user=user, progress=report)
    deliver_webhooks(db)
    return result.to_json()


def deliver_webhooks(db: str | Path | None) -> None:
    """Send queued webhook deliveries; a receiver's trouble is a warning, never a failure."""
    from ..monitor.webhooks import deliver_due

    try:
        with open_store(db) as store:
            report = deliver_due(store)
    except Exception as exc:  # delivery must never fail the command
        err.print(f"[yellow]warning:[/] webhook delivery: {escape(str(exc))}")
        return
    if report.failed:
        err.print(
            f"[yellow]warning:[/] {report.failed} webhook deliveries failed; "
            f"{report.pending} pending (see `sanctions webhooks log`)"
        )


@report_app.command("customer")
@handles_errors
def report_customer(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everything an examiner asks about one customer: revisions, every run that screened
    it with the list versions then active, alerts with scores, explanations and decisions."""
    from ..monitor.report import customer_report

    with open_store(db) as store:
        report = customer_report(store, customer_id)
    if as_json:
        print_json(report)
        return
    customer = report["customer"]
    out.print(f"[bold]Evidence report: {escape(customer['name'])}[/] ({customer['id']})")
    out.print(f"generated {report['generated_at']}", highlight=False)
    out.print("\n[bold]Revisions[/]")
    for revision in report["revisions"]:
        data = {k: v for k, v in revision["data"].items() if k != "id"}
        out.print(
            f"  {revision['revision']}  {revision['created_at']}  {escape(str(data))}",
            highlight=False,
        )
    out.print("\n[bold]Screenings[/]")
    for run in report["screenings"]:
        versions = ", ".join(f"{s} v{v}" for s, v in sorted(run["list_versions"].items()))
        out.print(
            f"  run {run['run_id']} {run['mode']} {run['finished_at']}: {run['scope']}; "
            f"lists {versions}; threshold {run['threshold']}",
            highlight=False,
        )
    out.print("\n[bold]Alerts[/]")
    for alert in report["alerts"]:
        out.print(
            f"  alert {alert['id']}: {alert['entity_id']} ({escape(alert['matched_name'] or '')})"
            f" score {alert['score']:.3f}, {alert['state']}",
            highlight=False,
        )
        for event in alert["events"]:
            why = f": {escape(event['reason'])}" if event["reason"] else ""
            out.print(
                f"    {event['at']}  {event['user']}  {event['action']} -> {event['to_state']}"
                + why,
                highlight=False,
            )
    audit = report["audit"]
    out.print(
        "\naudit trail: " + ("intact" if audit["ok"] else f"BROKEN: {audit['problem']}"),
        highlight=False,
    )
