"""Joined tokens: two or three tokens of one name written as one word on the other side.

"Abdul Rahman" / "Abdulrahman", "Lioneldumont" / "DUMONT, Lionel". The scorer
(`names.py`) asks `join_options` which joins are worth comparing: only those whose first
letter (or first skeleton letter) agrees with a token of the other name and whose length is
close enough to reach the least similarity a join needs. Each name's join table is made once
and cached, and the joined token itself only for the joins that pass.
"""

from __future__ import annotations

from functools import lru_cache

from ..text.names import Token, join_groups, make_token, syllables
from ..text.phonetic import skeleton

# Least similarity of a joined pair: names run together must read alike; Chinese or Korean
# syllables run together must agree (almost) exactly (abjad joins: the caller's least, a
# full skeleton match).
JOINED_MIN = 0.8
STRICT_JOINED_MIN = 0.95

# (query positions, listed positions, joined token, the token it is compared with, least)
JoinOption = tuple[tuple[int, ...], tuple[int, ...], Token, Token, float]


JoinRow = tuple[tuple[int, ...], str, str, str, int, int, bool]


@lru_cache(maxsize=200_000)
def _join_table(tokens: tuple[Token, ...]) -> tuple[JoinRow, ...]:
    """A name's joined tokens (`join_groups`) with what the cheap checks need: the
    joined text, its first letter and first skeleton letter, its length, the length
    difference allowed, and whether every part is a Chinese or Korean syllable (whose joins
    must be near-exact). The joined token itself is only made for the joins that pass."""
    known = syllables()
    rows = []
    for group in join_groups(len(tokens)):
        text = "".join(tokens[k].text for k in group)
        strict = all(tokens[k].text in known for k in group)
        # beyond len // 3 + 1 letters of difference no join reaches the 0.8 it needs
        rows.append(
            (group, text, text[0], skeleton(text)[:1], len(text), len(text) // 3 + 1, strict)
        )
    return tuple(rows)


@lru_cache(maxsize=200_000)
def _first_letters(
    tokens: tuple[Token, ...],
) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Token positions by first letter and by first skeleton letter, and token lengths."""
    by_letter: dict[str, list[int]] = {}
    by_skeleton: dict[str, list[int]] = {}
    for j, token in enumerate(tokens):
        by_letter.setdefault(token.text[0], []).append(j)
        by_skeleton.setdefault(token.skeleton[:1], []).append(j)
    return (
        {k: tuple(v) for k, v in by_letter.items()},
        {k: tuple(v) for k, v in by_skeleton.items()},
        tuple(len(t.text) for t in tokens),
    )


def join_options(
    q: tuple[Token, ...], c: tuple[Token, ...], abjad_least: float | None = None
) -> list[JoinOption]:
    """Two or three adjacent tokens written as one on the other side, as (q idx, l idx,
    joined token, other token, least similarity), when the first letter (or the first
    skeleton letter) agrees and the lengths are close enough for a join to pass."""
    options: list[JoinOption] = []
    for side, other, flip in ((q, c, False), (c, q, True)):
        by_letter, by_skeleton, lengths = _first_letters(other)
        for group, text, letter, first_consonant, length, slack, strict in _join_table(side):
            same_letter = by_letter.get(letter, ())
            same_skeleton = by_skeleton.get(first_consonant, ())
            if not same_letter and not same_skeleton:
                continue
            if same_letter and same_skeleton:
                positions: tuple[int, ...] = tuple(sorted({*same_letter, *same_skeleton}))
            else:
                positions = same_letter or same_skeleton
            if abjad_least is not None:
                least = abjad_least
            else:
                least = STRICT_JOINED_MIN if strict else JOINED_MIN
            for j in positions:
                if abs(lengths[j] - length) <= slack:
                    qi, cj = ((j,), group) if flip else (group, (j,))
                    options.append((qi, cj, make_token(text, False), other[j], least))
    return options
