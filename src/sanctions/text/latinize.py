"""Any script to comparable lower-case Latin text.

Arabic-script runs go through our own table (resources/arabic.yml) and Hangul through our
own romanizer (text/hangul.py), because general transliterators mangle them; every other
script goes through `anyascii` (pure Python, one table per code point), with the fixes a
per-character table cannot make: Ukrainian and Belarusian "г" as "h"; Greek "ου" as "ou";
one word per Chinese character ("北京" -> "bei jing", as names are romanized and as the
syllable table expects); Japanese kana digraphs ("キャ" -> "kya", "ッポ" -> "ppo"); the
inherent vowel of Devanagari and Bengali consonants; Thai vowels written before their
consonant; Azerbaijani "ə" as "a" ("Əliyev" -> "aliyev"); and Hebrew vav as "w", which the
skeleton reads as a vowel, as it mostly is in names ("יונתן" -> "ywntn", Yonatan).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

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

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_KANA = re.compile(r"[\u3041-\u30ff]+")
_SOKUON = frozenset("っッ")
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o", "ャ": "a", "ュ": "u", "ョ": "o"}
_SMALL_VOWELS = dict(zip("ぁぃぅぇぉァィゥェォ", "aiueoaiueo", strict=True))
# A Devanagari or Bengali consonant not followed by a vowel sign, virama or nukta carries
# an "a", except at the end of a word (Hindi and Bengali drop it there: "Kumar", "Das").
_INDIC_INHERENT = re.compile(
    r"([\u0915-\u0939\u0958-\u095f\u0995-\u09b9\u09dc-\u09df])"
    r"(?=[\u0900-\u0903\u0905-\u0939\u0958-\u0961\u0981-\u0983\u0985-\u09b9\u09dc-\u09e1])"
)
# The anusvara is "m" before a labial, "n" elsewhere ("Ankita", "Bangla", "Ambika").
_ANUSVARA = re.compile(r"[\u0902\u0982](?=[\u092a-\u092e\u09aa-\u09ae])|([\u0902\u0982])")
# A part of a name written with a letter only Ukrainian or Belarusian has is read by their
# romanization, not Russian's: Г is "h", Ukrainian И is "y" ("Геннадій" -> "hennadiy",
# "Миколаївна" -> "mykolaivna"). Parts: split at the slashes and brackets that join the
# Russian and the Ukrainian spelling of one name.
_NAME_PART = re.compile(r"[^/;,()]+")
_UKRAINIAN_LETTERS = re.compile(r"[іїєґўІЇЄҐЎ]")
_UKRAINIAN = str.maketrans({"г": "h", "Г": "H", "и": "y", "И": "Y"})
# Greek vowel pairs romanized as pairs (ELOT 743 / ICU): "ου" is "ou", not "oy".
_GREEK_PAIRS = re.compile(r"([οΟόΌ]|[αΑάΆ]|[εΕέΈ]|[ηΗήΉ])[υΥύΎ]")
_GREEK_PAIR_LATIN = {"ο": "ou", "α": "av", "ε": "ev", "η": "iv"}
# Thai vowels written before the consonant they follow in speech ("ไทย" -> "thai").
_THAI_PREPOSED = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def _kana(match: re.Match[str]) -> str:
    run = match.group(0)
    out: list[str] = []
    double = False
    i = 0
    while i < len(run):
        char = run[i]
        i += 1
        if char in _SOKUON:
            double = True
            continue
        latin = anyascii(char).lower()
        following = run[i] if i < len(run) else ""
        if latin and following in _SMALL_Y:
            stem = latin[:-1] if latin in ("shi", "chi", "ji") else latin[:-1] + "y"
            latin = stem + _SMALL_Y[following]
            i += 1
        elif latin and following in _SMALL_VOWELS:
            latin = latin[:-1] + _SMALL_VOWELS[following]
            i += 1
        if double and latin[:1].isalpha() and latin[0] not in "aeiou":
            latin = latin[0] + latin
        double = False
        out.append(latin)
    return "".join(out)


def _ukrainian(match: re.Match[str]) -> str:
    part = match.group(0)
    return part.translate(_UKRAINIAN) if _UKRAINIAN_LETTERS.search(part) else part


def _greek_pair(match: re.Match[str]) -> str:
    base = unicodedata.normalize("NFD", match.group(1).lower())[0]
    return _GREEK_PAIR_LATIN[base]


def _han(match: re.Match[str]) -> str:
    return f" {anyascii(match.group(0))} "


def romanize(text: str) -> str:
    """`text` in ASCII letters (any case), by anyascii and the fixes above."""
    if text.isascii():
        return text
    text = text.replace("ə", "a").replace("Ə", "A").replace("\u05d5", "w")  # Hebrew vav: a vowel
    text = _NAME_PART.sub(_ukrainian, text)
    text = _GREEK_PAIRS.sub(_greek_pair, text)
    text = _INDIC_INHERENT.sub(r"\1a", text)
    text = _ANUSVARA.sub(lambda m: "n" if m.group(1) else "m", text)
    text = _THAI_PREPOSED.sub(r"\2\1", text)
    text = _KANA.sub(_kana, text)
    text = _HAN.sub(_han, text)
    return anyascii(text)


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
    text = romanize(text).lower()
    text = _JOINERS.sub("", text)
    return _NOT_ALNUM.sub(" ", text).strip()
