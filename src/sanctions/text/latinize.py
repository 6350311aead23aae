"""Any script to comparable lower-case Latin text.

Arabic-script runs go through our own table (resources/arabic.yml), because general
transliterators mangle them; every other script goes through rigour's `ascii_text`, which
romanizes Cyrillic, Greek, Armenian, Georgian, Azerbaijani/Turkish Latin and CJK well.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rigour.text import ascii_text

from .resources import arabic_letters

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_HEBREW = re.compile(r"[\u0590-\u05ff]")
# Format characters such as the Persian zero-width non-joiner sit inside one word.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Apostrophes and the like join what they sit in ("O'Brien" -> "obrien", "Sa'id" -> "said").
_JOINERS = re.compile(r"['`´’‘ʼʻʿʾ]")


def script_of(text: str) -> str:
    """A coarse script label for the explanation and for vowel-less scripts."""
    if _ARABIC.search(text):
        return "arabic"
    if _HEBREW.search(text):
        return "hebrew"
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for script in (
                "CYRILLIC",
                "GREEK",
                "ARMENIAN",
                "GEORGIAN",
                "CJK",
                "HANGUL",
                "HIRAGANA",
                "KATAKANA",
            ):
                if name.startswith(script):
                    return script.lower()
    return "latin"


@lru_cache(maxsize=200_000)
def latinize(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; empty when nothing is left."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    if _ARABIC.search(text):
        text = text.translate(arabic_letters())
    text = _JOINERS.sub("", text)
    text = ascii_text(text).lower()
    text = _JOINERS.sub("", text)
    return _NOT_ALNUM.sub(" ", text).strip()
