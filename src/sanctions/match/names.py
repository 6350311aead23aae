"""Name-to-name scoring: align tokens in any order, weigh them, explain every step.

This is the readable reference scorer. A name pair is compared token by token: each query
token is paired with at most one listed token (or two adjacent tokens written as one, as in
"Abdul Rahman" / "Abdulrahman"), best pairs first. The score is the weighted share of both
names that the pairs cover, leaning on the query side: a listed name with extra middle names
still matches, a query with extra unexplained names matches less.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ..text.names import NameForm, Token, TokenKind

# Pairs below this token similarity are not aligned at all.
MIN_TOKEN_SIMILARITY = 0.55
# Weight of the query side's coverage in the final score (the rest is the listed side's).
QUERY_SHARE = 0.6
# How much a substitution (an unmatched name token on both sides) costs beyond the missing
# coverage: "Tariq Anwar El Sayed Mohamed" is not "Tariq Anwar El Sayed Ahmed".
CONFLICT_PENALTY = 0.6
# Score of a name against its acronym ("PLA" / "People's Liberation Army").
ACRONYM_SCORE = 0.85

LATIN, ABJAD, SYLLABIC = "latin", "abjad", "syllabic"
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

    def to_json(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "pairs": [p.to_json() for p in self.pairs],
            "unmatched_query": list(self.unmatched_query),
            "unmatched_listed": list(self.unmatched_listed),
        }


_SIMILARITY_CACHE: dict[tuple[str, str, str], tuple[float, str]] = {}
_SIMILARITY_CACHE_SIZE = 2_000_000


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
        return 0.0, "number"
    if TokenKind.INITIAL in (a.kind, b.kind):
        return (0.7, "initial") if a.text[0] == b.text[0] else (0.0, "initial")
    if a.variant is not None and b.variant is not None:
        # Both are known given names: the same name in two spellings, or two names.
        return (0.95, "variant") if a.variant == b.variant else (0.0, "different names")
    if mode == SYLLABIC:
        return 0.0, "syllable"
    abjad = mode == ABJAD
    best, how = Levenshtein.normalized_similarity(a.text, b.text), "fuzzy"
    if min(len(a.text), len(b.text)) <= 3:
        best *= 0.8  # one letter off in a three-letter name is a different name
    if a.skeleton and a.skeleton == b.skeleton:
        strength = 0.92 if abjad or len(a.skeleton) >= 3 else 0.8 if len(a.skeleton) == 2 else 0.0
        if strength > best:
            best, how = strength, "skeleton"
    elif abjad and a.skeleton and b.skeleton:
        near = 0.9 * Levenshtein.normalized_similarity(a.skeleton, b.skeleton)
        if near > best:
            best, how = near, "skeleton"
    return best, how


def _weight(tokens: tuple[Token, ...], indexes: tuple[int, ...]) -> float:
    return sum(tokens[i].weight for i in indexes)


def _unmatched_names(tokens: tuple[Token, ...], used: set[int]) -> float:
    """Weight of the name and number tokens left without a partner."""
    kinds = (TokenKind.NAME, TokenKind.NUMBER)
    return sum(t.weight for i, t in enumerate(tokens) if i not in used and t.kind in kinds)


def _candidate_pairs(
    query: NameForm, listed: NameForm, mode: str
) -> list[tuple[float, float, tuple[int, ...], tuple[int, ...], str]]:
    """Every token pairing worth considering, as (similarity, weight, q idx, l idx, how)."""
    q, c = query.tokens, listed.tokens
    out = []
    for i, qt in enumerate(q):
        for j, ct in enumerate(c):
            sim, how = token_similarity(qt, ct, mode)
            if sim >= MIN_TOKEN_SIMILARITY:
                out.append((sim, qt.weight + ct.weight, (i,), (j,), how))
    # Two or three adjacent tokens written as one on the other side.
    for side_form, other, flip in ((query, c, False), (listed, q, True)):
        side = side_form.tokens
        for group, joined in side_form.joins:
            for j, ot in enumerate(other):
                if ot.text[0] != joined.text[0]:
                    continue
                sim, _ = token_similarity(joined, ot, mode)
                if sim >= 0.8:
                    weight = _weight(side, group) + ot.weight
                    qi, cj = ((j,), group) if flip else (group, (j,))
                    out.append((sim, weight, qi, cj, "joined"))
    out.sort(key=lambda p: (p[0], p[1]), reverse=True)
    return out


def _acronym(short: NameForm, long: NameForm) -> bool:
    """ "PLA" for "People's Liberation Army": one token spelling the other's initials."""
    if len(short.tokens) != 1 or not 2 <= len(short.tokens[0].text) <= 6:
        return False
    initials = "".join(
        t.text[0] for t in long.tokens if t.kind not in (TokenKind.PARTICLE, TokenKind.LEGAL_FORM)
    )
    return len(initials) >= 2 and initials == short.tokens[0].text


def compare_name_forms(query: NameForm, listed: NameForm) -> NameScore:
    """Score two analysed names (see the module docstring)."""
    q, c = query.tokens, listed.tokens
    if not q or not c:
        return NameScore(0.0, (), tuple(t.text for t in q), tuple(t.text for t in c))
    if _acronym(query, listed) or _acronym(listed, query):
        pair = TokenPair(query.text, listed.text, ACRONYM_SCORE, "acronym")
        return NameScore(ACRONYM_SCORE, (pair,), (), ())
    if {query.script, listed.script} & SYLLABIC_SCRIPTS:
        mode = SYLLABIC
    elif query.abjad or listed.abjad:
        mode = ABJAD
    else:
        mode = LATIN
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[TokenPair] = []
    covered_q = covered_c = 0.0
    for sim, _weight_sum, qi, cj, how in _candidate_pairs(query, listed, mode):
        if used_q.intersection(qi) or used_c.intersection(cj):
            continue
        used_q.update(qi)
        used_c.update(cj)
        covered_q += sim * _weight(q, qi)
        covered_c += sim * _weight(c, cj)
        pairs.append(
            TokenPair(" ".join(q[i].text for i in qi), " ".join(c[j].text for j in cj), sim, how)
        )
    total_q = _weight(q, tuple(range(len(q))))
    total_c = _weight(c, tuple(range(len(c))))
    score = QUERY_SHARE * covered_q / total_q + (1 - QUERY_SHARE) * covered_c / total_c
    conflict = min(_unmatched_names(q, used_q) / total_q, _unmatched_names(c, used_c) / total_c)
    score -= CONFLICT_PENALTY * conflict
    return NameScore(
        max(0.0, min(1.0, score)),
        tuple(pairs),
        tuple(t.text for i, t in enumerate(q) if i not in used_q),
        tuple(t.text for j, t in enumerate(c) if j not in used_c),
    )
