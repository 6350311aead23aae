"""Name pairs scored with `compare_names` against their labels: section 1, the nomenklatura name
bench (next to logic-v2's frozen scores and two rapidfuzz baselines), and section 6, the
entity-bench checks reduced to names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from _common import PAIRS
from sanctions.match import compare_names

from . import REFERENCE_THRESHOLD, WORST
from .datasets import LogicV2, NameCase, read_entity_checks, read_logic_v2, read_name_cases
from .metrics import Summary, best_f1, confusion, roc_auc, summarize
from .tables import fmt, table


def our_scores(pairs: Iterable[tuple[str, str, str | None]]) -> list[float]:
    return [compare_names(a, b, schema).score for a, b, schema in pairs]


def wratio(a: str, b: str) -> float:
    return fuzz.WRatio(a.casefold(), b.casefold()) / 100


def jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a.casefold(), b.casefold())


@dataclass(frozen=True, slots=True)
class ScorerRow:
    name: str
    n: int
    summary: Summary


def logic_v2_summary(lv2: LogicV2) -> Summary:
    f1, t = best_f1(lv2.scores, lv2.labels)
    auc = roc_auc(lv2.scores, lv2.labels)
    return Summary(confusion(lv2.labels, lv2.predicted), "its own", f1, t, auc)


@dataclass(frozen=True, slots=True)
class NameBench:
    cases: list[NameCase]
    ours: list[float]
    scorers: list[ScorerRow]
    slices: list[tuple[str, Summary]]
    lv2_implied: str
    lv2_label_diffs: int
    lv2_unmatched: int


def name_bench(threshold: float, default_label: str) -> NameBench:
    cases = read_name_cases(PAIRS / "nomenklatura_name_bench_cases.csv")
    labels = [c.match for c in cases]
    ours = our_scores((c.name1, c.name2, c.schema) for c in cases)
    lv2 = read_logic_v2(PAIRS / "nomenklatura_name_bench_logicv2_scores.csv")
    ours_lv2 = our_scores((a, b, schema) for schema, a, b in lv2.keys)
    ref = f"{REFERENCE_THRESHOLD} (ref.)"
    scorers = [
        ScorerRow("ours", len(cases), summarize(ours, labels, threshold, default_label)),
        ScorerRow(
            "ours, on logic-v2's rows and labels",
            len(lv2.keys),
            summarize(ours_lv2, lv2.labels, threshold, default_label),
        ),
        ScorerRow("nomenklatura logic-v2 (frozen)", len(lv2.keys), logic_v2_summary(lv2)),
    ]
    for name, fn in (("rapidfuzz WRatio", wratio), ("rapidfuzz Jaro-Winkler", jaro_winkler)):
        scores = [fn(c.name1, c.name2) for c in cases]
        summary = summarize(scores, labels, REFERENCE_THRESHOLD, ref)
        scorers.append(ScorerRow(name, len(cases), summary))
    by_key = {(c.schema, c.name1, c.name2): c.match for c in cases}
    shared = [(k, y) for k, y in zip(lv2.keys, lv2.labels, strict=True) if k in by_key]
    return NameBench(
        cases=cases,
        ours=ours,
        scorers=scorers,
        slices=name_slices(cases, ours, threshold, default_label),
        lv2_implied=lv2.implied,
        lv2_label_diffs=sum(1 for k, y in shared if by_key[k] != y),
        lv2_unmatched=len(lv2.keys) - len(shared),
    )


def name_slices(
    cases: list[NameCase], scores: list[float], threshold: float, label: str
) -> list[tuple[str, Summary]]:
    slices: list[tuple[str, Summary]] = []
    for title, key in (
        ("group", lambda c: c.group),
        ("quality", lambda c: c.quality),
        ("schema", lambda c: c.schema),
    ):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, case in enumerate(cases):
            groups[key(case)].append(i)
        for value in sorted(groups):
            idx = groups[value]
            sub_scores = [scores[i] for i in idx]
            sub_labels = [cases[i].match for i in idx]
            slices.append(
                (f"{title}: {value}", summarize(sub_scores, sub_labels, threshold, label))
            )
    return slices


def print_name_bench(bench: NameBench, threshold: float) -> None:
    print("\n== 1. nomenklatura name-bench ==")
    print(f"logic-v2's predictions imply a threshold of {bench.lv2_implied}")
    print(
        f"logic-v2 rows: {bench.lv2_unmatched} not in cases.csv (by schema+names); "
        f"{bench.lv2_label_diffs} shared pairs labelled differently"
    )
    print("\n".join(scorer_table(bench.scorers)))
    print()
    print("\n".join(slice_table(bench.slices)))
    print_worst_errors(bench.cases, bench.ours, threshold)


def scorer_table(rows: list[ScorerRow]) -> list[str]:
    header = ["scorer", "rows", "at threshold", "P", "R", "F1", "best F1 (@ t)", "AUC"]
    body = [
        [
            r.name,
            f"{r.n:,}",
            r.summary.threshold_label,
            fmt(r.summary.at.precision),
            fmt(r.summary.at.recall),
            fmt(r.summary.at.f1),
            f"{fmt(r.summary.best_f1)} (@ {fmt(r.summary.best_t)})",
            fmt(r.summary.auc),
        ]
        for r in rows
    ]
    return table(header, body, "lrlrrrrr")


def slice_table(
    slices: list[tuple[str, Summary]], keep: Callable[[str], bool] | None = None
) -> list[str]:
    header = ["slice", "n", "match / non", "P", "R", "F1", "errors (FN+FP)", "AUC"]
    body = []
    for name, s in slices:
        if keep is not None and not keep(name):
            continue
        label = name + (" (must pass)" if name == "quality: STRONG" else "")
        body.append(
            [
                label,
                str(s.at.n),
                f"{s.at.tp + s.at.fn} / {s.at.fp + s.at.tn}",
                fmt(s.at.precision),
                fmt(s.at.recall),
                fmt(s.at.f1),
                f"{s.at.fn}+{s.at.fp}",
                fmt(s.auc),
            ]
        )
    return table(header, body)


def print_worst_errors(cases: list[NameCase], scores: list[float], threshold: float) -> None:
    indexed = list(zip(cases, scores, strict=True))
    misses = sorted((p for p in indexed if p[0].match and p[1] < threshold), key=lambda p: p[1])
    false = sorted(
        (p for p in indexed if not p[0].match and p[1] >= threshold), key=lambda p: -p[1]
    )
    for title, items in (("false negatives", misses), ("false positives", false)):
        print(f"\nworst {title} at {threshold} ({len(items)} in all; top {WORST}):")
        for case, score in items[:WORST]:
            tags = ", ".join(v for v in (case.group, case.schema, case.quality, case.category) if v)
            print(f"  {score:.3f}  {case.name1!r} ~ {case.name2!r}  [{tags}]")


def entity_bench(threshold: float, default_label: str) -> Summary:
    cases = read_entity_checks(PAIRS / "nomenklatura_entity_bench_checks.json")
    labels = [c.match for c in cases]
    scores = our_scores((c.name1, c.name2, c.schema) for c in cases)
    summary = summarize(scores, labels, threshold, default_label)
    print("\n== 6. entity-bench checks, names only ==")
    print(
        f"n={summary.at.n} P={fmt(summary.at.precision)} R={fmt(summary.at.recall)} "
        f"F1={fmt(summary.at.f1)} best F1={fmt(summary.best_f1)} @ {fmt(summary.best_t)} "
        f"AUC={fmt(summary.auc)}"
    )
    print_worst_errors(cases, scores, threshold)
    return summary
