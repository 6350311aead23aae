"""The `sanctions` command: parses arguments, calls the store or the screener, prints results.

No logic lives here beyond presentation. Errors raised on purpose (`SanctionsError`) become a
one-line message on stderr and exit code 2; screening commands exit 1 when they find hits.
Commands live in `lists` (loading and browsing list versions), `sources` (downloading:
update, sources), `screening` (screen, compare), `scanning` (scan, scan-payment),
`evaluate` (filter validation), `serve`
(serve, keys), `portfolio` (customers, monitor, report), `alerts`, `admin` (audit, users)
and `webhooks`; this module only assembles them into one app.

`main` imports only the module of the command being run: a cold `sanctions screen` must not
pay for the HTTP client, the loaders and the API. `app` (for tests and embedding) has them
all.
"""

from __future__ import annotations

import gc
import sys
from importlib import import_module
from typing import Any

import typer

# Command -> (module, attribute, whether it is a group of subcommands), in help order.
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "load": ("lists", "load", False),
    "lists": ("lists", "lists_command", False),
    "changes": ("lists", "changes", False),
    "show": ("lists", "show", False),
    "export": ("lists", "export", False),
    "update": ("sources", "update", False),
    "sources": ("sources", "sources_command", False),
    "screen": ("screening", "screen", False),
    "compare": ("screening", "compare", False),
    "scan": ("scanning", "scan", False),
    "scan-payment": ("scanning", "scan_payment", False),
    "evaluate": ("evaluate", "evaluate", False),
    "serve": ("serve", "serve", False),
    "keys": ("serve", "keys_app", True),
    "customers": ("portfolio", "customers_app", True),
    "monitor": ("portfolio", "monitor", False),
    "alerts": ("alerts", "alerts_app", True),
    "report": ("portfolio", "report_app", True),
    "audit": ("admin", "audit_app", True),
    "users": ("admin", "users_app", True),
    "webhooks": ("webhooks", "webhooks_app", True),
    "spark": ("spark", "spark_app", True),
}

HELP = (
    "Load official sanctions lists, keep every version, see what changed, and screen "
    "names against them."
)


def build_app(only: str | None = None) -> typer.Typer:
    """The command-line app with every command, or with `only` that one."""
    app = typer.Typer(
        name="sanctions",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def root() -> None:
        # A group callback keeps a one-command app a group: `sanctions screen NAME`.
        pass

    root.__doc__ = HELP
    for name, (module, attribute, group) in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(import_module(f".{module}", __name__), attribute)
        if group:
            app.add_typer(target)
        else:
            app.command(name)(target)
    return app


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        build_app(command if command in COMMANDS else None)()
    finally:
        # The process is about to end: spare the collector a last walk over every cached
        # name and token (over a second after a large batch); the OS reclaims the memory.
        gc.freeze()


def __getattr__(name: str) -> Any:
    if name == "app":
        app = globals()["app"] = build_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "app", "build_app", "main"]
