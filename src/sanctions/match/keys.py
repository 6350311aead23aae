"""Retrieval keys: the strings a name is posted under, and looked up by, token by token.

`token_keys` is the stable base that monitoring stores with every customer revision
(`match/coverage.py`): changing it changes which pairs a stored portfolio finds, so it stays
as it is. `posting_keys` (what interactive screening's index posts for a listed name) and
`lookup_keys` (what a query looks up) add keys that survive more spelling damage:

    d:  the token and every one-letter deletion of it (a symmetric deletion neighbourhood: a
        substitution, insertion, deletion or transposition leaves a deletion in common)
    t:  two tokens joined in either order, not only adjacent ones ("Lionel Dumont" is posted
        as "dumontlionel" too, so "Lioneldumont" finds "DUMONT, Lionel")
    n:  the value of a number in figures or Roman numerals ("III" and "3")
    b:  the first three letters of a token (a query's last word cut short: "Sabs")
    ic: a token's first letter with another token ("A. Hussein" finds "HUSSEIN, Ali")
"""

from __future__ import annotations

import re

from ..text.names import NameForm, Token, TokenKind

PREFIX_LENGTH = 4


def token_keys(form: NameForm) -> list[set[str]]:
    """The retrieval keys of each token of an analysed name.

    A key made of two adjacent tokens joined belongs to both of them.
    """
    tokens = form.tokens
    groups: list[set[str]] = []
    for token in tokens:
        keys = {"t:" + token.text}
        if len(token.skeleton) >= 2:
            keys.add("s:" + token.skeleton)
        if token.variant:
            keys.add("v:" + token.variant)
        if len(token.text) > PREFIX_LENGTH:
            keys.add("p:" + token.text[:PREFIX_LENGTH])
        groups.append(keys)
    for i in range(len(tokens) - 1):
        left, right = tokens[i], tokens[i + 1]
        joined = {"t:" + left.text + right.text}
        if len(left.skeleton + right.skeleton) >= 3:
            joined.add("s:" + left.skeleton + right.skeleton)
        groups[i] |= joined
        groups[i + 1] |= joined
    return groups


def name_keys(form: NameForm) -> set[str]:
    """Every retrieval key of one analysed name."""
    return set().union(*token_keys(form))


# Tokens at least this long get deletion keys; shorter ones only their own "d:" key.
DELETION_LENGTH = 5
# Names of at most this many tokens get joins in any order and initial pairs.
SHORT_NAME = 4
_ROMAN = re.compile(r"(x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def number_value(token: Token) -> int | None:
    """A number token's value, or a Roman numeral's (I to XXXIX); None for other tokens."""
    text = token.text
    if token.kind is TokenKind.NUMBER:
        digits = text.rstrip("stndrh")
        return int(digits) if digits == text else None  # ordinals are not cardinals
    if not text or not _ROMAN.fullmatch(text):
        return None
    total = 0
    for i, letter in enumerate(text):
        value = _ROMAN_VALUES[letter]
        following = _ROMAN_VALUES[text[i + 1]] if i + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def _deletions(text: str) -> set[str]:
    keys = {"d:" + text}
    if len(text) >= DELETION_LENGTH:
        keys.update("d:" + text[:i] + text[i + 1 :] for i in range(len(text)))
    return keys


def _common_keys(form: NameForm) -> list[set[str]]:
    """Keys both sides share: `token_keys` plus deletions, numbers and joins in any order."""
    groups = token_keys(form)
    tokens = form.tokens
    for token, keys in zip(tokens, groups, strict=True):
        if len(token.text) >= 4 and token.kind is not TokenKind.NUMBER:
            keys |= _deletions(token.text)
        if (value := number_value(token)) is not None:
            keys.add(f"n:{value}")
    if len(tokens) <= SHORT_NAME:
        for i, left in enumerate(tokens):
            for j, right in enumerate(tokens):
                if j != i and j != i + 1:  # i, i + 1 is token_keys' own join
                    joined = "t:" + left.text + right.text
                    groups[i].add(joined)
                    groups[j].add(joined)
    return groups


def posting_keys(form: NameForm) -> list[set[str]]:
    """The keys a listed name is posted under in screening's candidate index, per token."""
    groups = _common_keys(form)
    tokens = form.tokens
    for token, keys in zip(tokens, groups, strict=True):
        if len(token.text) >= 4 and token.kind is TokenKind.NAME:
            keys.add("b:" + token.text[:3])
    if len(tokens) <= SHORT_NAME:
        for i, token in enumerate(tokens):
            for j, other in enumerate(tokens):
                if i != j and other.kind is TokenKind.NAME and len(other.text) >= 2:
                    groups[i].add(f"ic:{token.text[0]}:{other.text}")
    return groups


def lookup_keys(form: NameForm) -> list[set[str]]:
    """The keys a query name looks up, per token (`posting_keys`' counterparts)."""
    groups = _common_keys(form)
    tokens = form.tokens
    if len(tokens) >= 2:
        last, keys = tokens[-1], groups[-1]
        if last.kind is TokenKind.NAME and 3 <= len(last.text) <= 5:
            keys.add("b:" + last.text[:3])  # perhaps cut short
            if len(last.text) == PREFIX_LENGTH:
                keys.add("p:" + last.text)
    if len(tokens) <= SHORT_NAME:
        for i, token in enumerate(tokens):
            if token.kind is TokenKind.INITIAL:
                for j, other in enumerate(tokens):
                    if j != i and other.kind is TokenKind.NAME:
                        groups[i].add(f"ic:{token.text}:{other.text}")
                        groups[j].add(f"ic:{token.text}:{other.text}")
    return groups
