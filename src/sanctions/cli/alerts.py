"""`sanctions alerts list|show|decide|approve|reject` (registered in `cli/__init__.py`).

In the CLI `--user` names the operator: shell access already implies access to the store.
Over the HTTP API the user comes from the API key."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import DbOption, JsonOption, handles_errors, open_store, out, print_json

alerts_app = typer.Typer(
    name="alerts", help="Review and decide monitoring alerts.", no_args_is_help=True
)

UserOption = Annotated[str, typer.Option("--user", help="The operator making the decision.")]


@alerts_app.command("list")
@handles_errors
def alerts_list(
    state: Annotated[
        list[str] | None,
        typer.Option(
            "--state",
            help="open, escalated, pending_approval, false_positive, true_match, closed "
            "(repeatable).",
        ),
    ] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="One customer's.")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="One entity's.")] = None,
    source: Annotated[str | None, typer.Option("--list", help="One list's.")] = None,
    min_score: Annotated[
        float | None, typer.Option("--min-score", min=0.0, max=1.0, help="Score at least.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most alerts to show.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Alerts, oldest first, filtered by state, customer, entity, list or score."""
    from ..monitor.alerts import query_alerts

    with open_store(db) as store:
        page = query_alerts(
            store,
            states=state or [],
            customer_id=customer,
            entity_id=entity,
            source=source,
            min_score=min_score,
            limit=limit,
            offset=offset,
        )
    if as_json:
        print_json(page)
        return
    table = Table("alert", "state", "score", "customer", "customer name", "entity", "matched")
    for a in page["alerts"]:
        table.add_row(
            str(a["id"]),
            a["state"] + (f" ({a['closed_reason']})" if a.get("closed_reason") else ""),
            f"{a['score']:.3f}",
            a["customer_id"],
            escape(a["customer_name"] or ""),
            a["entity_id"],
            escape(a["matched_name"] or ""),
        )
    out.print(table)
    out.print(f"{page['total']:,} alerts match", highlight=False)


@alerts_app.command("show")
@handles_errors
def alerts_show(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """An alert: both sides, the explanation, and its decision history."""
    from ..monitor.decisions import alert_detail

    with open_store(db) as store:
        alert = alert_detail(store, alert_id)
    if as_json:
        print_json(alert)
        return
    out.print(
        f"[bold]alert {alert['id']}[/]: {alert['state']}"
        + (f" ({alert['closed_reason']})" if alert["closed_reason"] else ""),
        highlight=False,
    )
    out.print(
        f"  customer {alert['customer_id']} (revision {alert['customer_revision']}): "
        f"{escape(alert['customer_name'] or '')}",
        highlight=False,
    )
    out.print(
        f"  entity {alert['entity_id']} ({alert['list_source']} v{alert['list_version']}): "
        f"{escape(alert['matched_name'] or '')}",
        highlight=False,
    )
    explanation = alert["explanation"]
    out.print(f"  score {alert['score']:.3f}: {explanation.get('features', {})}", highlight=False)
    for note in explanation.get("notes", []):
        out.print(f"    {escape(note)}", highlight=False)
    if alert["pending"]:
        p = alert["pending"]
        out.print(
            f"  pending: {p['decision']} proposed by {p['user']} at {p['at']}: "
            f"{escape(p['reason'])}",
            highlight=False,
        )
    for e in alert["events"]:
        why = f": {escape(e['reason'])}" if e["reason"] else ""
        out.print(f"  {e['at']}  {e['user']}  {e['action']} -> {e['to_state']}{why}")


@alerts_app.command("decide")
@handles_errors
def alerts_decide(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
    decision: Annotated[
        str, typer.Option("--decision", help="false_positive, true_match or escalate.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    user: UserOption,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Decide an alert. Decisions the four-eyes policy names (default: true_match; see
    SANCTIONS_FOUR_EYES) go to pending_approval until a different user approves."""
    from ..monitor.decisions import alert_detail, decide

    with open_store(db) as store:
        alert = decide(store, alert_id, decision, reason=reason, user=user)
        detail = alert_detail(store, alert.id)
    _print_state(detail, as_json)


@alerts_app.command("approve")
@handles_errors
def alerts_approve(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
    user: UserOption,
    reason: Annotated[str | None, typer.Option("--reason", help="A note (optional).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a pending decision; the user who proposed it is refused."""
    from ..monitor.decisions import alert_detail, approve

    with open_store(db) as store:
        alert = approve(store, alert_id, user=user, reason=reason)
        detail = alert_detail(store, alert.id)
    _print_state(detail, as_json)


@alerts_app.command("reject")
@handles_errors
def alerts_reject(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    user: UserOption,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send a pending decision back to the state it was proposed from."""
    from ..monitor.decisions import alert_detail, reject

    with open_store(db) as store:
        alert = reject(store, alert_id, user=user, reason=reason)
        detail = alert_detail(store, alert.id)
    _print_state(detail, as_json)


def _print_state(detail: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(detail)
    else:
        out.print(f"alert {detail['id']}: {detail['state']}", highlight=False)
