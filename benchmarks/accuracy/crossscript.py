"""Section 5, the watchman pairs: cross-script name pairs with the score watchman's model is
expected to reach, and the pairs its 12 algorithms were compared on, each scored by ours."""

from __future__ import annotations

import math
from dataclasses import dataclass

from _common import PAIRS
from sanctions.match import compare_names

from .datasets import read_algorithm_comparison, read_cross_script
from .tables import md_escape, table


@dataclass(frozen=True, slots=True)
class CrossScript:
    script: str
    query: str
    expected: str
    min_score: float
    score: float


def cross_script(threshold: float) -> list[CrossScript]:
    rows = read_cross_script(PAIRS / "watchman_cross_script_pairs.csv")
    results = [CrossScript(script, q, e, m, compare_names(q, e).score) for script, q, e, m in rows]
    print("\n== 5. watchman cross-script pairs ==")
    print("\n".join(cross_script_table(results, threshold)))
    return results


def cross_script_table(results: list[CrossScript], threshold: float) -> list[str]:
    body = [
        [
            r.script,
            md_escape(f"{r.query} → {r.expected}"),
            f"{r.min_score:.2f}",
            f"{r.score:.3f}",
            "yes" if r.score >= threshold else "**no**",
        ]
        for r in results
    ]
    passed = sum(1 for r in results if r.score >= threshold)
    body.append(["all", "", "", "", f"{passed}/{len(results)}"])
    return table(["script", "pair", "watchman min", "ours", f"≥ {threshold}"], body, "llrrr")


@dataclass(frozen=True, slots=True)
class AlgoPair:
    query: str
    index: str
    note: str
    theirs: dict[str, float]
    score: float

    @property
    def expected(self) -> bool:
        return "false-positive" not in self.note


def algorithm_comparison(threshold: float) -> list[AlgoPair]:
    algos, rows = read_algorithm_comparison(PAIRS / "watchman_algorithm_comparison.csv")
    pairs = [
        AlgoPair(
            r["query"],
            r["index"],
            r["note"],
            {a: float(r[a]) for a in algos},
            compare_names(r["query"], r["index"]).score,
        )
        for r in rows
    ]
    print("\n== 5b. watchman algorithm comparison (their 12 algorithms vs ours) ==")
    header = ["query", "index", "note", "ours", "ok", *algos]
    body = [
        [p.query, p.index, p.note, f"{p.score:.3f}", algo_ok(p, threshold)]
        + [f"{p.theirs[a]:.3f}" for a in algos]
        for p in pairs
    ]
    print("\n".join(table(header, body, "lll" + "r" * (len(header) - 3))))
    return pairs


def algo_ok(pair: AlgoPair, threshold: float) -> str:
    ok = (pair.score >= threshold) == pair.expected
    return "yes" if ok else "**no**"


def algo_table(pairs: list[AlgoPair], threshold: float) -> list[str]:
    body = []
    for p in pairs:
        theirs = list(p.theirs.values())
        body.append(
            [
                md_escape(f"{p.query} / {p.index}"),
                md_escape(p.note) + ("" if p.expected else " (must not match)"),
                f"{p.score:.3f}",
                algo_ok(p, threshold),
                f"{p.theirs.get('jw', math.nan):.3f}",
                f"{min(theirs):.3f}–{max(theirs):.3f}",
            ]
        )
    ok = sum(1 for p in pairs if (p.score >= threshold) == p.expected)
    body.append(["all", "", "", f"{ok}/{len(pairs)}", "", ""])
    header = ["pair", "variation", "ours", "as expected", "their jw", "their 12 algos"]
    return table(header, body, "llrrrr")
