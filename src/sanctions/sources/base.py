"""What every parser returns: one publication of one source, its entities streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Entity


@dataclass
class Publication:
    """One official publication of a source, read lazily.

    `entities` is a one-shot iterator. `published` (ISO date or datetime, from the file itself)
    may only be known once iteration has started, so readers look at it after consuming the
    entities; parsers set it as soon as they see it.
    """

    source: str  # the entity id prefix: "ofac-sdn", "un-sc", ...
    format: str  # the parser's format name: "ofac-csv", "ofac-xml", "un-xml"
    files: list[Path]
    entities: Iterator[Entity]
    published: str | None = None
    warnings: list[str] = field(default_factory=list)
