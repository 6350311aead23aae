"""HTML into the text a reader sees.

lxml's HTML parser, with the network off and comments and processing instructions dropped,
never resolves entities beyond HTML's own (`&amp;`, `&eacute;`): a DOCTYPE with an internal
subset (the XXE vehicle) is cut off before parsing, so its declarations neither expand nor
show up as text. Script, style and template content is skipped; block elements become line
breaks and table cells tabs, so words of two paragraphs or cells never run together.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_PARSER = lxml.html.HTMLParser(
    no_network=True, remove_comments=True, remove_pis=True, recover=True, default_doctype=False
)
# An XML declaration (lxml refuses one in a str) and a DOCTYPE, with any internal subset.
_PROLOG = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?\s*>)?", re.IGNORECASE
)
_SKIP = frozenset({"script", "style", "template", "noscript", "head", "object", "embed", "svg"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li",
        "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody",
        "tfoot", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
_CELL = frozenset({"td", "th"})
_SPACE = re.compile(r"[ \t\r\n\f\v\xa0\u2000-\u200a\u202f\u205f\u3000]+")
# Markers for a block break, a cell break and a kept (<pre>) line break, put between the
# text chunks and turned into "\n", "\t" and "\n" once the chunks' own whitespace is folded.
_LINE, _TAB, _KEPT = "\x01", "\x02", "\x03"
_MARKERS = re.compile("[\x01-\x03]")


def html_to_text(html: str) -> str:
    """The visible text of an HTML document or fragment; empty when it has none."""
    html = _PROLOG.sub("", html, count=1)
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):  # "Document is empty": nothing but markup
        return ""
    title = root.find(".//title")
    chunks: list[str] = []
    if title is not None and title.text_content().strip():
        chunks += [_clean(title.text_content(), 0), _LINE]
    walker = etree.iterwalk(root, events=("start", "end"))
    pre = 0
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK or tag == "br":
                chunks.append(_LINE)
            pre += tag == "pre"
            if element.text:
                chunks.append(_clean(element.text, pre))
        else:
            if tag in _BLOCK:
                chunks.append(_LINE)
            elif tag in _CELL:
                chunks.append(_TAB)
            pre -= tag == "pre"
            if element.tail:
                chunks.append(_clean(element.tail, pre))
    return _tidy(chunks)


def _clean(text: str, pre: int) -> str:
    text = _MARKERS.sub(" ", text)
    return text.replace("\r\n", "\n").replace("\n", _KEPT) if pre else text


def _tidy(chunks: list[str]) -> str:
    """Runs of spaces to one, one blank line at most between blocks, tabs between cells."""
    text = _SPACE.sub(" ", "".join(chunks)).replace(_KEPT, _LINE)
    lines = []
    for line in text.split(_LINE):
        cells = [cell.strip() for cell in line.split(_TAB)]
        lines.append("\t".join(cell for cell in cells if cell))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
