"""Name-to-name scoring: align tokens in any order, weigh them, explain every step.

This is the readable reference scorer. A name pair is compared token by token: each query
token is paired with at most one listed token (or two adjacent tokens written as one, as in
"Abdul Rahman" / "Abdulrahman"), best pairs first. The score is the weighted share of both
names that the pairs cover, leaning on the query side: a listed name with extra middle names
still matches, a query with extra unexplained names matches less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from ..text.names import NameForm, Token, TokenKind, syllables
from .joins import JoinOption, join_options
from .keys import number_value
from .name_rules import (
    EXTRA_QUERY_PENALTY,
    SINGLE_CORE_FACTOR,
    Alignment,
    extra_query_share,
    family_factor,
    single_core_fuzzy,
)
from .name_rules import listed_weights as listed_weights_of

# Spelling differences: edits within the typo budget cost TYPO_COST each; tokens up to
# TYPO_BUDGET_LENGTH letters get one such edit, longer ones two; each edit past the budget
# costs EXTRA_EDIT_COST on top of its share of the length.
TYPO_COST = 0.12
TYPO_BUDGET_LENGTH = 10
EXTRA_EDIT_COST = 0.1
# Two Latin tokens with the same consonant skeleton and broadly similar letters.
LATIN_SKELETON_SCORE = 0.85
# Pairs below this token similarity are not aligned at all.
MIN_TOKEN_SIMILARITY = 0.55
# Joined tokens are only tried when some token lacks a partner at least this close.
STRONG_TOKEN_SIMILARITY = 0.9
# Weight of the query side's coverage in the final score (the rest is the listed side's).
QUERY_SHARE = 0.6
# How much a substitution (an unmatched name token on both sides) costs beyond the missing
# coverage: "Tariq Anwar El Sayed Mohamed" is not "Tariq Anwar El Sayed Ahmed".
CONFLICT_PENALTY = 1.0
# Score of a name against its acronym ("PLA" / "People's Liberation Army").
ACRONYM_SCORE = 0.85
# How much crossing a patronymic particle costs: "Omar bin Abdullah" (Omar, son of Abdullah)
# is not "Abdullah bin Omar", though every token matches.
PATRONYMIC_PENALTY = 0.5

# A query's last word cut short ("Sabs" for "Sabsabi"): TRUNCATED_BASE plus TRUNCATED_SHARE
# times the share of the listed word it keeps; never as close as a typo.
TRUNCATED_BASE = 0.6
TRUNCATED_SHARE = 0.3
MIN_TRUNCATED_LENGTH = 3
MIN_TRUNCATED_SHARE = 0.5
# Two romanizations of one Chinese or Korean syllable (Cheol / Chol, Gyeong / Kyong).
ROMANIZATION_SCORE = 0.85
# Abjad (Arabic, Hebrew) tokens have no short vowels: letters are compared through the
# consonant skeleton, which must be long enough to mean something and never scores higher
# than two Latin spellings of one sound pattern would.
ABJAD_SKELETON_SCORE = LATIN_SKELETON_SCORE
ABJAD_SHORT_SKELETON_SCORE = 0.7
ABJAD_NEAR_FACTOR = 0.8

LATIN, ABJAD, SYLLABIC = "latin", "abjad", "syllabic"
# Latin, with a query of two words at most: syllable substitutions are not typos there.
SHORT_SYLLABLES = "short-syllables"
SHORT_QUERY = 2
SYLLABIC_SCRIPTS = frozenset({"cjk", "hangul", "hiragana", "katakana"})


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    listed: str
    similarity: float
    how: str  # exact, variant, skeleton, fuzzy, initial, joined

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "listed": self.listed,
            "similarity": round(self.similarity, 3),
            "how": self.how,
        }


@dataclass(frozen=True, slots=True)
class NameScore:
    score: float
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_listed: tuple[str, ...]
    notes: tuple[str, ...] = ()  # penalties applied, in words

    def to_json(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "pairs": [p.to_json() for p in self.pairs],
            "unmatched_query": list(self.unmatched_query),
            "unmatched_listed": list(self.unmatched_listed),
            "notes": list(self.notes),
        }


_SIMILARITY_CACHE: dict[tuple[str, str, str], tuple[float, str]] = {}
_SIMILARITY_CACHE_SIZE = 250_000  # about 50 MB per process


def token_similarity(a: Token, b: Token, mode: str = LATIN) -> tuple[float, str]:
    """`_token_similarity`, memoized on the tokens' keys (names repeat across queries)."""
    cache_key = (a.key, b.key, mode)
    found = _SIMILARITY_CACHE.get(cache_key)
    if found is None:
        if len(_SIMILARITY_CACHE) >= _SIMILARITY_CACHE_SIZE:
            _SIMILARITY_CACHE.clear()
        found = _SIMILARITY_CACHE[cache_key] = _token_similarity(a, b, mode)
    return found


