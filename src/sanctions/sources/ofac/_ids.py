"""OFAC's identifier labels (resources/ofac_id_labels.yml), shared by the sdn.xml and legacy
CSV parsers, and by the trade.gov CSL, which copies OFAC's labels."""

from __future__ import annotations

from functools import cache

from ...model import IdKind
from ...text.resources import load_resource


@cache
def id_labels() -> dict[str, tuple[IdKind, bool]]:
    """Each label as OFAC prints it -> (kind, whether the label is kept as the note)."""
    table = load_resource("ofac_id_labels")
    labels: dict[str, tuple[IdKind, bool]] = {}
    for section, keep in (("plain", False), ("labelled", True)):
        for kind, names in table[section].items():
            for name in names:
                labels[name] = (IdKind(kind), keep)
    return labels


def label_key(id_type: str) -> str:
    """ "Secondary sanctions risk:", "Additional Sanctions Information -", "NIT #" → key."""
    return " ".join(id_type.split()).rstrip(" :-#").lower()


@cache
def _by_key() -> dict[str, tuple[IdKind, bool]]:
    return {label_key(label): value for label, value in id_labels().items()}


def id_kind(id_type: str, number: str = "") -> tuple[IdKind, str, str | None]:
    """(kind, value, label to keep in the note) for one idList entry.

    "Vessel Registration Identification" + "IMO 9187629" is read as the CSV's label
    "Vessel Registration Identification IMO" with the value "9187629".
    """
    labels = _by_key()
    label, printed = label_key(id_type), " ".join(id_type.split()).rstrip(" :-#")
    if number[:4].upper() == "IMO " and labels.get(f"{label} imo", (None,))[0] is IdKind.IMO:
        label, printed, number = f"{label} imo", f"{printed} IMO", number[4:].strip()
    kind, keep = labels.get(label, (IdKind.OTHER, True))
    return kind, number, (printed or None) if keep else None
