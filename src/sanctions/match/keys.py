"""Retrieval keys: the strings a name is posted under, and looked up by, token by token.

`token_keys` is the stable base that monitoring stores with every customer revision
(`match/coverage.py`): changing it changes which pairs a stored portfolio finds, so it stays
as it is. `retrieval_keys` is what interactive screening's index posts and looks up; it may
grow keys that survive more spelling damage.
"""

from __future__ import annotations

from ..text.names import NameForm

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


def retrieval_keys(form: NameForm) -> list[set[str]]:
    """The keys of each token that screening's candidate index uses."""
    return token_keys(form)