def _token_similarity(a: Token, b: Token, mode: str) -> tuple[float, str]:
    """How alike two tokens are, in [0, 1], and which rule said so.

    `mode` is ABJAD when either side was written in a script without short vowels, where
    letters cannot be compared directly and the consonant skeleton carries the comparison;
    SYLLABIC when a side was written in Chinese, Japanese or Korean characters, whose
    romanized syllables must agree exactly (one character off is another name).
    """
    if a.text == b.text:
        return 1.0, "exact"
    if TokenKind.NUMBER in (a.kind, b.kind):
        value = number_value(a)
        if value is not None and value == number_value(b):
            return 1.0, "numeral"  # "III" / "3"
        return 0.0, "number"
    if TokenKind.INITIAL in (a.kind, b.kind):
        return (0.7, "initial") if a.text[0] == b.text[0] else (0.0, "initial")
    if a.variant is not None and b.variant is not None:
        # Both are known given names: the same name in two spellings, or two names.
        return (0.95, "variant") if a.variant == b.variant else (0.0, "different names")
    if mode == SYLLABIC:
        return 0.0, "syllable"
    if mode == SHORT_SYLLABLES and _other_syllables(a.text, b.text):
        # In a two-word name, two different Chinese or Korean syllables are two different
        # names, even one letter apart (Qi / Qiu, Shen / Sheng).
        if _romanization_key(a.text) == _romanization_key(b.text):
            return ROMANIZATION_SCORE, "romanization"
        return 0.0, "syllables"
    abjad = mode == ABJAD
    best, how = _spelling_similarity(a.text, b.text), "fuzzy"
    if min(len(a.text), len(b.text)) <= 3:
        best *= 0.8  # one letter off in a three-letter name is a different name
    if a.skeleton and a.skeleton == b.skeleton:
        if abjad:
            long = len(a.skeleton) >= 3
            strength = ABJAD_SKELETON_SCORE if long else ABJAD_SHORT_SKELETON_SCORE
            if not _admits(a.text, b.text):
                strength = 0.0
        elif len(a.skeleton) >= 3 and OSA.normalized_similarity(a.text, b.text) >= 0.65:
            # Two Latin spellings of one sound pattern (Prigozhin / Prigojine); letters must
            # still broadly agree, or "Sraffa" would pass for "Sharif".
            strength = LATIN_SKELETON_SCORE
        else:
            strength = 0.0
        if strength > best:
            best, how = strength, "skeleton"
    elif abjad and a.skeleton and b.skeleton and _admits(a.text, b.text):
        near = ABJAD_NEAR_FACTOR * Levenshtein.normalized_similarity(a.skeleton, b.skeleton)
        if near > best:
            best, how = near, "skeleton"
    return best, how


_ROMANIZATION_RULES = (
    ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"), ("ou", "u"), ("ae", "e"),
    ("ch", "j"), ("sh", "s"), ("k", "g"), ("t", "d"), ("p", "b"),
)  # fmt: skip


# A long vowel written in an abjad (ya, waw) must show in the Latin spelling as a vowel:
# حسين (h-s-y-n) is Husayn or Hussein, never Hassan.
# Abjads also have fewer consonants than Latin spellings use: b for b and p, f for f and v...
_LONG_VOWELS = {"y": "iye", "w": "uowv", "b": "bp", "f": "fv", "j": "jg", "k": "kcgq", "q": "qkgc"}


