"""Readers for the labelled files in shared/data/pairs (see its README): the nomenklatura name
bench and its frozen logic-v2 scores, the entity-bench checks as name pairs, and the two watchman
files. The yente people files are read by `_common.read_people`, shared with speed.py."""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from _common import read_csv


@dataclass(frozen=True, slots=True)
class NameCase:
    group: str
    schema: str
    name1: str
    name2: str
    match: bool
    quality: str
    category: str


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("true", "false"):
        raise ValueError(f"not a boolean: {text!r}")
    return value == "true"


def read_name_cases(path: Path) -> list[NameCase]:
    return [
        NameCase(
            group=row["case_group"],
            schema=row["schema"],
            name1=row["name1"],
            name2=row["name2"],
            match=parse_bool(row["is_match"]),
            quality=row["quality"].strip() or "MEDIUM",
            category=row["category"],
        )
        for row in read_csv(path)
    ]


@dataclass(frozen=True, slots=True)
class LogicV2:
    keys: list[tuple[str, str, str]]  # (schema, name1, name2)
    labels: list[bool]
    scores: list[float]
    predicted: list[bool]
    implied: str  # the threshold its predictions imply


def read_logic_v2(path: Path) -> LogicV2:
    rows = read_csv(path)
    predicted = [parse_bool(r["predicted_match"]) for r in rows]
    scores = [float(r["score"]) for r in rows]
    lowest_yes = min((s for s, p in zip(scores, predicted, strict=True) if p), default=math.nan)
    highest_no = max((s for s, p in zip(scores, predicted, strict=True) if not p), default=0.0)
    if highest_no < lowest_yes:
        implied = f"{highest_no:.4f} < t ≤ {lowest_yes:.4f}"
    else:
        implied = "none (predictions not monotone in score)"
    return LogicV2(
        keys=[(r["schema"], r["name1"], r["name2"]) for r in rows],
        labels=[parse_bool(r["is_match"]) for r in rows],
        scores=scores,
        predicted=predicted,
        implied=implied,
    )


_SCRIPT_COMMENT = re.compile(r"^#\s*(.+?)\s+to\s+Latin\b", re.IGNORECASE)


def read_cross_script(path: Path) -> list[tuple[str, str, str, float]]:
    """(script, query, expected, their min score); the script comes from "# X to Latin"."""
    out = []
    script = "?"
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                if m := _SCRIPT_COMMENT.match(stripped):
                    script = m.group(1)
                continue
            query, expected, min_score, _description = next(csv.reader([stripped]))
            out.append((script, query, expected, float(min_score)))
    return out


_NAME_PARTS = ("firstName", "middleName", "fatherName", "lastName")


def entity_name(props: dict[str, object]) -> str:
    """The `name` property, else the name parts joined in first-middle-father-last order."""
    name = props.get("name")
    if isinstance(name, list):
        name = name[0] if name else None
    if isinstance(name, str) and name.strip():
        return name
    parts = []
    for key in _NAME_PARTS:
        value = props.get(key)
        parts += value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return " ".join(parts)


def read_entity_checks(path: Path) -> list[NameCase]:
    """The checks as name pairs (query name vs candidate name); `label` becomes the category."""
    checks = json.loads(path.read_text(encoding="utf-8"))["checks"]
    return [
        NameCase(
            group="entity_bench",
            schema=c["schema"],
            name1=entity_name(c["query"]),
            name2=entity_name(c["candidate"]),
            match=bool(c["match"]),
            quality="",
            category=c.get("label", ""),
        )
        for c in checks
    ]


def read_algorithm_comparison(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The algorithm columns (every one but query, index, note) and the rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        algos = [c for c in reader.fieldnames or [] if c not in ("query", "index", "note")]
        rows = list(reader)
    return algos, rows
