"""Legal forms in organization names, rewritten to one generic form each.

"ООО Вектор", "OOO Vektor", "Obshchestvo s ogranichennoy otvetstvennostyu Vektor" and
"Vektor Limited Liability Company" all read "llc vektor" / "vektor llc": the table is
resources/legal_forms.yml (generic form -> spellings), latinized when it is loaded, and a
name's latinized words are matched longest spelling first, on whole words.
"""

from __future__ import annotations

from functools import cache, lru_cache

from .latinize import latinize
from .resources import load_resource


@cache
def _spellings() -> tuple[dict[tuple[str, ...], str], int]:
    """Latinized spelling (as words) -> generic form, and the longest spelling's length."""
    table: dict[tuple[str, ...], str] = {}
    for generic, spellings in load_resource("legal_forms")["legal_forms"].items():
        for spelling in [generic, *spellings]:
            words = tuple(latinize(spelling).split())
            if words:
                table.setdefault(words, generic)
    return table, max(len(words) for words in table)


@lru_cache(maxsize=200_000)
def replace_legal_forms(text: str) -> str:
    """`text` (latinized words) with each legal form replaced by its generic form."""
    table, longest = _spellings()
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            generic = table.get(tuple(words[i : i + size]))
            if generic is not None:
                out.append(generic)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)
