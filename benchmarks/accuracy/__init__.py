"""Name-matching and screening accuracy on the labelled data, side by side with baselines.

    cd benchmarks && python -m accuracy [--threshold T] [--write ../docs/benchmarks.md] [--quick]

Sections (all data from ../shared/data/pairs, see its README):

1. nomenklatura name-bench pairs scored with `compare_names`: P/R/F1 at the threshold, best F1,
   ROC AUC, by case group and quality; next to nomenklatura's frozen logic-v2 scores and two
   rapidfuzz baselines (WRatio, Jaro-Winkler).
2. yente UN positives (untreated and treated) screened against every real list: recall of
   the UN entity whose name is the untreated query.
3. yente synthetic negatives (global, US): false alerts per 1,000 names.
4. US Congress PEPs (not sanctioned): false alerts per 1,000 names.
5. watchman cross-script pairs and algorithm-comparison pairs.
6. nomenklatura entity-bench checks, names only.

Everything is printed; `--write` also replaces this benchmark's section of a markdown file.
`--quick` samples 5,000 names from each negatives file (seeded); the default is the full run.
"""

# Run-wide settings, shared by the runners and the report.
# --write finds its section in docs/benchmarks.md by this exact heading.
HEADING = "## Accuracy (`benchmarks/accuracy/`, `python -m accuracy`)"
REFERENCE_THRESHOLD = 0.85  # where the baselines' F1 is also quoted (they have no default)
QUICK_SAMPLE = 5_000  # names sampled from each negatives file with --quick
LIMIT = 10  # hits asked of the screener per query
WORST = 15  # errors printed per list
TRUTH_SOURCE = "un-sc"  # the list whose entities are the yente positives' truth
