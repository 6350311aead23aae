"""Markdown and number formatting shared by the printed output and the written section."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def fmt(value: float, digits: int = 3) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def pct(k: int, n: int) -> str:
    return f"{k:,}/{n:,} ({100 * k / n:.1f} %)" if n else "–"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    """A markdown table; `align` has one char per column, "l" or "r" (default: l then r)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = "|" + "|".join("---" if a == "l" else "---:" for a in align) + "|"
    out = ["| " + " | ".join(header) + " |", rule]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def md_escape(text: str) -> str:
    return text.replace("|", "\\|")
