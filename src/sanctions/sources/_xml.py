"""Streaming, hardened XML reading shared by every XML source.

Lists are published by third parties and mirrored by anyone, so we treat XML as hostile:
a DOCTYPE (the vehicle of XXE and entity-expansion bombs) is refused outright, entities are
never resolved, nothing is fetched from the network, and elements are freed as soon as the
caller has read them so memory stays flat however large the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import FormatError, ParseError

# lxml's iterparse settings for untrusted XML: no DTD, no entities, no network, no huge trees.
SAFE_ITERPARSE: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

_PROLOG_BYTES = 64 * 1024
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def local_name(element: etree._Element) -> str:
    """The tag without its namespace: OFAC's XML is namespaced, the UN's is not."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_of(element: etree._Element | None) -> str | None:
    """Stripped text of an element, None when absent or blank."""
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value or None


def child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first direct child with this local name."""
    for child in element:
        if local_name(child) == name:
            return text_of(child)
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def _check_prolog(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(_PROLOG_BYTES)
    if not head.strip():
        raise ParseError("file is empty", path=path)
    if _DOCTYPE.search(head):
        raise FormatError(
            "XML declares a DOCTYPE or ENTITY; refused because it can expand entities or "
            "fetch external files (lists are published without one)",
            path=path,
        )


def root_tag(path: Path) -> str:
    """Local name of the document's root element, read without parsing the rest."""
    _check_prolog(path)
    with path.open("rb") as handle:
        try:
            for _event, element in etree.iterparse(
                handle, events=("start",), resolve_entities=False, no_network=True, load_dtd=False
            ):
                _refuse_doctype(element, path)
                return local_name(element)
        except etree.XMLSyntaxError as exc:
            raise ParseError(f"not well-formed XML: {exc.msg}", path=path, line=exc.lineno) from exc
    raise ParseError("no root element", path=path)


def expect_root(path: Path, root: str) -> None:
    """Refuse, before any entry is read, a file whose document element is not `root`."""
    if (found := root_tag(path)) != root:
        raise FormatError(f"root element is <{found}>, expected <{root}>", path=path)


def _refuse_doctype(element: etree._Element, path: Path) -> None:
    """The prolog scan misses a DOCTYPE after 64 KiB of comments; the parser does not."""
    if element.getroottree().docinfo.doctype:
        raise FormatError(
            "XML declares a DOCTYPE; refused because it can expand entities or fetch "
            "external files (lists are published without one)",
            path=path,
        )


def iter_elements(path: Path, tags: set[str], *, root: str) -> Iterator[etree._Element]:
    """Yield every element whose local name is in `tags`, fully built, then free it.

    `root` is the expected local name of the document element; another root means the file
    is not the publication the caller parses.
    """
    _check_prolog(path)
    with path.open("rb") as handle:
        context = etree.iterparse(handle, events=("start", "end"), **SAFE_ITERPARSE)
        depth = 0
        try:
            for event, element in context:
                if event == "start":
                    if depth == 0:
                        _refuse_doctype(element, path)
                        if local_name(element) != root:
                            raise FormatError(
                                f"root element is <{local_name(element)}>, expected <{root}>",
                                path=path,
                            )
                    depth += 1
                    continue
                depth -= 1
                if local_name(element) in tags:
                    yield element
                    element.clear(keep_tail=False)
                    # Drop the references the root keeps to already-read siblings.
                    parent = element.getparent()
                    if parent is not None:
                        while element.getprevious() is not None:
                            del parent[0]
        except etree.XMLSyntaxError as exc:
            raise ParseError(
                f"not well-formed XML (truncated or corrupted?): {exc.msg}",
                path=path,
                line=exc.lineno,
            ) from exc
        except UnicodeDecodeError as exc:
            raise ParseError(f"invalid text encoding: {exc.reason}", path=path) from exc
