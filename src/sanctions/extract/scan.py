"""Scanning free text: listed names found in prose (`textnames.NameFinder`, the one scorer)
and sanctioned places (`regions.find_places`), with offsets, page and a snippet of context.
Documents (`sanctions scan`) and the free-text fields of payments go through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..screen import Screener
from ..settings import DEFAULT_THRESHOLD
from .document import Document
from .regions import PlaceFinding, find_places
from .textnames import NameFinder, TextHit

SNIPPET = 60  # characters of context on each side of a finding


@dataclass(frozen=True)
class TextFinding:
    kind: str  # "entity" or "region"
    matched_text: str
    start: int
    end: int
    page: int
    snippet: str
    score: float
    entity_id: str | None = None
    schema: str | None = None
    caption: str | None = None
    matched_name: str | None = None
    region: str | None = None
    programs: tuple[str, ...] = ()
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "matched_text": self.matched_text,
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "snippet": self.snippet,
            "score": round(self.score, 4),
        }
        if self.kind == "entity":
            data |= {
                "entity_id": self.entity_id,
                "schema": self.schema,
                "caption": self.caption,
                "matched_name": self.matched_name,
                "programs": list(self.programs),
                "explanation": self.explanation,
            }
        else:
            data |= {"region": self.region, "name": self.caption, "programs": list(self.programs)}
        return data


@dataclass
class DocumentScan:
    document: Document
    findings: list[TextFinding]

    def to_json(self) -> dict[str, Any]:
        doc = self.document
        entities = [f for f in self.findings if f.kind == "entity"]
        return {
            "source": doc.source,
            "format": doc.format,
            "characters": len(doc.text),
            "pages": len(doc.pages),
            "hits": [f.to_json() for f in entities],
            "regions": [f.to_json() for f in self.findings if f.kind == "region"],
        }


class TextScanner:
    """Names and places in text, against one screener's lists (the finder is built once)."""

    def __init__(self, screener: Screener, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.screener, self.threshold = screener, threshold
        self.finder = NameFinder(screener)  # its tables are built once per index, and cached

    def names(self, text: str) -> list[TextHit]:
        return self.finder.find(text, threshold=self.threshold)

    def places(self, text: str) -> list[PlaceFinding]:
        return find_places(text)

    def scan(self, document: Document) -> DocumentScan:
        text = document.text
        findings: list[TextFinding] = []
        for hit in self.names(text):
            entity = self.screener.index.by_id.get(hit.entity_id)
            findings.append(
                TextFinding(
                    kind="entity",
                    matched_text=hit.matched_text,
                    start=hit.start,
                    end=hit.end,
                    page=document.page_of(hit.start),
                    snippet=snippet(text, hit.start, hit.end),
                    score=hit.score,
                    entity_id=hit.entity_id,
                    schema=hit.schema,
                    caption=hit.caption,
                    matched_name=hit.matched_name,
                    programs=tuple(entity.get("program")) if entity else (),
                    explanation=hit.explanation,
                )
            )
        for place in self.places(text):
            findings.append(
                TextFinding(
                    kind="region",
                    matched_text=place.matched_text,
                    start=place.start,
                    end=place.end,
                    page=document.page_of(place.start),
                    snippet=snippet(text, place.start, place.end),
                    score=1.0,
                    region=place.region.id,
                    caption=place.region.name,
                    programs=tuple(place.region.programs),
                )
            )
        findings.sort(key=lambda f: (f.start, f.kind))
        return DocumentScan(document, findings)


def snippet(text: str, start: int, end: int, width: int = SNIPPET) -> str:
    """The finding with some context, on one line; '…' where the text goes on."""
    left, right = max(0, start - width), min(len(text), end + width)
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")
