"""Listed names found in prose, each scored by the one scorer (`Screener.score_entity`).

How a text is read:

1. **Tokens** (`_prose.py`): words latinized by the normalizer listed names go through, each
   with its offsets in the original text; possessives cut, line-end hyphenation joined, and
   *breaks* (sentence punctuation, brackets, quotes, blank lines, a change of script) that a
   name never runs across. Titles ("Mr.", "Sheikh", "Dr.") stay outside the window.
2. **Keys** (`_name_tables.py`): two Aho–Corasick automata (pyahocorasick), built once per
   index, find where a *distinctive* token of a listed name occurs: its text, its consonant
   skeleton (a transliteration variant), or two of its tokens written as one ("Abdulrahman").
   A distinctive token is a name word of three letters or more that is not a common English
   word (`_common_words.py`: 5,259 words derived from symspellpy's frequency dictionary, the
   Python standard library's prose and Faker's word list), or, outside person names, a number
   of four digits or more. Weak aliases are never keys and never alert.
3. **Candidates** (`_text_scan.py`): keys close together (at most `MAX_GAP` tokens apart, no
   break between them) form a group; a listed name is a candidate when keys of two of the
   group's tokens are posted for it, or when one key can be enough (see the rules).
4. **Rules**, checked in a window of at most the name's token count + `SPAN_SLACK` tokens. A
   text token stands for one listed token (two when it writes them as one word) when it is
   the same, of the same variant group or particle, of the same skeleton, or one edit away
   (five letters or more). A common or short word, or a generic company word, only counts
   when the text writes it with a capital ("Will", not "will").
   - *Person*: two name words of the listed name, written as two words (a given name and a
     surname, in any order), one of them distinctive. A bare given name or surname never
     alerts, nor an initial with a surname ("D. Gertler"), nor a name whose initial
     contradicts the listed one ("Dmitry V. Levin" is not Dmitry Olegovich Levin).
   - *Organisation* (and aircraft): with two or three distinctive tokens, all of them; with
     more, all but one ("Dan Gertler" is the person, not DAN GERTLER DIAMONDS LTD; "Islamic
     Revolutionary" is not the Islamic Revolutionary Guard Corps). With one distinctive
     token: that token written exactly, not in lower case, with every other name, number,
     generic and initial word of the listed name ("Sberbank", "Bank Melli", "Hizballah";
     "Liberty" alone is not LIBERTY SHIPPING CO LTD). If that token is an English dictionary
     word or a given name (symspellpy's 82,765 words; Faker's first names), the firm's own
     legal form must be written beside it ("Rust CJSC", "OOO Markus"; not "written in
     Rust"). A token of three letters or fewer ("RGB", "JIT") or a given name ("Nico") that
     is the whole listed name never alerts. A name made only of common words ("THE BASE")
     never alerts.
   - *Vessel*: only after vessel context within `VESSEL_REACH` tokens ("M/V", "MV", "MT",
     "the vessel", "tanker", "ship": resources/vessels.yml; or "IMO" before or after), every
     name word and number of the vessel's name matched. Without it a vessel's name is never
     looked for.
5. **Scoring**: the window, widened over the capitalized words beside it that may belong to
   the same name (`EXTENT_LIMIT`, so "Mohammed Adnene Trojette" is scored whole, not as
   "Mohammed Adnene"), is screened against that one entity with the screener's scorer, as a
   query of the entity's schema; a hit at or above the threshold whose best name is not a
   weak alias is kept. Per entity, overlapping hits keep the best; a hit inside the longer
   span of a better hit of another entity is dropped ("Kim Jong" of KIM Jong Man inside "Kim
   Jong Un"); entities hit on the same span are all kept (the same person on two lists).

Long texts are read in chunks of `CHUNK` characters, each reading `OVERLAP` past its end, so
memory stays bounded whatever the input size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..screen import Hit, Screener, check_options
from ..settings import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from ._name_tables import NameTables, tables_for
from ._prose import tokenize
from ._text_scan import Scan

CHUNK = 1 << 20  # characters read at a time
OVERLAP = 2_000  # characters each chunk reads past its end, so no name is cut in two
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class TextHit:
    entity_id: str
    schema: str
    caption: str
    matched_text: str  # the span of the document as written
    start: int  # character offsets in the text given
    end: int
    score: float
    matched_name: str  # the listed name it matched
    explanation: dict[str, Any]  # the scorer's explanation (Hit.explanation)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "matched_text": self.matched_text,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "matched_name": self.matched_name,
            "explanation": self.explanation,
        }


class NameFinder:
    """Finds the listed names of one screener's lists in text. Building it walks every listed
    name once (about a second for OFAC + UN); the tables are kept per index, so a second
    finder over the same index, or a refreshed screener's old index, costs nothing."""

    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        self._tables = tables_for(screener.index, screener.sources)

    @property
    def tables(self) -> NameTables:
        """The tables of the screener's current index (rebuilt after a refresh swapped it)."""
        index = self.screener.index
        if self._tables.index is not index:
            self._tables = tables_for(index, self.screener.sources)
        return self._tables

    def find(self, text: str, *, threshold: float = DEFAULT_THRESHOLD) -> list[TextHit]:
        """Listed names in `text` scoring at least `threshold`, in text order."""
        check_options(threshold, DEFAULT_LIMIT)
        while True:
            tables = self.tables
            hits: list[TextHit] = []
            for start, cut, stop in chunks(text):
                scan = Scan(self.screener, tables, text, tokenize(text, start, stop), threshold)
                for hit, first, last in scan.hits():
                    if first < cut:
                        hits.append(text_hit(text, hit, first, last))
            if self.screener.index is tables.index:  # else a refresh swapped it: read again
                return best_hits(hits)


def text_hit(text: str, hit: Hit, start: int, end: int) -> TextHit:
    return TextHit(
        entity_id=hit.entity_id,
        schema=hit.schema,
        caption=hit.caption,
        matched_text=text[start:end],
        start=start,
        end=end,
        score=hit.score,
        matched_name=hit.matched_name,
        explanation=hit.explanation,
    )


def chunks(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, cut, stop) of each chunk: it is read from start to stop, and keeps the hits
    that start before cut; the next one starts at cut. Cuts fall on white space."""
    start = 0
    while start < len(text):
        cut = _white_space_after(text, start + CHUNK)
        yield start, cut, _white_space_after(text, cut + OVERLAP)
        start = cut


def _white_space_after(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    found = _WHITESPACE.search(text, position)
    return found.start() if found else len(text)


def best_hits(hits: list[TextHit]) -> list[TextHit]:
    """Per entity, the best of overlapping hits; and no hit whose span lies strictly within
    that of a better hit of another entity ("Kim Jong" for KIM Jong Man inside "Kim Jong Un"
    for KIM Jong Un). Entities hit on the same span are all kept. In text order."""
    kept: dict[str, list[TextHit]] = {}
    for hit in sorted(hits, key=lambda h: (-h.score, h.start, h.end - h.start)):
        taken = kept.setdefault(hit.entity_id, [])
        if all(hit.end <= other.start or hit.start >= other.end for other in taken):
            taken.append(hit)
    found = [hit for group in kept.values() for hit in group]
    covered = [
        hit
        for hit in found
        if not any(
            other.score > hit.score
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            for other in found
        )
    ]
    return sorted(covered, key=lambda h: (h.start, -h.score, h.entity_id))
