"""Screening a whole portfolio on Spark: the same hits as local batch screening, on a cluster.

frame.py    the driver: the store's index shipped to the executors, a frame screened
worker.py   the executors: the index mapped once per process, Arrow batches screened
runtime.py  what Spark needs here (PySpark, Java) and a quiet local session

PySpark is imported only when a frame is screened or a session started: `import sanctions`
(and this package) works without it.
"""

from .frame import screen_dataframe, screen_frame, ship_index
from .runtime import local_session, missing, require
from .worker import HIT_FIELDS, OUTPUT_SCHEMA

__all__ = [
    "HIT_FIELDS",
    "OUTPUT_SCHEMA",
    "local_session",
    "missing",
    "require",
    "screen_dataframe",
    "screen_frame",
    "ship_index",
]
