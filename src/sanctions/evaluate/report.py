"""A self-contained HTML report of an evaluation: the evidence a compliance team keeps that its
filter was tested and tuned. One file, no external assets, no JavaScript; the plot is inline
SVG. Every name and every value from the lists or the user's file is escaped."""

from __future__ import annotations

import math
from html import escape

from .metrics import Rate, SweepPoint
from .runner import Evaluation

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em}
th{background:#eee;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.chosen td{background:#fff6d6}caption{text-align:left;font-weight:bold;padding:.3em 0}
.note{color:#555;font-size:.9em}
"""


def render_html(evaluation: Evaluation) -> str:
    s = evaluation.summary
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Screening filter validation</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Screening filter validation</h1>",
        _summary(evaluation),
        "<h2>Recall per category</h2>",
        _categories(s.categories, s.recall, s.threshold),
        "<h2>Threshold sweep</h2>",
        _plot(s.sweep, s.threshold),
        _sweep(s.sweep, s.threshold, s.best_threshold),
        f'<p class="note">Best threshold rule: {escape(s.rule)}.</p>',
        "<h2>Misses at the threshold (closest first)</h2>",
        _examples(evaluation, misses=True),
        "<h2>False alerts at the threshold (highest first)</h2>",
        _examples(evaluation, misses=False),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(evaluation: Evaluation) -> str:
    s = evaluation.summary
    versions = ", ".join(f"{src} version {v}" for src, v in evaluation.versions.items())
    rows = [
        ("Evaluated at (UTC)", evaluation.evaluated_at),
        ("Lists (active versions)", versions or "none"),
        ("Cases", "generated" if evaluation.source == "generated" else evaluation.source),
        ("Seed, variants per category", f"{evaluation.seed}, {evaluation.sample}"),
        ("Threshold", f"{s.threshold:.2f}"),
        ("Recall", _rate(s.recall)),
        ("False alerts per 1,000 clean names", _rate(s.clean)),
        ("False alerts per 1,000 look-alikes", _rate(s.lookalike)),
        ("Queries refused by the screener", str(s.refused)),
        ("Best threshold by the rule", _fmt(s.best_threshold)),
    ]
    if evaluation.source != "generated":
        rows.pop(3)
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="summary">{body}</table>'


def _rate(rate: Rate) -> str:
    if rate.n == 0:
        return "no cases"
    low, high = rate.interval
    digits = 1 if rate.scale > 1 else 3
    return (
        f"{rate.value:.{digits}f} ({rate.k:,} of {rate.n:,}; 95 % CI "
        f"{low:.{digits}f}–{high:.{digits}f})"
    )


def _categories(categories: list[Rate], overall: Rate, threshold: float) -> str:
    head = (
        "<tr><th>category</th><th>variants</th><th>found</th><th>recall</th><th>95 % CI</th></tr>"
    )
    rows = [_category_row(rate) for rate in [*categories, overall]]
    caption = f"<caption>At threshold {threshold:.2f}</caption>"
    return f'<table class="categories">{caption}{head}{"".join(rows)}</table>'


def _category_row(rate: Rate) -> str:
    low, high = rate.interval
    cells = [
        f"<td>{escape(rate.label)}</td>",
        f'<td class="n">{rate.n:,}</td>',
        f'<td class="n">{rate.k:,}</td>',
        f'<td class="n">{_num(rate.value, 3)}</td>',
        f'<td class="n">{_num(low, 3)}–{_num(high, 3)}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _sweep(points: list[SweepPoint], threshold: float, best: float | None) -> str:
    head = (
        "<tr><th>threshold</th><th>recall</th><th>false alerts / 1,000 clean</th>"
        "<th>false alerts / 1,000 look-alikes</th></tr>"
    )
    rows = []
    for p in points:
        marks = []
        if math.isclose(p.threshold, threshold):
            marks.append("chosen")
        if best is not None and math.isclose(p.threshold, best):
            marks.append("best by rule")
        cls = ' class="chosen"' if marks else ""
        label = f"{p.threshold:.2f}" + (f" ({', '.join(marks)})" if marks else "")
        rows.append(
            f"<tr{cls}><td>{escape(label)}</td><td class='n'>{_num(p.recall, 3)}</td>"
            f"<td class='n'>{_num(p.clean_per_1000, 1)}</td>"
            f"<td class='n'>{_num(p.lookalike_per_1000, 1)}</td></tr>"
        )
    return f'<table class="sweep">{head}{"".join(rows)}</table>'


def _plot(points: list[SweepPoint], threshold: float) -> str:
    """Recall (left axis, 0-1) and false alerts per 1,000 (right axis) against threshold."""
    if not points:
        return ""
    width, height, pad = 640, 300, 50
    lo, hi = points[0].threshold, points[-1].threshold
    top = max(
        [1.0]
        + [v for p in points for v in (p.clean_per_1000, p.lookalike_per_1000) if not math.isnan(v)]
    )

    def x(t: float) -> float:
        return pad + (width - 2 * pad) * ((t - lo) / (hi - lo) if hi > lo else 0.5)

    def y(fraction: float) -> float:
        return height - pad + (2 * pad - height) * fraction

    def line(values: list[float], scale: float, colour: str, dash: str = "") -> str:
        coords = " ".join(
            f"{x(p.threshold):.1f},{y(v / scale):.1f}"
            for p, v in zip(points, values, strict=True)
            if not math.isnan(v)
        )
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{extra} points="{coords}"/>'
        )

    base, left, right = y(0), x(lo), x(hi)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'role="img" aria-label="recall and false alerts against threshold">',
        f'<rect x="{left}" y="{y(1)}" width="{right - left}" height="{base - y(1)}" '
        'fill="none" stroke="#999"/>',
        line([p.recall for p in points], 1.0, "#1f6fb4"),
        line([p.clean_per_1000 for p in points], top, "#c0392b"),
        line([p.lookalike_per_1000 for p in points], top, "#e67e22", "5,4"),
    ]
    if lo <= threshold <= hi:
        parts.append(
            f'<line x1="{x(threshold):.1f}" x2="{x(threshold):.1f}" y1="{y(1)}" y2="{base}" '
            'stroke="#555" stroke-dasharray="2,3"/>'
        )
    for t in (lo, (lo + hi) / 2, hi):
        parts.append(f'<text x="{x(t):.1f}" y="{base + 18}" text-anchor="middle">{t:.2f}</text>')
    parts += [
        f'<text x="{left - 6}" y="{y(1) + 4}" text-anchor="end">1.0</text>',
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end">0</text>',
        f'<text x="{right + 6}" y="{y(1) + 4}">{top:.0f}</text>',
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle">threshold</text>',
        f'<text x="{left}" y="{pad - 30}" fill="#1f6fb4">— recall (left axis)</text>',
        f'<text x="{left + 170}" y="{pad - 30}" fill="#c0392b">— false alerts / 1,000 clean</text>',
        f'<text x="{left + 170}" y="{pad - 14}" fill="#e67e22">-- per 1,000 look-alikes '
        "(right axis)</text>",
        "</svg>",
    ]
    return "\n".join(parts)


def _examples(evaluation: Evaluation, *, misses: bool) -> str:
    outcomes = evaluation.misses() if misses else evaluation.false_alerts()
    if not outcomes:
        return "<p>None.</p>"
    head = (
        "<tr><th>query</th><th>category</th><th>made from</th><th>expected</th>"
        "<th>its score</th><th>best hit</th><th>best score</th></tr>"
    )
    rows = []
    for o in outcomes:
        c = o.case
        cells = [
            c.name,
            c.category,
            c.source_name,
            c.expected or "",
            _fmt(o.expected_score),
            o.refused or f"{o.best_name or ''} [{o.best_entity or ''}]",
            f"{o.best_score:.3f}",
        ]
        rows.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in cells) + "</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _num(value: float, digits: int) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"
