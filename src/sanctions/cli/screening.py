"""The screening commands: `screen` (one name, or a file with --batch) and `compare`.

Exit codes follow DESIGN.md: 1 when screening found hits (so scripts can gate on it), 0 when
it found none, 2 for usage or input errors. A batch whose rows could not all be screened
exits 2 unless it found hits: an unscreened row must never pass as a clean one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from ..errors import UsageError
from ..screen import (
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    Hit,
    Query,
    Screener,
    check_lists,
    check_options,
    compare_pair,
    prepare_query,
)
from .common import (
    DbOption,
    JsonOption,
    db_file,
    db_path,
    err,
    handles_errors,
    open_store,
    out,
    parse_lists,
    print_json,
)
from .files import (
    OutputOption,
    ThresholdOption,
    check_output,
    exit_on_row_errors,
    print_row_errors,
    progress_bar,
    summary_grid,
)
from .render import comparison_panel, hit_panel, hits_table

if TYPE_CHECKING:
    from ..batch import BatchSummary


# -- screen ---------------------------------------------------------------------------------
@handles_errors
def screen(
    name: Annotated[
        str | None, typer.Argument(help="The name to screen.", show_default=False)
    ] = None,
    schema: Annotated[
        str | None,
        typer.Option(help="Person, Organization, Company, LegalEntity, Vessel or Airplane."),
    ] = None,
    birth_date: Annotated[
        str | None, typer.Option("--birth-date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Country name or ISO code.")] = None,
    id_number: Annotated[
        str | None, typer.Option("--id", help="Passport, IMO or registration number.")
    ] = None,
    gender: Annotated[str | None, typer.Option(help="male or female.")] = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="Most hits per name.")] = DEFAULT_LIMIT,
    lists: Annotated[
        str | None, typer.Option(help="Only these sources, comma-separated [default: all].")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show aligned tokens and feature contributions.")
    ] = False,
    batch: Annotated[
        Path | None,
        typer.Option(help="Screen every row of this CSV or Parquet file.", dir_okay=False),
    ] = None,
    output: OutputOption = None,
    workers: Annotated[
        int, typer.Option(min=-1, help="Batch worker processes (-1: every core).")
    ] = -1,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen NAME against the loaded lists, or a whole file with --batch. Exit 1 on hits."""
    sources = parse_lists(lists)
    fields: dict[str, object] = {"--schema": schema, "--birth-date": birth_date}
    fields["--country"] = country
    fields |= {"--id": id_number, "--gender": gender, "--explain": explain or None}
    if batch is None:
        if name is None:
            raise UsageError("give a NAME to screen, or --batch FILE with --output FILE")
        _only_with("--batch", {"--output": output, "--workers": workers != -1 or None})
        query = Query(name, schema, birth_date, country, gender, id_number)
        _screen_name(query, db, sources, threshold, limit, explain, as_json)
        return
    if name is not None:
        raise UsageError("give either a NAME or --batch FILE, not both")
    _only_with("a NAME", fields)
    if output is None:
        raise UsageError("--batch needs --output FILE for the hits")
    if workers == 0:
        raise UsageError("--workers: use 1 or more, or -1 for every core")
    _screen_file(batch, output, db, sources, threshold, limit, workers, as_json)


def _only_with(what: str, given: dict[str, Any]) -> None:
    if used := [option for option, value in given.items() if value is not None]:
        raise UsageError(f"{', '.join(used)} only apply with {what}")


def _screen_name(
    query: Query,
    db: str | Path | None,
    sources: list[str] | None,
    threshold: float,
    limit: int,
    explain: bool,
    as_json: bool,
) -> None:
    # A bad field or option fails here, before the slow index build.
    check_options(threshold, limit)
    check_lists(sources)
    clean, _ = prepare_query(query)
    screener = load_screener(db, sources)
    hits = screener.screen(query, threshold=threshold, limit=limit)
    if as_json:
        print_json(
            {
                "query": _query_json(clean),
                "threshold": threshold,
                "lists": screener.versions,
                "hits": [hit.to_json() for hit in hits],
            }
        )
    else:
        _print_hits(clean.name, hits, threshold, screener, explain)
    if hits:
        raise typer.Exit(1)


def _query_json(query: Query) -> dict[str, str | None]:
    return {
        "name": query.name,
        "schema": query.schema,
        "birth_date": query.birth_date,
        "country": query.country,
        "gender": query.gender,
        "id_number": query.id_number,
    }


def _print_hits(
    name: str, hits: list[Hit], threshold: float, screener: Screener, explain: bool
) -> None:
    screened = f"{len(screener.index):,} entities in {_versions(screener)}"
    if not hits:
        out.print(Text(f"No hits for {name!r} at threshold {threshold:.2f} ({screened})."))
        return
    title = f"{len(hits)} hit{'s' if len(hits) > 1 else ''} for {name!r}"
    caption = f"threshold {threshold:.2f}; screened {screened}"
    out.print(hits_table(hits, Text(title), Text(caption)))
    if explain:
        for hit in hits:
            out.print(hit_panel(hit))


def _versions(screener: Screener) -> str:
    return ", ".join(f"{source} v{version}" for source, version in screener.versions.items())


# -- the index, built once per process and store state --------------------------------------
_SCREENERS: dict[tuple[object, ...], Screener] = {}


