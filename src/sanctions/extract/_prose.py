"""Prose as name tokens that point back into the text they came from.

A word is a run of letters and digits (with the combining marks of Arabic, Hebrew, Cyrillic and
Indic scripts, and apostrophes inside it: "O'Brien"). Each word is latinized by
`text.latinize` — the normalizer listed names go through — into one or more tokens (a run of
Chinese characters gives several), and keeps its offsets in the original text. What prose does
to a name is undone here, before any matching:

- a possessive is cut ("Gertler's" is the word "Gertler", its span ends before the apostrophe);
- a word hyphenated at a line end is joined when the next line goes on in lower case, or both
  halves are capitals ("Ger-\\ntler", "GER-\\nTLER"); the span covers both halves;
- a name may run across a single line break, a comma ("Gertler, Dan") or a hyphen, but not
  across sentence punctuation, brackets, quotes, a blank line or a change of script: those
  are *breaks*. A full stop after an initial or a title ("J. Smith", "Mr. Smith") is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..text.latinize import latinize, script_of
from ..text.resources import honorifics

_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u00ad\u200c\u200d"
)
_APOSTROPHES = "'’ʼ"
WORD = re.compile(rf"[^\W_](?:[\w{_MARKS}]|[{_APOSTROPHES}](?=[^\W_]))*")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}][sS]$")
# A hyphen (or soft hyphen) at a line end, the line break and the next line's indentation.
_LINE_END_HYPHEN = re.compile(r"[-\u2010\u2011\u00ad][ \t]*\r?\n[ \t]*")
# What a name never runs across.
_HARD_GAP = re.compile(r"[.;:!?()\[\]{}<>\"“”„«»|/\\=+*#@•·–—]|\n[ \t\r]*\n")


@dataclass(slots=True)
class ProseTokens:
    """Tokens of one stretch of text. Token lists are indexed by token, word lists by word."""

    tokens: list[str] = field(default_factory=list)  # latinized, lower case
    word_of: list[int] = field(default_factory=list)  # the word each token came from
    breaks: list[bool] = field(default_factory=list)  # a break between this token and the last
    words: list[str] = field(default_factory=list)  # each word as a name query writes it
    starts: list[int] = field(default_factory=list)  # offsets of each word in the text
    ends: list[int] = field(default_factory=list)
    capital: list[bool] = field(default_factory=list)  # not written in lower case
    upper: list[bool] = field(default_factory=list)  # all capitals (two letters or more)
    latin: list[bool] = field(default_factory=list)  # Latin script


@lru_cache(maxsize=100_000)
def word_tokens(word: str) -> tuple[tuple[str, ...], bool]:
    """The latinized tokens of one word, and whether it is written in Latin script."""
    return tuple(latinize(word).split()), script_of(word) == "latin"


@lru_cache(maxsize=1)
def _soft_stops() -> frozenset[str]:
    """Words after which a full stop does not end a name: titles ("Mr.", "Dr.")."""
    return frozenset(t for t in honorifics() if " " not in t)


def _is_break(gap: str, previous: str) -> bool:
    """Whether a name cannot run across `gap`, the text between a word and the one before."""
    if gap == " ":
        return False
    if not _HARD_GAP.search(gap):
        return False
    if gap.strip() == "." and "\n\n" not in gap:
        # "J. Smith", "Mr. Smith": an initial or a title, not the end of a sentence.
        return not (len(previous) == 1 or previous.lower() in _soft_stops())
    return True


def tokenize(text: str, start: int = 0, end: int | None = None) -> ProseTokens:
    """The tokens of `text[start:end]`, with offsets into the whole `text`."""
    out = ProseTokens()
    end = len(text) if end is None else end
    held: tuple[str, int, int] | None = None  # a word hyphenated at a line end
    held_until = 0  # where the next line's first word must start to continue it
    for match in WORD.finditer(text, start, end):
        word, w_start, w_end = match.group(), match.start(), match.end()
        if held is not None:
            head, head_start, _ = held
            if w_start == held_until and (word[0].islower() or (head.isupper() and word.isupper())):
                word, w_start = head + word, head_start
            else:
                _add(out, text, *held)
            held = None
        hyphen = _LINE_END_HYPHEN.match(text, w_end, end)
        if hyphen is not None:
            held, held_until = (word, w_start, w_end), hyphen.end()
            continue
        _add(out, text, word, w_start, w_end)
    if held is not None:
        _add(out, text, *held)
    return out


def _add(out: ProseTokens, text: str, word: str, start: int, end: int) -> None:
    """Append one word and its tokens."""
    if len(word) > 3 and _POSSESSIVE.search(word):
        word, end = word[:-2], end - 2
    tokens, latin = word_tokens(word)
    if not tokens:
        return
    broken = (
        not out.words
        or latin != out.latin[-1]
        or _is_break(text[out.ends[-1] : start], out.words[-1])
    )
    index = len(out.words)
    out.words.append(word)
    out.starts.append(start)
    out.ends.append(end)
    out.capital.append(not word[0].islower())
    out.upper.append(len(word) > 1 and word.isupper())
    out.latin.append(latin)
    for i, token in enumerate(tokens):
        out.tokens.append(token)
        out.word_of.append(index)
        out.breaks.append(broken if i == 0 else False)
