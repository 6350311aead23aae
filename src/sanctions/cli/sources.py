"""The download commands: update (once or `--every`), sources (registered in `cli/__init__.py`)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import SanctionsError
from ..ingest.config import load_settings
from ..ingest.update import Listener, RunResult, run_every, run_update, select_sources
from ..settings import Settings, parse_duration
from ..sources.registry import SOURCES
from ..store import Store
from ..store.fetch_state import FetchState
from .common import (
    DbOption,
    JsonOption,
    db_path,
    err,
    handles_errors,
    open_store,
    out,
    print_json,
    refresh_index,
)
from .portfolio import deliver_webhooks, run_monitoring

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="SANCTIONS_CONFIG",
        help="TOML settings file (default: config.toml in the user config directory).",
        show_default=False,
    ),
]

_sleep = time.sleep  # tests swap it to run the --every loop without waiting


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


class _RichListener(Listener):
    """Draws one progress line on stderr: the file being fetched, then the entities loaded."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=None, detail="")

    def file_started(self, source: str, name: str, url: str) -> None:
        self.progress.update(self.task, description=f"{source}: fetching {name}", detail="")

    def file_progress(self, done: int, total: int | None) -> None:
        detail = _size(done) + (f" of {_size(total)}" if total else "")
        self.progress.update(self.task, detail=detail)

    def loading(self, source: str) -> None:
        self.progress.update(self.task, description=f"{source}: loading", detail="")

    def entities(self, count: int) -> None:
        if count % 500 == 0:
            self.progress.update(self.task, detail=f"{count:,} entities")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _print_run(result: RunResult) -> None:
    table = Table(title="Update", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False)
    numeric = {"version", "entities", "added", "removed", "changed"}
    for column in ("source", "status", "version", "entities", "added", "removed", "changed"):
        table.add_column(column, justify="right" if column in numeric else "left")
    table.add_column("fetched")

    def num(value: int | None) -> str:
        return "-" if value is None else f"{value:,}"

    for r in result.results:
        fetched = sum(f.status == "downloaded" for f in r.files)
        files = f"{fetched} of {len(r.files)}" if r.files else "-"
        style = {"failed": "bold red", "loaded": "green"}.get(r.status, "")
        table.add_row(
            r.source,
            f"[{style}]{r.status}[/]" if style else r.status,
            num(r.version),
            num(r.entities),
            num(r.added),
            num(r.removed),
            num(r.changed),
            files,
        )
    out.print(table)
    for r in result.results:
        for warning in r.warnings:
            err.print(f"[yellow]warning:[/] {r.source}: {escape(warning)}", highlight=False)
        if r.error:
            err.print(
                f"[bold red]error:[/] {r.source}: {escape(r.error)}",
                highlight=False,
                soft_wrap=True,
            )


