"""The list commands: load, lists, changes, show, export (registered in `cli/__init__.py`)."""

from __future__ import annotations

import json
import os
import sys
from itertools import chain
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..ingest.load import load_paths
from ..sources.detect import InputSet
from .common import (
    DbOption,
    JsonOption,
    err,
    handles_errors,
    open_store,
    out,
    print_json,
    refresh_index,
)
from .render import entity_card


@handles_errors
def load(
    paths: Annotated[list[Path], typer.Argument(help="List files, or folders holding them.")],
    source: Annotated[
        str | None,
        typer.Option(
            help="Source name (see `sanctions sources`; custom-NAME for your own list); "
            "detected if omitted."
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load one publication per source found in PATHS as a new list version."""
    with (
        open_store(db) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,} entities"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("reading", total=None)

        def on_start(inputs: InputSet) -> None:
            progress.update(task, description=f"loading {inputs.source}", completed=0)

        results = load_paths(
            store,
            paths,
            source=source,
            on_start=on_start,
            on_entity=lambda n: progress.update(task, completed=n),
        )
        progress.stop()
        refresh_index(store)
    if as_json:
        print_json([result.to_json() for result in results])
        return
    table = Table(title="Loaded")
    for column in (
        "source",
        "status",
        "version",
        "published",
        "entities",
        "added",
        "removed",
        "changed",
    ):
        table.add_column(
            column,
            justify="right" if column in {"entities", "added", "removed", "changed"} else "left",
        )
    for result in results:
        v = result.version
        table.add_row(
            v.source,
            result.status,
            str(v.version),
            v.published or "-",
            f"{v.entities:,}",
            f"{v.added:,}",
            f"{v.removed:,}",
            f"{v.changed:,}",
        )
    out.print(table)
    for result in results:
        if result.status == "loaded":
            for warning in result.version.warnings:
                err.print(
                    f"[yellow]warning:[/] {result.version.source}: {warning}", highlight=False
                )


@handles_errors
def lists_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every source with its active version, publication date and entity counts."""
    with open_store(db) as store:
        versions = store.lists()
    if as_json:
        print_json([v.to_json() for v in versions])
        return
    if not versions:
        out.print("No lists loaded yet. Try: sanctions load PATH")
        return
    table = Table(title="Active lists")
    for column in ("source", "version", "published", "loaded at", "entities", "by schema"):
        table.add_column(column)
    for v in versions:
        schemas = ", ".join(f"{k} {n:,}" for k, n in v.schemas.items())
        table.add_row(
            v.source, str(v.version), v.published or "-", v.loaded_at, f"{v.entities:,}", schemas
        )
    out.print(table)


@handles_errors
def changes(
    source: Annotated[str, typer.Argument(help="Source name, e.g. ofac-sdn.")],
    from_version: Annotated[
        int | None, typer.Option("--from", help="Older version number.")
    ] = None,
    to_version: Annotated[int | None, typer.Option("--to", help="Newer version number.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities added, removed and changed between two versions (default: the last two)."""
    with open_store(db) as store:
        diff = store.changes(source, from_version, to_version)
    if as_json:
        print_json(diff.to_json())
        return
    base = f"version {diff.from_version}" if diff.from_version else "nothing"
    out.print(
        f"[bold]{source}[/]: {base} → version {diff.to_version}: "
        f"{len(diff.added):,} added, {len(diff.removed):,} removed, {len(diff.changed):,} changed"
    )
    for label, ids in (("added", diff.added), ("removed", diff.removed)):
        if ids:
            shown = ", ".join(ids[:20]) + (
                f" … and {len(ids) - 20:,} more" if len(ids) > 20 else ""
            )
            out.print(f"  {label}: {shown}", highlight=False)
    for change in diff.changed[:20]:
        out.print(f"  changed: {change['id']} ({', '.join(change['properties'])})", highlight=False)
    if len(diff.changed) > 20:
        out.print(f"  … and {len(diff.changed) - 20:,} more changed (use --json for all)")


@handles_errors
def show(
    entity_id: Annotated[
        str, typer.Argument(help="Entity id, e.g. ofac-sdn:23252 or un-sc:QDi.001.")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One listed entity, as FtM-style JSON or a readable card."""
    with open_store(db) as store:
        entity = store.entity(entity_id)
    if as_json:
        print_json(entity.to_ftm())
        return
    out.print(entity_card(entity))


@handles_errors
def export(
    source: Annotated[str, typer.Argument(help="Source name, e.g. un-sc.")],
    format: Annotated[
        str, typer.Option("--format", help="Output format: ftm (JSON lines).")
    ] = "ftm",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")
    ] = None,
    db: DbOption = None,
) -> None:
    """The active version of a source as FollowTheMoney JSON lines."""
    if format != "ftm":
        raise typer.BadParameter(
            f"unknown format {format!r}; supported: ftm", param_hint="--format"
        )
    with open_store(db) as store:
        entities = store.iter_entities(source)
        first = next(entities, None)  # raises NotFound before any output is written
        handle = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for entity in chain([first], entities) if first else ():
                for line in entity.ftm_lines():  # the entity, then its Sanction
                    handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        finally:
            if output:
                handle.close()
