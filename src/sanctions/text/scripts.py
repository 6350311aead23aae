"""Which script a name is written in, as an ISO 15924 code ("cyrl", "arab", "latn").

The lists tag original-script names with their script or language; this fills the tag in
when they do not, so a name keeps its `lang` hint whichever list it came from.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from .resources import load_resource


@cache
def _scripts() -> dict[str, str]:
    """First word of a letter's Unicode name -> ISO 15924 code (resources/scripts.yml)."""
    table: dict[str, str] = load_resource("scripts")["unicode_scripts"]
    return table


def script_code(text: str) -> str | None:
    """ISO 15924 code of the first non-Latin letter; "latn" if all Latin; None if no letter."""
    seen_letter = False
    for ch in text:
        if not ch.isalpha():
            continue
        seen_letter = True
        word = unicodedata.name(ch, "").split(" ", 1)[0]
        if word != "LATIN":
            return _scripts().get(word, "zzzz")  # zzzz: ISO 15924 "uncoded script"
    return "latn" if seen_letter else None
