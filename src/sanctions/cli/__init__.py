"""The `sanctions` command: parses arguments, calls the store or the screener, prints results.

No logic lives here beyond presentation. Errors raised on purpose (`SanctionsError`) become a
one-line message on stderr and exit code 2; screening commands exit 1 when they find hits.
Commands live in `lists` (loading and browsing list versions), `sources` (downloading:
update, sources), `screening` (screen, compare), `serve` (serve, keys), `portfolio`
(customers, monitor, report), `alerts`, `admin` (audit, users) and `webhooks`; this module only
assembles them into one app.
"""

from __future__ import annotations

import typer

from . import admin, alerts, lists, portfolio, screening, serve, sources, webhooks

app = typer.Typer(
    name="sanctions",
    help="Load official sanctions lists, keep every version, see what changed, and screen "
    "names against them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command()(lists.load)
app.command("lists")(lists.lists_command)
app.command()(lists.changes)
app.command()(lists.show)
app.command()(lists.export)
app.command()(sources.update)
app.command("sources")(sources.sources_command)
app.command()(screening.screen)
app.command()(screening.compare)
app.command()(serve.serve)
app.add_typer(serve.keys_app)
app.add_typer(portfolio.customers_app)
app.command()(portfolio.monitor)
app.add_typer(alerts.alerts_app)
app.add_typer(portfolio.report_app)
app.add_typer(admin.audit_app)
app.add_typer(admin.users_app)
app.add_typer(webhooks.webhooks_app)


def main() -> None:
    app()


__all__ = ["app", "main"]