@handles_errors
def update(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Sources to update (default: every enabled source with downloads).",
            show_default=False,
        ),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="INTERVAL",
            help="Keep running: update every INTERVAL (90s, 30m, 6h, 1d) until Ctrl-C, "
            "printing one summary line (or JSON line) per run.",
        ),
    ] = None,
    monitor: Annotated[
        bool,
        typer.Option("--monitor", help="Then run monitoring (a delta run) on the updated lists."),
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download the official lists and load each changed one as a new version.

    Files unchanged since the last fetch are not downloaded again (conditional GET).

    Every fetched file is kept in the archive beside the store (or SANCTIONS_ARCHIVE).

    Exit 0: every source was loaded or unchanged.

    Exit 1 (with --monitor): monitoring opened new alerts.

    Exit 2: a source failed (its previous version stays active), or bad usage.
    """
    settings = load_settings(config)
    interval = parse_duration(every) if every is not None else None
    infos = select_sources(sources, settings)
    with open_store(db) as store:
        archive_dir = settings.archive_dir(db_path(db))

        def once() -> RunResult:
            with _progress() as progress:
                listener = _RichListener(progress)
                result = run_update(
                    store, settings, infos, archive_dir=archive_dir, listener=listener
                )
            refresh_index(store)
            return result

        def after(result: RunResult) -> dict[str, Any] | None:
            """Stale-list notices, then (with --monitor) a monitoring run."""
            _notify_stale(store, settings)
            if not monitor:
                deliver_webhooks(db)
                return None
            return run_monitoring(db, full=False)

        if interval is None:
            result = once()
            monitored = after(result)
            if as_json:
                update_json = result.to_json()
                print_json(
                    {"update": update_json, "monitor": monitored} if monitor else update_json
                )
            else:
                _print_run(result)
                if monitored is not None:
                    out.print(_monitor_line(monitored), highlight=False)
            if not result.ok:
                raise typer.Exit(2)
            if monitored is not None and monitored["new_alerts"]:
                raise typer.Exit(1)
            return

        runs = 0

        def loop_once() -> None:
            nonlocal runs
            result = once()
            monitored = after(result)
            runs += 1
            if as_json:
                line = (
                    result.to_json()
                    if not monitor
                    else {"update": result.to_json(), "monitor": monitored}
                )
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                out.print(escape(result.summary()), highlight=False, soft_wrap=True)
                if monitored is not None:
                    out.print(_monitor_line(monitored), highlight=False)

        def on_error(exc: Exception) -> None:
            message = escape(" ".join(str(exc).split()) or type(exc).__name__)
            err.print(f"[bold red]error:[/] the run failed: {message}", highlight=False)

        try:
            run_every(interval, loop_once, sleep=_sleep, on_error=on_error)
        except KeyboardInterrupt:
            err.print(f"stopped after {runs} run(s); an unfinished update changed nothing")


def _notify_stale(store: Store, settings: Settings) -> None:
    """Queue `list.stale` events; a problem here is a warning, never a failed update."""
    from ..monitor.freshness import notify_stale

    try:
        for source in notify_stale(store, settings):
            err.print(f"[yellow]warning:[/] {source} is stale (see `sanctions sources`)")
    except SanctionsError as exc:
        err.print(f"[yellow]warning:[/] stale-list check failed: {escape(str(exc))}")


def _monitor_line(result: dict[str, Any]) -> str:
    return (
        f"monitoring run {result['run_id']} ({result['mode']}): {result['new_alerts']} new "
        f"alerts, {result['reopened']} reopened, {result['closed']} closed"
    )


def _source_rows(settings: Settings, db: str | Path | None) -> list[dict[str, Any]]:
    from ..monitor.freshness import cadence, list_ages

    with open_store(db) as store:
        active = {v.source: v for v in store.lists()}
        states = FetchState(store).sources()
        ages = {age.source: age for age in list_ages(store, settings)}
    rows = []
    for info in SOURCES.values():
        version, state = active.get(info.name), states.get(info.name)
        rows.append(
            {
                "name": info.name,
                "title": info.title,
                "publisher": info.publisher,
                "formats": list(info.formats),
                "enabled": bool(info.downloads)
                and settings.source(info.name, info.default).enabled,
                "downloads": [{"name": n, "url": u} for n, u in settings.downloads(info)],
                "active_version": version.version if version else None,
                "entities": version.entities if version else None,
                "loaded_at": version.loaded_at if version else None,
                "last_attempt": state.last_attempt if state else None,
                "last_success": state.last_success if state else None,
                "last_status": state.last_status if state else None,
                "last_error": state.last_error if state else None,
                "expected_every": cadence(settings, info.name),
                "age_seconds": ages[info.name].to_json()["age_seconds"]
                if info.name in ages
                else None,
                "stale": ages[info.name].stale if info.name in ages else False,
                "stale_since": ages[info.name].stale_since if info.name in ages else None,
            }
        )
    return rows


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


@handles_errors
def sources_command(
    config: ConfigOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Every known source: publisher, download URLs, formats, active version, last fetch."""
    rows = _source_rows(load_settings(config), db)
    if as_json:
        print_json(rows)
        return
    # One block per source: URLs are too long for table cells.
    for row in rows:
        state = "" if row["enabled"] else " [dim](not updated by default)[/]"
        out.print(f"[bold]{row['name']}[/]  {escape(row['title'])}{state}", highlight=False)
        out.print(f"  publisher: {escape(row['publisher'])}", highlight=False)
        active = (
            f"v{row['active_version']} ({row['entities']:,} entities, loaded {row['loaded_at']})"
            if row["active_version"]
            else "none"
        )
        out.print(f"  formats: {', '.join(row['formats'])}", highlight=False)
        out.print(f"  active: {active}", highlight=False)
        fetched = f"  last success: {row['last_success'] or 'never'}"
        if row["last_attempt"] and row["last_attempt"] != row["last_success"]:
            fetched += f"; last attempt: {row['last_attempt']}"
        out.print(fetched, highlight=False)
        if row["age_seconds"] is not None:
            expected = _age(row["expected_every"])
            age = f"  age: {_age(row['age_seconds'])} (expected every {expected})"
            if row["stale"]:
                age += f" [bold red]STALE[/] since {row['stale_since']}"
            out.print(age, highlight=False)
        if row["last_status"] == "failed":
            out.print(f"  [red]last error:[/] {escape(row['last_error'] or '')}", highlight=False)
        for download in row["downloads"] or [{"name": "", "url": "(no download; use load)"}]:
            out.print(f"  {escape(download['url'])}", highlight=False, soft_wrap=True)
        out.print()
