"""Batch screening: many queries from a CSV or Parquet file, streamed, on every core.

files.py   reading and writing rows (CSV with any common encoding, Parquet)
run.py     screening or comparing a whole file, with a summary of what could not be read
"""

from .run import (
    HIT_COLUMNS,
    MAX_KEPT_ERRORS,
    QUERY_COLUMNS,
    BatchSummary,
    CompareSummary,
    HitWriter,
    compare_file,
    inspect_queries,
    read_queries,
    screen_file,
)

__all__ = [
    "HIT_COLUMNS",
    "MAX_KEPT_ERRORS",
    "QUERY_COLUMNS",
    "BatchSummary",
    "CompareSummary",
    "HitWriter",
    "compare_file",
    "inspect_queries",
    "read_queries",
    "screen_file",
]
