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

from .hangul import romanize_hangul
from .resources import arabic_letters

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_INITIAL_AIN = re.compile(r"(^|[^\w])ع")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HEBREW = re.compile(r"[\u0590-\u05ff]")
# Format characters such as the Persian zero-width non-joiner sit inside one word.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Apostrophes and the like join what they sit in ("O'Brien" -> "obrien", "Sa'id" -> "said").
_JOINERS = re.compile(r"['`´’‘ʼʻʿʾ]")


_SCRIPTS = (
    ("cyrillic", re.compile(r"[\u0400-\u052f]")),
    ("greek", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")),
    ("armenian", re.compile(r"[\u0530-\u058f]")),
    ("georgian", re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf]")),
    ("cjk", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("hangul", re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")),
    ("hiragana", re.compile(r"[\u3040-\u309f]")),
    ("katakana", re.compile(r"[\u30a0-\u30ff]")),
)


def script_of(text: str) -> str:
    """A coarse script label for the explanation and for vowel-less or syllabic scripts."""
    if text.isascii():
        return "latin"
    if _ARABIC.search(text):
        return "arabic"
    if _HEBREW.search(text):
        return "hebrew"
    for script, pattern in _SCRIPTS:
        if pattern.search(text):
            return script
    return "latin"


@lru_cache(maxsize=200_000)
def latinize(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; empty when nothing is left."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    if _ARABIC.search(text):
        # A word-initial ain is written as a vowel in every romanization (Abd, Ali, Omar);
        # inside a word it is dropped or an apostrophe.
        text = _INITIAL_AIN.sub(r"\1ا", text).translate(arabic_letters())
    text = _JOINERS.sub("", text)
    if _HANGUL.search(text):
        text = romanize_hangul(text)
    # Most listed names are plain ASCII already: skip the transliterator for them.
    text = (text if text.isascii() else ascii_text(text)).lower()
    text = _JOINERS.sub("", text)
    return _NOT_ALNUM.sub(" ", text).strip()
