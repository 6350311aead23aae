"""The runner's numbers on hand-checked cases, and labelled files good and bad."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sanctions.errors import ParseError
from sanctions.evaluate import CLEAN, LOOKALIKE, Case, Outcome, evaluate_labelled, summarize, wilson
from sanctions.evaluate.runner import outcome_of
from sanctions.model import Entity, NameKind
from sanctions.screen import Hit, Screener


def _outcome(category: str, expected: float | None, best: float, listed: bool = True) -> Outcome:
    case = Case("x", category, "e:1" if listed else None)
    return Outcome(case, expected, best, "e:1" if best else None)


def test_metrics_of_a_hand_checked_case() -> None:
    outcomes = [
        _outcome("typo", 0.90, 0.90),
        _outcome("typo", 0.70, 0.95),  # found only at 0.70 and below
        _outcome("vessel", None, 0.80),  # expected entity never among the hits
        _outcome("vessel", 0.99, 0.99),
        *[_outcome(CLEAN, None, 0.0, listed=False) for _ in range(8)],
        _outcome(CLEAN, None, 0.75, listed=False),
        _outcome(CLEAN, None, 0.62, listed=False),
        _outcome(LOOKALIKE, None, 0.85, listed=False),
        _outcome(LOOKALIKE, None, 0.0, listed=False),
    ]
    s = summarize(outcomes, 0.73, sweep=[0.60, 0.70, 0.80, 0.90])
    assert [(r.label, r.k, r.n) for r in s.categories] == [("typo", 1, 2), ("vessel", 1, 2)]
    assert (s.recall.k, s.recall.n) == (2, 4)
    assert (s.clean.k, s.clean.n, s.clean.value) == (1, 10, 100.0)
    assert (s.lookalike.k, s.lookalike.n, s.lookalike.value) == (1, 2, 500.0)
    points = {p.threshold: p for p in s.sweep}
    assert points[0.60].recall == 0.75 and points[0.60].clean_per_1000 == 200.0
    assert points[0.70].recall == 0.75 and points[0.70].clean_per_1000 == 100.0
    assert points[0.80].recall == 0.5 and points[0.80].clean_per_1000 == 0.0
    assert points[0.80].lookalike_per_1000 == 500.0 and points[0.90].lookalike_per_1000 == 0.0
    # Highest recall with at most 3 clean alerts per 1,000: 0.80 and 0.90 tie at 0.5.
    assert s.best_threshold == 0.90


def test_wilson_interval() -> None:
    low, high = wilson(5, 100)
    assert math.isclose(low, 0.02154, abs_tol=1e-4) and math.isclose(high, 0.11175, abs_tol=1e-4)
    assert wilson(0, 10)[0] == 0.0


def test_outcome_keeps_the_expected_and_the_best_score() -> None:
    def hit(entity_id: str, score: float) -> Hit:
        return Hit(entity_id, "Person", "c", score, "q", f"name {entity_id}", "primary", [])

    result = outcome_of(Case("q", "typo", "e:2"), [hit("e:1", 0.9), hit("e:2", 0.8)])
    assert (result.expected_score, result.best_score, result.best_entity) == (0.8, 0.9, "e:1")


@pytest.fixture(scope="module")
def small() -> Screener:
    gertler = Entity("test:1", "Person", datasets=["test"])
    gertler.add_name("GERTLER, Dan", NameKind.PRIMARY)
    bank = Entity("test:2", "Organization", datasets=["test"])
    bank.add_name("BANCO NACIONAL DE CUBA", NameKind.PRIMARY)
    return Screener.from_entities([gertler, bank])


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_labelled_file_on_a_small_index(small: Screener, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "labelled.csv",
        "name,expected,schema,category\n"
        "Dan Gertler,test:1,Person,mine\n"
        "Banco Nacional de Cuba,test:2,,\n"
        "Zebulon Quackenbush,,Person,\n"
        "Dan Gertler,,Person,lookalike\n",
    )
    evaluation = evaluate_labelled(small, path, 0.73)
    s = evaluation.summary
    assert [(r.label, r.k, r.n) for r in s.categories] == [("mine", 1, 1), ("labelled", 1, 1)]
    assert (s.clean.k, s.clean.n) == (0, 1)
    assert (s.lookalike.k, s.lookalike.n) == (1, 1)  # the same name, labelled as not a match
    assert evaluation.to_json()["source"] == str(path)


@pytest.mark.parametrize(
    ("body", "line", "field"),
    [
        ("name,expected\nDan Gertler,test:1\n,test:1\n", 3, "name"),
        ("name,expected\nDan Gertler,test:9\n", 2, "expected"),
        ("name,expected,schema\nDan Gertler,test:1,Martian\n", 2, "schema"),
        ("name,schema\nDan Gertler,Person\n", 1, "expected"),
    ],
)
def test_a_bad_labelled_row_names_file_line_and_field(
    small: Screener, tmp_path: Path, body: str, line: int, field: str
) -> None:
    path = _write(tmp_path / "bad.csv", body)
    with pytest.raises(ParseError) as caught:
        evaluate_labelled(small, path, 0.73)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)
    assert f"{path}:{line}" in str(caught.value) and f"field {field}" in str(caught.value)
