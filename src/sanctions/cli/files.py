"""What the commands that work through files share (`screen --batch`, `compare --pairs`):
the threshold and output options, a progress bar, a summary table and row-error reporting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from ..batch import BatchSummary, CompareSummary
from ..errors import UsageError
from .common import err, out

ThresholdOption = Annotated[
    float,
    typer.Option(min=0.0, max=1.0, help="Scores at or above this are hits (0 to 1)."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="File to write (.csv, or .parquet/.pq).", dir_okay=False),
]
# Refresh the progress bar at most this often (seconds): a redraw per row would cost more
# than screening a row.
PROGRESS_INTERVAL = 0.1


def check_output(output: Path) -> None:
    """Fail before the work starts, not after it, when the output cannot be written."""
    if not output.parent.is_dir():
        raise UsageError(f"{output}: folder {output.parent} does not exist")


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, fed by the returned callback with the rows done so far."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        # No refresh thread: batch workers are forked from this process, and forking a
        # process with threads can deadlock the children.
        auto_refresh=False,
    )
    task = progress.add_task(label, total=total or None, rate="")
    started = last = time.perf_counter()

    def on_progress(done: int) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= PROGRESS_INTERVAL:
            last = now
            rate = f"{done / (now - started):,.0f} rows/s"
            progress.update(task, completed=done, rate=rate, refresh=True)

    with progress:
        yield on_progress


def summary_grid(rows: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(justify="right", overflow="fold")  # fold long paths, never truncate them
    for label, value in rows:
        grid.add_row(label, Text(value))
    return grid


def print_row_errors(path: Path, summary: BatchSummary | CompareSummary) -> None:
    for row, message in summary.errors:
        out.print(Text(f"  {path} row {row}: {message}"), soft_wrap=True)
    if summary.error_count > len(summary.errors):
        out.print(f"  … and {summary.error_count - len(summary.errors):,} more (see --json)")


def exit_on_row_errors(summary: BatchSummary | CompareSummary) -> None:
    """Exit 2 when rows could not be processed: an unscreened row is not a clean one."""
    if summary.error_count:
        rows = "row" if summary.error_count == 1 else "rows"
        err.print(
            f"[bold red]error:[/] {summary.error_count:,} {rows} could not be processed "
            "(listed with the summary)",
            highlight=False,
        )
        raise typer.Exit(2)
