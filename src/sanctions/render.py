"""Human-readable renderings of model objects for the terminal."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import Entity, NameKind

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
