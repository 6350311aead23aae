"""The scan of one stretch of text for listed names: where keys occur, which listed names
they lead to, the rules a window must meet, and the scoring (see textnames.py for all of it).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA

from ..errors import QueryError
from ..model import NameKind
from ..screen import Hit, Query, Screener, prepare_query
from ..text.names import NameForm, Token, TokenKind, analyze_name, make_token
from ..text.phonetic import skeleton
from ..text.resources import honorifics
from ._common_words import common_words
from ._name_tables import NameClass, NameTables, Plain, distinctive
from ._prose import ProseTokens

MAX_GAP = 3  # tokens at most between two keys of one group
SPAN_SLACK = 2  # a window holds at most this many tokens more than the listed name
VESSEL_REACH = 3  # a vessel name starts at most this many tokens after its context word
VESSEL_LOOK = 8  # tokens looked at beside a vessel context word
MIN_EDIT_LENGTH = 5  # tokens this long may match one edit away
ALL_KEYS_UP_TO = 3  # an organisation's distinctive tokens must all be matched up to this many
SHORT_KEY = 3  # letters of a one-key name that must be written in capitals (an acronym)
EXTENT_LIMIT = 2  # capitalized words a window is widened by on each side
LEGAL_REACH = 3  # words around a one-key name where its legal form is looked for


@dataclass(frozen=True, slots=True)
class _Match:
    position: int  # the text token
    exact: bool


class Scan:
    """One chunk of text: its tokens, where keys occur, and the hits they lead to."""

    def __init__(
        self,
        screener: Screener,
        tables: NameTables,
        text: str,
        prose: ProseTokens,
        threshold: float,
    ) -> None:
        self.screener, self.tables, self.text = screener, tables, text
        self.prose, self.threshold = prose, threshold
        self.break_at = [i for i, broken in enumerate(prose.breaks) if broken]
        self.scored: dict[tuple[int, str], Hit | None] = {}
        self.found: list[tuple[Hit, int, int]] = []

    # -- where keys occur ---------------------------------------------------------------------
    def hits(self) -> list[tuple[Hit, int, int]]:
        """(hit, start, end) of every window that scored; overlaps are left to the caller."""
        tokens = self.prose.tokens
        if not tokens:
            return []
        keyed: dict[int, set[int]] = {}
        for position, key in self._search(self.tables.texts, tokens):
            keyed.setdefault(position, set()).add(key)
        skeletons = {t: skeleton(t) or "_" for t in set(tokens)}
        for position, key in self._search(self.tables.skeletons, [skeletons[t] for t in tokens]):
            keyed.setdefault(position, set()).add(key)
        for group in self._groups(sorted(keyed)):
            for name_id in self._candidates(group, keyed):
                self._verify(name_id, group)
        for position, imo in self._search(self.tables.context, tokens):
            self._vessels(position, bool(imo))
        return self.found

    @staticmethod
    def _search(automaton: Any, tokens: list[str]) -> Iterator[tuple[int, int]]:
        """(token position, value) of every key in the space-joined tokens; a key of several
        tokens gives its last one."""
        if not len(automaton):
            return
        offsets = list(accumulate((len(t) + 1 for t in tokens), initial=1))
        for end, value in automaton.iter(" " + " ".join(tokens) + " "):
            yield bisect.bisect_right(offsets, end - 1) - 1, value

    def segment(self, position: int) -> tuple[int, int]:
        """First and last token of the stretch without breaks that holds `position`."""
        i = bisect.bisect_right(self.break_at, position)
        first = self.break_at[i - 1] if i else 0
        last = self.break_at[i] - 1 if i < len(self.break_at) else len(self.prose.tokens) - 1
        return first, last

    def _groups(self, positions: list[int]) -> Iterator[list[int]]:
        group: list[int] = []
        for position in positions:
            if group and (
                position - group[-1] > MAX_GAP + 1
                or self.segment(position)[0] != self.segment(group[-1])[0]
            ):
                yield group
                group = []
            group.append(position)
        if group:
            yield group

    def _candidates(self, group: list[int], keyed: dict[int, set[int]]) -> list[int]:
        """Names posted under keys of two of the group's tokens, or that one key can make
        eligible."""
        postings, solos = self.tables.postings, self.tables.solos
        keys = [key for position in group for key in keyed[position]]
        found = [solos(key) for key in keys]
        if len(group) > 1:
            per_token = [
                np.unique(np.concatenate([postings(key) for key in keyed[position]]))
                for position in group
            ]
            ids, counts = np.unique(np.concatenate(per_token), return_counts=True)
            found.append(ids[counts >= 2])
        return list(np.unique(np.concatenate(found)).tolist()) if found else []

    # -- rules --------------------------------------------------------------------------------
    def _verify(self, name_id: int, group: list[int]) -> None:
        tokens = self.tables.index.name(name_id).form.tokens
        reach = len(tokens) + SPAN_SLACK
        first, last = self.segment(group[0])
        low, high = max(first, group[0] - reach), min(last, group[-1] + reach)
        self._match(name_id, NameClass(self.tables.classes[name_id]), tokens, low, high)

    def _vessels(self, position: int, imo: bool) -> None:
        """Vessel names beside a context word: after it, and before it too for "IMO"."""
        n = len(self.prose.tokens)
        sides = []
        if position + 1 < n:
            high = min(self.segment(position + 1)[1], position + VESSEL_LOOK)
            sides.append((position + 1, high, True))
        if imo and position > 0:
            low = max(self.segment(position - 1)[0], position - VESSEL_LOOK)
            sides.append((low, position - 1, False))
        for low, high, after in sides:
            names: set[int] = set()
            for q in range(low, high + 1):
                found = self.tables.vessels.get(self.prose.tokens[q])
                if found is not None:
                    names.update(found.tolist())
            for name_id in sorted(names):
                tokens = self.tables.index.name(name_id).form.tokens
                near = (low, position + VESSEL_REACH) if after else (position - VESSEL_REACH, high)
                self._match(name_id, NameClass.VESSEL, tokens, low, high, near)

    def _match(
        self,
        name_id: int,
        cls: NameClass,
        tokens: tuple[Token, ...],
        low: int,
        high: int,
        near: tuple[int, int] | None = None,
    ) -> None:
        """Score the window of text tokens low..high where `tokens` match best, when the
        rules for `cls` hold there. `near`: a vessel's window must start (after context) or
        end (before "IMO") within it."""
        marks = [distinctive(t, cls is NameClass.PERSON) for t in tokens]
        options = [
            (q, found) for q in range(low, high + 1) if (found := self._pairs(q, tokens, marks))
        ]
        while options:  # one window per mention: "Dan Gertler ... Gertler, Dan" gives two
            window = _best_window(options, len(tokens) + SPAN_SLACK)
            if window is None:
                return
            a, b, got = window
            options = [option for option in options if not a <= option[0] <= b]
            if near is not None and not (near[0] <= a <= near[1] or near[0] <= b <= near[1]):
                continue
            if self._eligible(name_id, cls, tokens, marks, got):
                self._score_window(name_id, len(tokens), a, b)

    def _score_window(self, name_id: int, size: int, a: int, b: int) -> None:
        """Score the entity of `name_id` on the window a..b (a listed name of `size` tokens),
        widened to the whole name as the text writes it; keep the hit if there is one."""
        position = int(self.tables.index.name_entity[name_id])
        schema = self.tables.index.schema_names[self.tables.index.entity_schema[position]]
        first, last = self.segment(a)
        x, y = self._extent(a, b, first, last)
        spans = [(x, y)]
        if (x, y) == (a, b) and b - a + 2 <= size + SPAN_SLACK:
            # A neighbour the rules did not match (a lower-case or common word) may still be
            # a spelling of the name's missing token: the scorer decides.
            spans += [(a - 1, b)] if a - 1 >= first else []
            spans += [(a, b + 1)] if b + 1 <= last else []
        scored = [(self._score(position, schema, x, y), x, y) for x, y in spans]
        kept = [
            (hit, x, y)
            for hit, x, y in scored
            if hit is not None and (schema != "Person" or self._initials_agree(hit, x, y))
        ]
        if kept:
            hit, x, y = max(kept, key=lambda item: (item[0].score, item[1] - item[2]))
            self.found.append((hit, *self._span(x, y)))

    def _initials_agree(self, hit: Hit, a: int, b: int) -> bool:
        """Every initial the text gives a person ("Dmitry V. Levin") begins a name word of the
        listed name that the text does not write in full: "V." is not "Olegovich"."""
        initials = [t for t in self.prose.tokens[a : b + 1] if len(t) == 1 and t.isalpha()]
        if not initials:
            return True
        written = set(self.prose.tokens[a : b + 1])
        listed = analyze_name(hit.matched_name, "Person").tokens
        open_letters = {t.text[0] for t in listed if len(t.text) > 1 and t.text not in written}
        return all(letter in open_letters for letter in initials)

    def _extent(self, a: int, b: int, first: int, last: int) -> tuple[int, int]:
        """The window a..b widened over the capitalized words beside it that may belong to
        the same name (at most EXTENT_LIMIT on each side): prose writes a person or a firm
        by all of its name, so "Mohammed Adnene Trojette" is scored whole."""
        x, y = a, b
        while x > first and a - x < EXTENT_LIMIT and self._name_like(x - 1, x):
            x -= 1
        while y < last and y - b < EXTENT_LIMIT and self._name_like(y + 1, y):
            y += 1
        return x, y

    def _name_like(self, q: int, beside: int) -> bool:
        """A capitalized Latin word that is no common word, title, particle or number, with
        nothing but white space (or a hyphen) between it and the window's word `beside`."""
        prose = self.prose
        word = prose.word_of[q]
        if not prose.latin[word] or not prose.capital[word]:
            return False
        left, right = sorted((word, prose.word_of[beside]))
        gap = self.text[prose.ends[left] : prose.starts[right]].strip()
        if (
            left != right
            and gap not in ("", "-")
            and not (gap == "." and len(prose.words[left]) == 1)
        ):
            return False  # "Rosneft, Hamas": a list of names, not one name
        text = prose.tokens[q]
        if len(text) == 1:  # an initial, when written with its full stop ("Dmitry V. Levin")
            return self.text[prose.ends[word] : prose.ends[word] + 1] == "."
        if text in common_words() or text in _titles():
            return False
        return make_token(text, False).kind not in (TokenKind.PARTICLE, TokenKind.NUMBER)

    def _pairs(
        self, q: int, tokens: tuple[Token, ...], marks: list[bool]
    ) -> list[tuple[tuple[int, ...], bool]]:
        """The listed tokens the text token at `q` can stand for, each as (listed positions,
        exact): one token, or two adjacent ones written as one word ("Abdulrahman")."""
        text = self.prose.tokens[q]
        word = self.prose.word_of[q]
        capital = self.prose.capital[word] or not self.prose.latin[word]
        out: list[tuple[tuple[int, ...], bool]] = []
        analysed: Token | None = None
        for j, listed in enumerate(tokens):
            if listed.text == text:
                exact = True
            elif j + 1 < len(tokens) and text == listed.text + tokens[j + 1].text:
                out.append(((j, j + 1), True))
                continue
            else:
                analysed = analysed or make_token(text, False)
                if not _alike(analysed, listed):
                    continue
                exact = False
            if not capital and not marks[j] and listed.kind in _CAPITALIZED:
                continue  # a common word in lower case is prose, not a name
            out.append(((j,), exact))
        out.sort(key=lambda option: (not option[1], -len(option[0])))  # exact ones first
        return out

    def _eligible(
        self,
        name_id: int,
        cls: NameClass,
        tokens: tuple[Token, ...],
        marks: list[bool],
        got: dict[int, _Match],
    ) -> bool:
        kinds = [t.kind for t in tokens]
        if cls is NameClass.PERSON:
            names = [j for j in got if kinds[j] is TokenKind.NAME]
            words = {got[j].position for j in names}  # "Abdulrahman" alone is one word
            return len(words) >= 2 and any(marks[j] for j in names)
        wanted: tuple[TokenKind, ...] = (TokenKind.NAME, TokenKind.NUMBER)
        if cls is NameClass.VESSEL:
            needed = [j for j, kind in enumerate(kinds) if kind in wanted]
            return (
                bool(needed)
                and all(j in got for j in needed)
                and any(m.exact for m in got.values())
            )
        keys = [j for j, mark in enumerate(marks) if mark]
        if len(keys) >= 2:
            have = sum(1 for j in keys if j in got)
            return have >= (len(keys) if len(keys) <= ALL_KEYS_UP_TO else len(keys) - 1)
        return self._one_key(name_id, tokens, keys[0], got)

    def _one_key(
        self, name_id: int, tokens: tuple[Token, ...], key: int, got: dict[int, _Match]
    ) -> bool:
        """An organisation with one distinctive token: written exactly and not in lower case,
        with every other word of the listed name. A key of three letters or fewer, or one
        that is a given name, never alerts on its own (initials, abbreviations, someone's
        first name); one that is a dictionary word or a given name needs the firm's legal
        form beside it ("Rust CJSC", "OOO Markus")."""
        if key not in got or not got[key].exact:
            return False
        word = self.prose.word_of[got[key].position]
        if self.prose.latin[word] and not self.prose.capital[word]:
            return False  # "rust", "planar": a word of the sentence, not a name
        kinds = [t.kind for t in tokens]
        others = [j for j, kind in enumerate(kinds) if j != key and kind is not TokenKind.PARTICLE]
        plain = Plain(int(self.tables.plain[name_id]))
        if not others and (len(tokens[key].text) <= SHORT_KEY or Plain.GIVEN_NAME in plain):
            return False
        wanted = (TokenKind.NAME, TokenKind.NUMBER, TokenKind.GENERIC, TokenKind.INITIAL)
        if not all(j in got for j in others if kinds[j] in wanted):
            return False
        forms = {t.text for t in tokens if t.kind is TokenKind.LEGAL_FORM}
        if forms and (len(tokens[key].text) <= SHORT_KEY or plain):
            return self._legal_form_near({m.position for m in got.values()}, forms)
        return True

    def _legal_form_near(self, positions: set[int], forms: set[str]) -> bool:
        """Whether one of the listed legal `forms` ("jsc", "llc") is written, capitalized,
        within LEGAL_REACH words of the matched tokens ("Rust CJSC", "OOO Markus"; not
        "written in Rust", where a legal-form table could read "in" as one)."""
        prose = self.prose
        first, last = self.segment(min(positions))
        low = prose.word_of[max(first, min(positions) - LEGAL_REACH)]
        high = prose.word_of[min(last, max(positions) + LEGAL_REACH)]
        words = [
            prose.words[w]
            for w in range(low, high + 1)
            if prose.capital[w] and (len(prose.words[w]) > 2 or prose.upper[w])
        ]
        found = analyze_name(" ".join(words), "Organization").tokens if words else ()
        return any(t.kind is TokenKind.LEGAL_FORM and t.text in forms for t in found)

    # -- scoring ------------------------------------------------------------------------------
    def _score(self, position: int, schema: str, a: int, b: int) -> Hit | None:
        """The entity at `position` scored against the text tokens a..b, with its schema."""
        words = range(self.prose.word_of[a], self.prose.word_of[b] + 1)
        name = " ".join(self._query_word(w) for w in words)
        key = (position, name)
        if key not in self.scored:
            self.scored[key] = None
            try:
                query, form = _prepared(name, schema)
            except QueryError:
                return None  # nothing left to match (or too long): no hit
            hit = self.screener.score_entity(position, query, form, self.threshold)
            if hit is not None and hit.matched_kind != NameKind.WEAK.value:
                self.scored[key] = hit
        return self.scored[key]

    def _query_word(self, word: int) -> str:
        """The word as a query writes it; an initial keeps its full stop ("J. Smith")."""
        text = self.prose.words[word]
        end = self.prose.ends[word]
        if len(text) == 1 and self.text[end : end + 1] == ".":
            return text + "."
        return text

    def _span(self, a: int, b: int) -> tuple[int, int]:
        """Offsets in the text of the tokens a..b."""
        return self.prose.starts[self.prose.word_of[a]], self.prose.ends[self.prose.word_of[b]]


