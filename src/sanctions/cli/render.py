"""Human-readable renderings of model objects and screening results for the terminal.

Values from lists and queries go in as `Text`, never as markup strings: a listed name may
contain square brackets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..model import Entity, NameKind
from ..screen import Hit

_NAME_LABELS = {
    NameKind.PRIMARY: "name",
    NameKind.ALIAS: "a.k.a.",
    NameKind.WEAK: "weak a.k.a.",
    NameKind.FORMER: "f.k.a.",
    NameKind.ORIGINAL: "original script",
}

# Flat properties worth a line on the card, in reading order.
_CARD_PROPERTIES = (
    "program",
    "listingDate",
    "gender",
    "nationality",
    "citizenship",
    "birthPlace",
    "title",
    "position",
    "country",
    "flag",
    "type",
    "tonnage",
    "grossRegisteredTonnage",
    "ownerName",
    "email",
    "website",
    "phone",
    "incorporationDate",
)


def entity_card(entity: Entity) -> Panel:
    """A panel with every name, date, identifier, address and link of a listed entity."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    for name in entity.names:
        lang = f" [{name.lang}]" if name.lang else ""
        grid.add_row(_NAME_LABELS[name.kind], Text(name.value + lang))
    for date in entity.birth_dates:
        text = (
            date.start
            + (f" to {date.end}" if date.end else "")
            + (" (circa)" if date.circa else "")
        )
        grid.add_row("born", text)
    for prop in _CARD_PROPERTIES:
        if values := entity.get(prop):
            grid.add_row(prop, Text("; ".join(values)))
    for ident in entity.identifiers:
        extra = ", ".join(x for x in (ident.country, ident.note) if x)
        grid.add_row(ident.kind.value, Text(ident.value + (f" ({extra})" if extra else "")))
    for address in entity.addresses:
        grid.add_row("address", Text(address.full))
    for link in entity.links:
        grid.add_row(
            "linked to", Text(link.name + (f" → {link.target_id}" if link.target_id else ""))
        )
    parts: list[Table | Text] = [grid]
    if notes := entity.get("notes"):
        parts.append(Text("\n" + "\n".join(notes), style="dim"))
    title = f"{entity.caption}  [dim]{entity.id} · {entity.schema}[/]"
    return Panel(Group(*parts), title=title, title_align="left", expand=False)


# -- screening results ------------------------------------------------------------------------
def hits_table(hits: Sequence[Hit], title: Text | str, caption: Text | str | None = None) -> Table:
    """One line per hit, best first."""
    table = Table(title=title, caption=caption, title_justify="left")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("entity id", no_wrap=True)
    table.add_column("schema")
    table.add_column("matched name")
    table.add_column("caption")
    table.add_column("lists")
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}",
            Text(hit.entity_id),
            hit.schema,
            Text(hit.matched_name + _kind_suffix(hit.matched_kind)),
            Text(hit.caption),
            Text(", ".join(hit.datasets)),
        )
    return table


def _kind_suffix(kind: str) -> str:
    return "" if kind == NameKind.PRIMARY.value else f" ({kind})"


def hit_panel(hit: Hit) -> Panel:
    """A hit with its explanation: which tokens aligned, and what each feature contributed."""
    explanation = hit.explanation
    parts: list[Table | Text] = [
        Text(f"matched {hit.matched_kind} name: {hit.matched_name}"),
        name_detail(explanation.get("name", {})),
    ]
    if features := explanation.get("features"):
        parts.append(_features(features))
    if notes := explanation.get("notes"):
        parts.append(Text("\n".join(notes), style="dim"))
    title = Text.assemble(
        (f"{hit.score:.2f}  ", "bold"), hit.caption, (f"  {hit.entity_id} · {hit.schema}", "dim")
    )
    return Panel(Group(*parts), title=title, title_align="left", expand=False)


def name_detail(detail: Mapping[str, Any]) -> Table:
    """Aligned token pairs (query → listed, similarity, rule) and the tokens left over."""
    grid = Table(box=None, padding=(0, 1), show_header=True, header_style="dim")
    grid.add_column("query token")
    grid.add_column("")
    grid.add_column("listed token")
    grid.add_column("similarity", justify="right")
    grid.add_column("how")
    for pair in detail.get("pairs", []):
        grid.add_row(
            Text(pair["query"]),
            "→",
            Text(pair["listed"]),
            f"{pair['similarity']:.2f}",
            pair["how"],
        )
    for token in detail.get("unmatched_query", []):
        grid.add_row(Text(token), "", "", "", "query only")
    for token in detail.get("unmatched_listed", []):
        grid.add_row("", "", Text(token), "", "listed only")
    return grid


def _features(features: Mapping[str, float]) -> Text:
    """ "name 0.93 · birth_date +0.03": the name score, then what each feature added."""
    parts = []
    for label, value in features.items():
        parts.append(f"{label} {value:.2f}" if label == "name" else f"{label} {value:+.2f}")
    return Text("features: " + " · ".join(parts))


def comparison_panel(comparison: Mapping[str, Any]) -> Panel:
    """`sanctions compare`: the score, the verdict at the threshold, and the token pairs."""
    verdict = "a match" if comparison["match"] else "not a match"
    header = Text.assemble(
        ("score ", "bold"),
        (f"{comparison['score']:.4f}", "bold"),
        f"  ({verdict} at threshold {comparison['threshold']:.2f})",
    )
    title = Text(f"{comparison['query']}  ↔  {comparison['listed']}")
    return Panel(
        Group(header, name_detail(comparison)), title=title, title_align="left", expand=False
    )
