"""Consonant skeletons: one key for the romanizations of one name.

Romanizations of the same name differ mostly in vowels and in how a sound is spelt
(Mohammed / Muhammad / محمد -> mhmd; Aleksandr / Alexander -> lksndr; Yevgeny / Evgeniy -> vgn;
Khaled / خالد -> hld). The key collapses doubled letters, folds common digraphs to one
letter and drops vowels (and w, y, which stand for vowels in romanized Arabic and Slavic
names).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Spellings folded to one letter; at each position the longest spelling wins.
_FOLDS = {
    "dzh": "j",
    "tch": "c",
    "sch": "s",
    "zh": "j",
    "dj": "j",
    "ch": "c",
    "sh": "s",
    "kh": "h",
    "gh": "g",
    "ph": "f",
    "th": "t",
    "dh": "d",
    "ck": "k",
    "q": "k",
    "x": "ks",
    "c": "k",
}
_FOLD = re.compile("|".join(sorted(_FOLDS, key=len, reverse=True)))
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLES = re.compile(r"(.)\1+")


def _fold(match: re.Match[str]) -> str:
    return _FOLDS[match.group(0)]


def _first(match: re.Match[str]) -> str:
    return match.group(1)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The consonant key of one latinized, lower-case token ("" for all-vowel tokens)."""
    if token.isdigit():
        return token
    # Doubled letters collapse before vowels go, so "Potanin" (ptnn) stays apart from "Putin"
    # (ptn) while "Mohammed" and "Mohamed" still meet.
    key = _FOLD.sub(_fold, _DOUBLES.sub(_first, token))
    return _VOWELS.sub("", key)
