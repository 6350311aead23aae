"""The fast paths give exactly the scores of the reference scorer, on thousands of real pairs.

Screening skips the names that cannot reach the threshold (`compare_name_forms_above`),
memoizes token similarities and join tables, and fans batches out to forked workers. Each
must change nothing but the time: the queries are the yente benchmark's clean names and
typo-treated UN names (some with a birth date and nationality), against OFAC + UN.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sanctions.match import joins
from sanctions.match import names as scorer
from sanctions.match.names import compare_name_forms, compare_name_forms_above
from sanctions.screen import DEFAULT_THRESHOLD, Query, Screener, prepare_query
from sanctions.screen.screener import CANDIDATES

QUERIES_PER_FILE = 600


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["full_name"].strip()]
    return rows[:QUERIES_PER_FILE]


@pytest.fixture(scope="module")
def queries(data_dir: Path) -> list[Query]:
    pairs = data_dir / "pairs"
    out = []
    for name in ("yente_negatives_global.csv", "yente_positives_un_treated.csv"):
        for n, row in enumerate(_rows(pairs / name)):
            evidence = {}
            if n % 3 == 0:  # a third carry evidence, which moves the skipping floor
                evidence = {"birth_date": row["date_of_birth"] or None}
                evidence["country"] = row["nationality"] or None
            out.append(Query(row["full_name"], schema="Person" if n % 2 else None, **evidence))
    return out


def _pairs(screener: Screener, queries: list[Query]) -> list[tuple[object, object]]:
    out = []
    for query in queries:
        _, form = prepare_query(query)
        for names in screener.index.candidates([form], CANDIDATES).values():
            out.extend((form, name.form) for name in names)
    return out


def test_skipped_pairs_are_exactly_those_below_the_floor(
    eval_screener: Screener, queries: list[Query]
) -> None:
    pairs = _pairs(eval_screener, queries)
    assert len(pairs) > 5_000
    skipped = 0
    for query_form, listed_form in pairs:
        reference = compare_name_forms(query_form, listed_form)  # type: ignore[arg-type]
        for floor in (0.5, DEFAULT_THRESHOLD, 0.9):
            fast = compare_name_forms_above(query_form, listed_form, floor)  # type: ignore[arg-type]
            if fast is None:
                skipped += 1
                assert reference.score < floor
            else:
                assert fast == reference
    assert skipped > len(pairs)  # most pairs are hopeless at some floor: the skip is real


def test_memoized_token_similarities_change_no_score(
    eval_screener: Screener, queries: list[Query]
) -> None:
    pairs = _pairs(eval_screener, queries[::5])
    warm = [compare_name_forms(q, c).to_json() for q, c in pairs]  # type: ignore[arg-type]
    cold = []
    for query_form, listed_form in pairs:
        scorer._SIMILARITY_CACHE.clear()
        joins._join_table.cache_clear()
        cold.append(compare_name_forms(query_form, listed_form).to_json())  # type: ignore[arg-type]
    assert cold == warm


def test_screening_at_a_threshold_equals_the_unskipped_scores_cut_there(
    eval_screener: Screener, queries: list[Query]
) -> None:
    hits_seen = 0
    for query in queries:
        fast = eval_screener.screen(query, threshold=DEFAULT_THRESHOLD, limit=10)
        everything = eval_screener.screen(
            query, threshold=0.0, limit=500
        )  # more than CANDIDATES entities
        reference = [h for h in everything if h.score >= DEFAULT_THRESHOLD][:10]
        assert [h.to_json() for h in fast] == [h.to_json() for h in reference], query.name
        hits_seen += len(fast)
    assert hits_seen > 300


def test_two_workers_give_the_one_process_results(
    eval_screener: Screener, queries: list[Query]
) -> None:
    one = [eval_screener.screen(q) for q in queries]
    two = list(eval_screener.screen_many(queries, workers=2))
    assert [[h.to_json() for h in hits] for hits in two] == [
        [h.to_json() for h in hits] for hits in one
    ]