# Listed token kinds that only count when the text writes them with a capital, unless they
# are distinctive: name words (common or short ones) and generic company words.
_CAPITALIZED = (TokenKind.NAME, TokenKind.GENERIC)


@cache
def _titles() -> frozenset[str]:
    return frozenset(honorifics())


def _alike(text: Token, listed: Token) -> bool:
    """A text token that is a spelling variant of a listed one (not the same text)."""
    if listed.variant is not None and text.variant == listed.variant:
        return True  # a given-name variant group, or one particle spelt two ways
    if listed.kind is not TokenKind.NAME or len(listed.text) < 3 or len(text.text) < 3:
        return False
    if len(listed.skeleton) >= 3 and text.skeleton == listed.skeleton:
        return True
    if min(len(text.text), len(listed.text)) < MIN_EDIT_LENGTH:
        return False
    return OSA.distance(text.text, listed.text, score_cutoff=1) <= 1


def _best_window(
    options: list[tuple[int, list[tuple[tuple[int, ...], bool]]]], reach: int
) -> tuple[int, int, dict[int, _Match]] | None:
    """The text span of at most `reach` tokens matching the most listed tokens (ties: the
    shortest, then the first): its first and last token and what each listed token matched.
    Each text token stands for one listed token (or two, written as one word), each listed
    token for one text token."""
    best: tuple[tuple[int, int], int, int, dict[int, _Match]] | None = None
    for start, (a, _) in enumerate(options):
        got: dict[int, _Match] = {}
        b = a
        for q, choices in options[start:]:
            if q >= a + reach:
                break
            for listed, exact in choices:
                if not any(j in got for j in listed):
                    got.update((j, _Match(q, exact)) for j in listed)
                    b = q
                    break
        rank = (len(got), a - b)
        if best is None or rank > best[0]:
            best = (rank, a, b, got)
    return None if best is None else best[1:]


_FORMS: dict[tuple[str, str], tuple[Query, NameForm]] = {}


def _prepared(name: str, schema: str) -> tuple[Query, NameForm]:
    """A window as a query of the entity's schema, analysed (kept: prose repeats names)."""
    key = (name, schema)
    found = _FORMS.get(key)
    if found is None:
        if len(_FORMS) > 100_000:
            _FORMS.clear()
        found = _FORMS[key] = prepare_query(Query(name=name, schema=schema))
    return found
