"""`sanctions audit verify|export` and `sanctions users create|list|disable` (registered in
`cli/__init__.py`)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import DbOption, JsonOption, err, handles_errors, open_store, out, print_json

audit_app = typer.Typer(
    name="audit", help="Verify and export the tamper-evident audit trail.", no_args_is_help=True
)
users_app = typer.Typer(
    name="users", help="Users and their roles (API keys act as a user).", no_args_is_help=True
)


@audit_app.command("verify")
@handles_errors
def audit_verify(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check every entry's hash and its link to the previous one.

    Exit 0: the chain is intact. Exit 1: it is not; the first entry that fails is named.
    """
    from ..store import audit

    with open_store(db) as store:
        result = audit.verify(store.db)
    if as_json:
        print_json(result.to_json())
    elif result.ok:
        out.print(f"audit trail intact: {result.entries:,} entries verified", highlight=False)
    else:
        err.print(
            f"[bold red]audit trail broken at entry {result.first_bad}:[/] {result.problem} "
            f"({result.entries:,} entries verified before it)",
            highlight=False,
        )
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("export")
@handles_errors
def audit_export(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Entries at or after this date or time (ISO 8601)."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Audit entries in order: a JSON array with --json, else one JSON object per line."""
    from ..store import audit

    if since is not None:
        since = audit.normalize_since(since)
    with open_store(db) as store:
        entries = audit.entries(store.db, since)
        if as_json:
            print_json([e.to_json() for e in entries])
            return
        for entry in entries:
            sys.stdout.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")


@users_app.command("create")
@handles_errors
def users_create(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    role: Annotated[str, typer.Option("--role", help="viewer, analyst, approver or admin.")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read a web UI password from standard input (first line); without it the "
            "user has API keys only until `users passwd`.",
        ),
    ] = False,
    actor: Annotated[str, typer.Option("--user", help="Who creates it (audit).")] = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a user; give it API keys with `sanctions keys create NAME --user USER`."""
    from ..auth import check_password, create_user, set_password

    password = check_password(_read_password()) if password_stdin else None
    with open_store(db) as store:
        user = create_user(store, name, role, actor=actor)
        if password is not None:
            user = set_password(store, name, password, actor=actor)
    if as_json:
        print_json(user.to_json())
    else:
        out.print(f"user {user.name!r} created with role {user.role}", highlight=False)


def _read_password() -> str:
    """The first line of standard input, without its line end (never echoed or logged)."""
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


@users_app.command("passwd")
@handles_errors
def users_passwd(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the new password from standard input."),
    ] = False,
    actor: Annotated[str, typer.Option("--user", help="Who sets it (audit).")] = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a user's web UI password; the user's open sessions end."""
    from ..auth import set_password
    from ..errors import UsageError

    if not password_stdin:
        raise UsageError("give the password on standard input with --password-stdin")
    password = _read_password()
    with open_store(db) as store:
        user = set_password(store, name, password, actor=actor)
    if as_json:
        print_json(user.to_json())
    else:
        out.print(f"password of {user.name!r} set", highlight=False)


@users_app.command("list")
@handles_errors
def users_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Users with their role and state."""
    from ..auth import list_users

    with open_store(db) as store:
        users = list_users(store)
    if as_json:
        print_json([u.to_json() for u in users])
        return
    table = Table("name", "role", "created", "disabled")
    for u in users:
        table.add_row(escape(u.name), u.role, u.created_at, u.disabled_at or "")
    out.print(table)


@users_app.command("disable")
@handles_errors
def users_disable(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    actor: Annotated[str, typer.Option("--user", help="Who disables it (audit).")] = "cli",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Disable a user: its API keys stop working at once."""
    from ..auth import disable_user

    with open_store(db) as store:
        user = disable_user(store, name, actor=actor)
    if as_json:
        print_json(user.to_json())
    else:
        out.print(f"user {user.name!r} disabled ({user.disabled_at})", highlight=False)