def load_screener(db: str | Path | None, sources: Sequence[str] | None) -> Screener:
    """A screener over the store's active lists, with a spinner while the index builds.

    Building takes seconds, so a process that runs several commands (tests, a notebook
    embedding the app) reuses the last index while the active versions' checksums match.
    """
    with open_store(db) as store:
        versions = store.lists()
        if not versions:
            raise UsageError("no lists loaded; run sanctions load first")
        state = tuple((v.source, v.version, v.sha256) for v in versions)
        file = db_file(db)
        where = str(file.resolve()) if file is not None else db_path(db)
        key = (where, tuple(sources or ()), state)
        if (cached := _SCREENERS.get(key)) is not None:
            return cached
        with err.status("building index", spinner="dots"):
            screener = Screener.from_store(store, sources=sources)
    _SCREENERS.clear()  # keep one index: they are large
    _SCREENERS[key] = screener
    return screener


# -- screen --batch -------------------------------------------------------------------------
def _screen_file(
    batch: Path,
    output: Path,
    db: str | Path | None,
    sources: list[str] | None,
    threshold: float,
    limit: int,
    workers: int,
    as_json: bool,
) -> None:
    from ..batch import inspect_queries
    from ..batch import screen_file as screen_batch_file

    # Input header and output folder are checked before the index is opened.
    total = inspect_queries(batch)
    check_output(output)
    screener = load_screener(db, sources)
    with progress_bar("screening", total) as on_progress:
        summary = screen_batch_file(
            screener,
            batch,
            output,
            threshold=threshold,
            limit=limit,
            workers=workers,
            on_progress=on_progress,
        )
    if as_json:
        print_json(
            {
                "input": str(batch),
                "output": str(output),
                "threshold": threshold,
                "lists": screener.versions,
                **summary.to_json(),
            }
        )
    else:
        _print_batch_summary(batch, output, summary, _versions(screener))
    if summary.hit_rows:
        raise typer.Exit(1)
    exit_on_row_errors(summary)


def _print_batch_summary(batch: Path, output: Path, summary: BatchSummary, lists: str) -> None:
    out.print(
        summary_grid(
            [
                ("rows", f"{summary.rows:,}"),
                ("queries with hits", f"{summary.queries_with_hits:,}"),
                ("hit rows written", f"{summary.hit_rows:,}"),
                ("rows with errors", f"{summary.error_count:,}"),
                ("elapsed", f"{summary.elapsed:,.1f} s"),
                ("names/s", f"{summary.rows_per_second:,.0f}"),
                ("lists", lists),
                ("output", str(output)),
            ]
        )
    )
    print_row_errors(batch, summary)


# -- compare --------------------------------------------------------------------------------
@handles_errors
def compare(
    name_a: Annotated[str | None, typer.Argument(help="First name.", show_default=False)] = None,
    name_b: Annotated[str | None, typer.Argument(help="Second name.", show_default=False)] = None,
    schema: Annotated[
        str | None, typer.Option(help="Schema both names belong to (e.g. Person, Company).")
    ] = None,
    pairs: Annotated[
        Path | None,
        typer.Option(help="Score every name1,name2[,schema] row of this file.", dir_okay=False),
    ] = None,
    output: OutputOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    as_json: JsonOption = False,
) -> None:
    """Score two names as screening would, and explain the score (calibration; exit 0)."""
    if pairs is None:
        if name_a is None or name_b is None:
            raise UsageError("give two names to compare, or --pairs FILE with --output FILE")
        _only_with("--pairs", {"--output": output})
        _compare_names(name_a, name_b, schema, threshold, as_json)
        return
    if name_a is not None:
        raise UsageError("give either two names or --pairs FILE, not both")
    _only_with("two names", {"--schema": schema})
    if output is None:
        raise UsageError("--pairs needs --output FILE for the scores")
    _compare_file(pairs, output, threshold, as_json)


def _compare_names(
    name_a: str, name_b: str, schema: str | None, threshold: float, as_json: bool
) -> None:
    comparison = compare_pair(name_a, name_b, schema)
    # The verdict uses the unrounded score, as `compare --pairs` and screening do.
    result = {**comparison.to_json(), "threshold": threshold}
    result["match"] = comparison.score >= threshold
    if as_json:
        print_json(result)
    else:
        out.print(comparison_panel(result))


def _compare_file(pairs: Path, output: Path, threshold: float, as_json: bool) -> None:
    from ..batch import compare_file
    from ..batch.files import estimate_rows

    check_output(output)
    with progress_bar("comparing", estimate_rows(pairs)) as on_progress:
        summary = compare_file(pairs, output, threshold=threshold, on_progress=on_progress)
    if as_json:
        print_json(
            {"input": str(pairs), "output": str(output), "threshold": threshold} | summary.to_json()
        )
    else:
        out.print(
            summary_grid(
                [
                    ("rows", f"{summary.rows:,}"),
                    (f"matches (≥ {threshold:.2f})", f"{summary.matches:,}"),
                    ("rows with errors", f"{summary.error_count:,}"),
                    ("elapsed", f"{summary.elapsed:,.1f} s"),
                    ("output", str(output)),
                ]
            )
        )
        print_row_errors(pairs, summary)
    exit_on_row_errors(summary)
