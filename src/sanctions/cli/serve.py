"""`sanctions serve` (the HTTP API under uvicorn) and `sanctions keys` (its API keys)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..settings import ApiSettings, MiB
from .common import (
    DbOption,
    JsonOption,
    db_file,
    db_path,
    err,
    handles_errors,
    open_store,
    out,
    print_json,
)

# The defaults `serve` shows are the API settings' own.
_API = ApiSettings(Path("sanctions.db"))

keys_app = typer.Typer(
    name="keys",
    help="Create, revoke and list the API keys of `sanctions serve`.",
    no_args_is_help=True,
)


@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; each holds its own index.")
    ] = 1,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Serve without API keys (local use only).")
    ] = False,
    reload_every: Annotated[
        float,
        typer.Option(min=0, help="Seconds between checks for newer list versions (0: never)."),
    ] = _API.reload_every,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", min=0.001, help="Largest JSON request body, MiB.")
    ] = _API.max_body_bytes / MiB,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=0.001, help="Largest batch upload, MiB.")
    ] = _API.max_upload_bytes / MiB,
    batch_dir: Annotated[
        Path | None,
        typer.Option(
            "--batch-dir",
            file_okay=False,
            help="Folder for batch job uploads and results [default: <store>-batches beside "
            "the store; env SANCTIONS_API_BATCH_DIR].",
            show_default=False,
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (screening, yente /match, batches, lists). See docs/api.md."""
    import uvicorn

    location = db_path(db)
    file = db_file(db)
    if file is not None and not file.exists():
        raise UsageError(f"{file}: no store here; load lists first with `sanctions load`")
    path = file if file is not None else location
    settings = ApiSettings(
        db=path,
        no_auth=no_auth,
        reload_every=reload_every,
        max_body_bytes=int(max_body_mb * MiB),
        max_upload_bytes=int(max_upload_mb * MiB),
        batch_dir=batch_dir
        or ApiSettings.from_env({**os.environ, "SANCTIONS_DB": str(path)}).batch_dir,
    )
    # Settings travel by environment so that every worker process builds the same app.
    os.environ.update(settings.to_env())
    if no_auth:
        err.print("[yellow]warning:[/] serving without API keys (--no-auth)")
    uvicorn.run(
        "sanctions.api.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # Per-request access lines cost more than a screening; errors are still logged, and
        # /metrics counts every request.
        access_log=False,
        server_header=False,  # no software banner in every response
        # uvicorn's 5 s default closes a kept-alive connection while a busy event loop has
        # not yet read the request waiting on it (the client sees a reset); load balancers
        # idle connections out well before 30 s.
        timeout_keep_alive=30,
    )


@keys_app.command("create")
@handles_errors
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    user: Annotated[
        str | None,
        typer.Option(help="The user the key acts as [default: a user named like the key]."),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            help="Role of the user created with the key: viewer, analyst, approver, admin "
            "[default: viewer]."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API key and print it once: only a salted hash of it is stored."""
    from ..auth import create_key, list_keys

    with open_store(db) as store:
        key = create_key(store, name, user=user, role=role, actor="cli")
        info = next(k for k in list_keys(store) if k.name == name)
    if as_json:
        print_json({"name": name, "key": key, "user": info.user, "role": info.role})
    else:
        out.print(key, highlight=False, soft_wrap=True)
        err.print(f"API key {name!r} created; it is shown only this once.")


@keys_app.command("revoke")
@handles_errors
def keys_revoke(
    name: Annotated[str, typer.Argument(help="The key's name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke an API key: every server on this store refuses it from now on."""
    from ..auth import revoke_key

    with open_store(db) as store:
        info = revoke_key(store, name)
    if as_json:
        print_json(info.to_json())
    else:
        out.print(f"revoked {name!r} ({info.revoked_at})", highlight=False)


@keys_app.command("list")
@handles_errors
def keys_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """API keys by name: id prefix, created, revoked. Never the keys themselves."""
    from rich.table import Table

    from ..auth import list_keys

    with open_store(db) as store:
        keys = list_keys(store)
    if as_json:
        print_json([k.to_json() for k in keys])
        return
    table = Table("name", "user", "role", "key id", "created", "revoked")
    for k in keys:
        table.add_row(k.name, k.user, k.role, f"sk_{k.key_id}_…", k.created_at, k.revoked_at or "")
    out.print(table)