def _admits(a: str, b: str) -> bool:
    """The shorter spelling's consonants and long vowels appear, in order, in the longer."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    at = 0
    for letter in short:
        if letter in "aeiou":
            continue  # short vowels may or may not be written
        wanted = _LONG_VOWELS.get(letter, letter)
        while at < len(long) and long[at] not in wanted:
            at += 1
        if at == len(long):
            return False
        at += 1
    return True


def _other_syllables(a: str, b: str) -> bool:
    known = syllables()
    return a in known and b in known


def _romanization_key(text: str) -> str:
    """One spelling for the Revised Romanization and McCune-Reischauer forms of a syllable."""
    for old, new in _ROMANIZATION_RULES:
        text = text.replace(old, new)
    return text


def _truncated(query: Token, listed: Token) -> float:
    """How close a query word cut short is to the listed word it begins (0 if it does not)."""
    short, long = query.text, listed.text
    if (
        query.kind is not TokenKind.NAME
        or len(short) < MIN_TRUNCATED_LENGTH
        or len(long) <= len(short)
        or not long.startswith(short)
        or len(short) < MIN_TRUNCATED_SHARE * len(long)
    ):
        return 0.0
    return TRUNCATED_BASE + TRUNCATED_SHARE * len(short) / len(long)


def _spelling_similarity(a: str, b: str) -> float:
    """Edit similarity that forgives a typo but not a different name.

    One edit (two in tokens longer than ten letters) reads as a typo and keeps the pair close
    (0.88 per edit); beyond that budget each extra edit costs more than its share of the
    length, so "Sancho"/"Sanchez" or "Ronaldo"/"Ronaldinho" fall apart while
    "Prigozhin"/"Prigozin" holds. Transpositions count as one edit.
    """
    longest = max(len(a), len(b))
    # Below half the letters alike no rule can pair the tokens; the cutoff lets rapidfuzz stop
    # early on the many unrelated pairs.
    similarity = OSA.normalized_similarity(a, b, score_cutoff=0.5)
    if not similarity:
        return 0.0
    distance = round((1.0 - similarity) * longest)
    budget = 1 if longest <= TYPO_BUDGET_LENGTH else 2
    if distance <= budget:
        return 1.0 - TYPO_COST * distance
    return max(0.0, similarity - EXTRA_EDIT_COST * (distance - budget))


def _weight(tokens: tuple[Token, ...], indexes: tuple[int, ...]) -> float:
    return sum(tokens[i].weight for i in indexes)


_CONFLICTING = (TokenKind.NAME, TokenKind.NUMBER, TokenKind.LEGAL_FORM)


def _conflict(
    q: tuple[Token, ...], c: tuple[Token, ...], used_q: set[int], used_c: set[int]
) -> tuple[float, float]:
    """Weight of the tokens each side leaves without a partner that the other side's
    leftovers contradict: names, numbers and legal forms, and generic words ("MANAGEMENT")
    when a name stands in their place on the other side ("FIDES SHIP OVADIA" is not "FIDES
    SHIP MANAGEMENT"); a generic word against a legal form ("COMPANY" / "CO") is no conflict."""
    left_q = [t for i, t in enumerate(q) if i not in used_q]
    left_c = [t for j, t in enumerate(c) if j not in used_c]
    sides = []
    for left, other in ((left_q, left_c), (left_c, left_q)):
        kinds: tuple[TokenKind, ...] = _CONFLICTING
        if any(t.kind is TokenKind.NAME for t in other):
            kinds = (*_CONFLICTING, TokenKind.GENERIC)
        sides.append(sum(t.weight for t in left if t.kind in kinds))
    return sides[0], sides[1]


Candidate = tuple[float, float, tuple[int, ...], tuple[int, ...], str]


def _single_pairs(
    query: NameForm, listed: NameForm, mode: str
) -> tuple[list[Candidate], list[float], list[float]]:
    """Every one-to-one token pairing worth aligning, as (similarity, weight, q idx, l idx,
    how), with each query and listed token's best similarity among them."""
    q, c = query.tokens, listed.tokens
    out: list[Candidate] = []
    best_q = [0.0] * len(q)
    best_c = [0.0] * len(c)
    cache = _SIMILARITY_CACHE
    # Only a query's last word may be cut short, and only after another name word.
    latin = mode in (LATIN, SHORT_SYLLABLES)
    last = len(q) - 1 if latin and sum(t.kind is TokenKind.NAME for t in q) >= 2 else -1
    for i, qt in enumerate(q):
        for j, ct in enumerate(c):
            found = cache.get((qt.key, ct.key, mode))
            sim, how = found if found is not None else token_similarity(qt, ct, mode)
            if i == last and sim < STRONG_TOKEN_SIMILARITY and (cut := _truncated(qt, ct)) > sim:
                sim, how = cut, "truncated"
            if sim >= MIN_TOKEN_SIMILARITY:
                out.append((sim, qt.weight + ct.weight, (i,), (j,), how))
                best_q[i] = max(best_q[i], sim)
                best_c[j] = max(best_c[j], sim)
    return out, best_q, best_c


def _joined_pairs(
    query: NameForm, listed: NameForm, mode: str, options: list[JoinOption]
) -> list[Candidate]:
    q, c = query.tokens, listed.tokens
    out: list[Candidate] = []
    for qi, cj, joined, other, least in options:
        sim, _ = token_similarity(joined, other, mode)
        if sim >= least:
            out.append((sim, _weight(q, qi) + _weight(c, cj), qi, cj, "joined"))
    return out


def _score_bound(
    query: NameForm,
    listed_weights: list[float],
    totals: tuple[float, float],
    best_q: list[float],
    best_c: list[float],
    options: list[JoinOption],
) -> float:
    """The most the alignment can score: every token paired at its best similarity, and
    every token a join could cover at 1.0. The whole-name rules only scale a score down."""
    best_q, best_c = list(best_q), list(best_c)
    for qi, cj, *_ in options:
        for i in qi:
            best_q[i] = 1.0
        for j in cj:
            best_c[j] = 1.0
    covered_q = sum(t.weight * m for t, m in zip(query.tokens, best_q, strict=True))
    covered_c = sum(w * m for w, m in zip(listed_weights, best_c, strict=True))
    return QUERY_SHARE * covered_q / totals[0] + (1 - QUERY_SHARE) * covered_c / totals[1]


def _acronym(short: NameForm, long: NameForm) -> bool:
    """ "PLA" for "People's Liberation Army": one token spelling the other's initials."""
    if len(short.tokens) != 1 or not 2 <= len(short.tokens[0].text) <= 6:
        return False
    initials = "".join(
        t.text[0] for t in long.tokens if t.kind not in (TokenKind.PARTICLE, TokenKind.LEGAL_FORM)
    )
    return len(initials) >= 2 and initials == short.tokens[0].text


_NOT_WORD = re.compile(r"[\W_]+")


def _compare_characters(query: NameForm, listed: NameForm) -> NameScore:
    """Two names both written in Chinese, Japanese or Korean characters.

    Romanization merges characters that sound alike (石 and 市 are both "shi"), so compare
    the characters themselves; one character off in a three-character name is another person.
    Token order is free (family name first or last).
    """
    a = _NOT_WORD.sub("", query.original)
    b = _NOT_WORD.sub("", listed.original)
    flipped = _NOT_WORD.sub("", "".join(reversed(query.original.split())))
    sim = max(OSA.normalized_similarity(a, b), OSA.normalized_similarity(flipped, b)) ** 2
    return NameScore(sim, (TokenPair(a, b, sim, "characters"),), (), ())


def _patronymic_crossing(q: tuple[Token, ...], c: tuple[Token, ...], chosen: Alignment) -> float:
    """Share of aligned weight whose tokens sit on opposite sides of "bin"/"ibn" in each name."""
    q_bin = [i for i, t in enumerate(q) if t.variant == "bin"]
    c_bin = [j for j, t in enumerate(c) if t.variant == "bin"]
    if len(q_bin) != 1 or len(c_bin) != 1:
        return 0.0
    crossed = total = 0.0
    for qi, cj in chosen:
        weight = _weight(q, qi)
        total += weight
        if (qi[0] < q_bin[0]) != (cj[0] < c_bin[0]) and qi[0] != q_bin[0]:
            crossed += weight
    return crossed / total if total else 0.0


def compare_name_forms(query: NameForm, listed: NameForm) -> NameScore:
    """Score two analysed names (see the module docstring)."""
    found = compare_name_forms_above(query, listed, 0.0)
    assert found is not None  # no score is below 0
    return found


def compare_name_forms_above(query: NameForm, listed: NameForm, floor: float) -> NameScore | None:
    """`compare_name_forms`, or None when the pair cannot score `floor` (a cheap bound on
    the alignment, checked before joined tokens are compared and the rules applied). The
    same score whenever it answers: screening skips the hopeless pairs and nothing else."""
    q, c = query.tokens, listed.tokens
    if not q or not c:
        return NameScore(0.0, (), tuple(t.text for t in q), tuple(t.text for t in c))
    if query.script == listed.script and query.script in SYLLABIC_SCRIPTS:
        return _compare_characters(query, listed)
    if _acronym(query, listed) or _acronym(listed, query):
        pair = TokenPair(query.text, listed.text, ACRONYM_SCORE, "acronym")
        return NameScore(ACRONYM_SCORE, (pair,), (), ())
    if {query.script, listed.script} & SYLLABIC_SCRIPTS:
        mode = SYLLABIC
    elif query.abjad or listed.abjad:
        mode = ABJAD
    elif len(q) <= SHORT_QUERY:
        mode = SHORT_SYLLABLES
    else:
        mode = LATIN
    used_q: set[int] = set()
    used_c: set[int] = set()
    listed_weights = listed_weights_of(listed)
    pairs: list[TokenPair] = []
    chosen: Alignment = []
    notes: list[str] = []
    covered_q = covered_c = 0.0
    total_q = _weight(q, tuple(range(len(q))))
    total_c = sum(listed_weights)
    candidates, best_q, best_c = _single_pairs(query, listed, mode)
    strong = min(best_q) >= STRONG_TOKEN_SIMILARITY and min(best_c) >= STRONG_TOKEN_SIMILARITY
    abjad_least = ABJAD_SKELETON_SCORE if mode == ABJAD else None
    options = [] if strong else join_options(q, c, abjad_least)
    if floor > 0:
        bound = _score_bound(query, listed_weights, (total_q, total_c), best_q, best_c, options)
        if bound < floor - 1e-9:
            return None
    candidates += _joined_pairs(query, listed, mode, options)
    candidates.sort(key=lambda p: (p[0], p[1]), reverse=True)
    for sim, _weight_sum, qi, cj, how in candidates:
        if used_q.intersection(qi) or used_c.intersection(cj):
            continue
        used_q.update(qi)
        used_c.update(cj)
        chosen.append((qi, cj))
        covered_q += sim * _weight(q, qi)
        covered_c += sim * sum(listed_weights[j] for j in cj)
        pairs.append(
            TokenPair(" ".join(q[i].text for i in qi), " ".join(c[j].text for j in cj), sim, how)
        )
    score = QUERY_SHARE * covered_q / total_q + (1 - QUERY_SHARE) * covered_c / total_c
    unmatched_q, unmatched_c = _conflict(q, c, used_q, used_c)
    conflict = min(unmatched_q / total_q, unmatched_c / total_c)
    if conflict:
        score *= 1 - CONFLICT_PENALTY * conflict
        notes.append(f"conflicting tokens on both sides (-{CONFLICT_PENALTY * conflict:.0%})")
    if crossing := _patronymic_crossing(q, c, chosen):
        score *= 1 - PATRONYMIC_PENALTY * crossing
        notes.append(f"names cross bin/ibn (-{PATRONYMIC_PENALTY * crossing:.0%})")
    sims = [p.similarity for p in pairs]
    if extra := extra_query_share(q, c, used_q, used_c, total_q):
        score *= 1 - EXTRA_QUERY_PENALTY * extra
        notes.append(f"name words not on the list (-{EXTRA_QUERY_PENALTY * extra:.0%})")
    if family := family_factor(listed, used_c, q, sims, chosen):
        score *= family
        notes.append(f"the family name is not matched (-{1 - family:.0%})")
    if mode in (LATIN, SHORT_SYLLABLES) and single_core_fuzzy(q, c, chosen, sims):
        score *= SINGLE_CORE_FACTOR
        notes.append(f"one distinctive word, matched loosely (-{1 - SINGLE_CORE_FACTOR:.0%})")
    return NameScore(
        max(0.0, min(1.0, score)),
        tuple(pairs),
        tuple(t.text for i, t in enumerate(q) if i not in used_q),
        tuple(t.text for j, t in enumerate(c) if j not in used_c),
        tuple(notes),
    )
