"""`sanctions webhooks add|list|remove|deliver|log` (registered in `cli/__init__.py`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import UsageError
from .common import DbOption, JsonOption, handles_errors, open_store, out, print_json

webhooks_app = typer.Typer(
    name="webhooks",
    help="Signed webhook deliveries of alerts, runs and stale lists.",
    no_args_is_help=True,
)


@webhooks_app.command("add")
@handles_errors
def webhooks_add(
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the POSTs.")],
    events: Annotated[
        str,
        typer.Option(
            "--events",
            help="Comma-separated: alert.opened, alert.reopened, alert.decided, "
            "run.finished, list.stale.",
        ),
    ],
    secret_stdin: Annotated[
        bool,
        typer.Option("--secret-stdin", help="Read the signing secret from stdin (required)."),
    ] = False,
    user: Annotated[str, typer.Option("--user", help="Who adds it (audit).")] = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Subscribe a URL; deliveries are signed with HMAC-SHA256 using the secret."""
    from ..monitor.webhooks import add_webhook

    if not secret_stdin:
        raise UsageError("pass the signing secret on stdin with --secret-stdin")
    secret = sys.stdin.read().strip()
    with open_store(db) as store:
        hook = add_webhook(store, url, events, secret, actor=user)
    if as_json:
        print_json(hook.to_json())
    else:
        out.print(f"webhook {hook.id}: {escape(hook.url)} ({', '.join(hook.events)})")


@webhooks_app.command("list")
@handles_errors
def webhooks_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Active webhooks (never their secrets)."""
    from ..monitor.webhooks import list_webhooks

    with open_store(db) as store:
        hooks = list_webhooks(store)
    if as_json:
        print_json([h.to_json() for h in hooks])
        return
    table = Table("id", "url", "events", "created")
    for h in hooks:
        table.add_row(str(h.id), escape(h.url), ", ".join(h.events), h.created_at)
    out.print(table)


@webhooks_app.command("remove")
@handles_errors
def webhooks_remove(
    webhook_id: Annotated[int, typer.Argument(help="The webhook's id.")],
    user: Annotated[str, typer.Option("--user", help="Who removes it (audit).")] = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stop deliveries to a webhook (kept in the delivery log)."""
    from ..monitor.webhooks import remove_webhook

    with open_store(db) as store:
        hook = remove_webhook(store, webhook_id, actor=user)
    if as_json:
        print_json(hook.to_json())
    else:
        out.print(f"webhook {hook.id} removed", highlight=False)


@webhooks_app.command("deliver")
@handles_errors
def webhooks_deliver(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Send the deliveries that are due now (runs do this too when they finish)."""
    from ..monitor.webhooks import deliver_due

    with open_store(db) as store:
        report = deliver_due(store, budget=60.0)
    if as_json:
        print_json(report.to_json())
    else:
        out.print(
            f"{report.sent} delivered, {report.failed} failed, {report.pending} pending",
            highlight=False,
        )


@webhooks_app.command("log")
@handles_errors
def webhooks_log(
    limit: Annotated[int, typer.Option(min=1, help="Most recent deliveries.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The delivery log, newest first: status, attempts, last answer."""
    from ..monitor.webhooks import delivery_log

    with open_store(db) as store:
        log = delivery_log(store, limit)
    if as_json:
        print_json([d.to_json() for d in log])
        return
    table = Table("id", "webhook", "event", "status", "attempts", "last", "next attempt")
    for d in log:
        last = str(d.last_status or "") + (f" {d.last_error}" if d.last_error else "")
        table.add_row(
            str(d.id),
            str(d.webhook_id),
            d.event,
            d.status,
            str(d.attempts),
            escape(last),
            d.next_attempt_at or "",
        )
    out.print(table)
