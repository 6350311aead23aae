"""Korean Hangul to Latin by the Revised Romanization, one token per syllable.

General transliterators run a Korean name's syllables together ("김정은" -> "gimjeong-eun"),
while lists write them apart ("Kim Jong Un", "KIM Jong-un"). Each Hangul syllable is a
computable block of initial, vowel and final jamo, so we romanize block by block and put a
space between syllables; the matcher's joined-token pairing brings "Jong Un" and "Jongun"
back together, and resources/name_variants.yml knows Gim/Kim, I/Yi/Lee, Bak/Park.
"""

from __future__ import annotations

import re

_FIRST, _LAST = 0xAC00, 0xD7A3
_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s",
    "ss", "", "j", "jj", "ch", "k", "t", "p", "h",
)  # fmt: skip
_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_SYLLABLES = re.compile("[\uac00-\ud7a3]+")


def _syllable(char: str) -> str:
    index = ord(char) - _FIRST
    initial, rest = divmod(index, len(_VOWELS) * len(_FINALS))
    vowel, final = divmod(rest, len(_FINALS))
    latin = _INITIALS[initial] + _VOWELS[vowel] + _FINALS[final]
    # 이, the family name Lee / Yi / Rhee, would otherwise be the lone letter "i".
    return "yi" if latin == "i" else latin


def _word(match: re.Match[str]) -> str:
    return " " + " ".join(_syllable(char) for char in match.group(0)) + " "


def romanize_hangul(text: str) -> str:
    """Hangul syllables as space-separated Latin syllables; other characters unchanged."""
    return _SYLLABLES.sub(_word, text)
