"""What every command shares: the store option, JSON output, consoles and error handling.

Results go to stdout (`out`); progress, warnings and errors go to stderr (`err`), so
`sanctions ... --json | jq` stays clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import SanctionsError, UsageError, exit_code_of
from ..settings import store_file, store_location
from ..store import Store

# soft_wrap: a line naming a file and line number must stay one line in a narrow
# terminal or a log, so scripts can grep it; tables still fit the width.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLite file (or sqlite:///path), or a PostgreSQL URL "
        "postgresql://user@host:port/db [default: env SANCTIONS_DB, else a file in the "
        "user data directory].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def db_path(db: str | Path | None) -> str:
    """The store location `--db` (or SANCTIONS_DB, or the default) names."""
    return store_location(db)


def db_file(db: str | Path | None) -> Path | None:
    """The store's SQLite file; None when the store is a PostgreSQL database."""
    return store_file(db_path(db))


def parse_lists(lists: str | None) -> list[str] | None:
    """`--lists a,b`: source names, or None when the option was not given."""
    if lists is None:
        return None
    names = [part.strip() for part in lists.split(",") if part.strip()]
    if not names:
        raise UsageError("--lists: give source names separated by commas, e.g. ofac-sdn,un-sc")
    return names


@contextmanager
def open_store(db: str | Path | None) -> Iterator[Store]:
    store = Store(db_path(db))
    try:
        yield store
    finally:
        store.close()


def refresh_index(store: Store) -> None:
    """Bring the screening index beside the store up to date after lists changed, so the
    next `screen` (or server worker) maps it instead of building it. A PostgreSQL store
    has no index file (each process builds its own): nothing to do."""
    if store.file is None:
        return
    from ..screen.persistent import open_index  # numpy and the analysis: only when needed

    with err.status("updating the screening index"):
        open_index(store)


def handles_errors(func: F) -> F:
    """Turn our errors into one line on stderr and their exit code (2), never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SanctionsError as exc:
            # Messages quote user input: escape Rich markup ("[b]") and keep it to one line.
            message = escape(" ".join(str(exc).splitlines()))
            err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            raise typer.Exit(exit_code_of(exc)) from None
        except KeyboardInterrupt:
            err.print("interrupted; nothing was changed by the unfinished step")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
