"""Filter validation: how well screening finds spelling variants of the listed names, and how
often it alerts on names that are on no list, across thresholds.

variants.py   spelling variants of real listed names, by category, with the entity each should hit
clean.py      clean names (Faker, many locales) and hard look-alikes of listed names
labelled.py   a user's own labelled CSV file
metrics.py    recall, false alerts per 1,000, Wilson intervals, the threshold sweep and rule
runner.py     `evaluate` and `evaluate_labelled`: generate or read, screen once, summarize
report.py     a self-contained HTML report to keep as validation evidence
"""

from .cases import CLEAN, LOOKALIKE, Case
from .metrics import Outcome, Rate, Summary, SweepPoint, summarize, wilson
from .runner import Evaluation, evaluate, evaluate_labelled, generate_cases, screen_cases
from .variants import CATEGORIES, generate_variants

__all__ = [
    "CATEGORIES",
    "CLEAN",
    "LOOKALIKE",
    "Case",
    "Evaluation",
    "Outcome",
    "Rate",
    "Summary",
    "SweepPoint",
    "evaluate",
    "evaluate_labelled",
    "generate_cases",
    "generate_variants",
    "screen_cases",
    "summarize",
    "wilson",
]
