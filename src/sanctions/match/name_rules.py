"""Whole-name rules the reference scorer (`names.py`) applies after aligning tokens.

Each rule looks at which tokens were paired and how closely, and scales the score when the
alignment, though close token by token, does not say "the same name": a family name left
out, a look-alike's extra words, one short distinctive word matched loosely. Each returns a
factor or a share; `compare_name_forms` applies it and writes the note.
"""

from __future__ import annotations

from ..text.names import NameForm, Token, TokenKind

Alignment = list[tuple[tuple[int, ...], tuple[int, ...]]]

# A name with one distinctive word (the rest legal forms, generic words, particles) matched
# only by spelling similarity is scaled down: "Lima" is not "AO LAMA".
SINGLE_CORE_FACTOR = 0.85
SINGLE_CORE_SURE = 0.95
# Cores longer than this are distinctive enough that one typo in them still reads as a typo.
SINGLE_CORE_LENGTH = 6
# Name words the query has and the listed name lacks, when every listed word is matched: a
# look-alike ("Abdul Aziz Malzer" for "AZIZ, Abdul") is somebody else more often than not.
EXTRA_QUERY_PENALTY = 0.2
# A listed person's given names after the first (middle names) count this much on the listed
# side: queries often leave them out ("S. Mumbengegwi" for "MUMBENGEGWI, Samuel Simbarashe").
MIDDLE_NAME_SHARE = 0.5

# A listed person written "FAMILY, Given": a query that matches none of the family name is
# scaled by FAMILY_MISSING, one that misses the first of several family names (the Spanish
# paternal surname) by FIRST_FAMILY_MISSING. "Waheed Mahmoud" is not "SBEITY, Waheed Mahmoud".
FAMILY_MISSING = 0.8
FIRST_FAMILY_MISSING = 0.8
# ... and by FUZZY_FAMILY when the family name is matched only by spelling similarity (below
# FAMILY_SURE): "Lola Hernandez" is not "LOZA HERNANDEZ, Miguel" on that evidence alone.
FUZZY_FAMILY = 0.9
FAMILY_SURE = 0.9


def listed_weights(listed: NameForm) -> list[float]:
    """Each listed token's weight, middle names (given names after the first) counted at
    MIDDLE_NAME_SHARE when the name says which tokens are the family name."""
    weights = [t.weight for t in listed.tokens]
    if listed.family:
        for j in range(listed.family + 1, len(weights)):
            weights[j] *= MIDDLE_NAME_SHARE
    return weights


def extra_query_share(
    q: tuple[Token, ...], c: tuple[Token, ...], used_q: set[int], used_c: set[int], total: float
) -> float:
    """Share of the query's weight in name words left over before or after the matched ones
    when the whole listed name is matched. Words between matched ones are middle names a
    list often leaves out ("Sergey Viktorovich Lavrov"); when both sides have leftovers,
    the conflict penalty applies instead."""
    if not used_q or any(t.kind is TokenKind.NAME and j not in used_c for j, t in enumerate(c)):
        return 0.0
    first, last = min(used_q), max(used_q)
    extra = sum(
        t.weight
        for i, t in enumerate(q)
        if i not in used_q and t.kind is TokenKind.NAME and not first < i < last
    )
    return extra / total


def family_factor(
    listed: NameForm,
    used: set[int],
    q: tuple[Token, ...],
    sims: list[float],
    chosen: Alignment,
) -> float:
    """FAMILY_MISSING, FIRST_FAMILY_MISSING or FUZZY_FAMILY when a query of two or more name
    words leaves the listed family name (or its first part) unmatched, or matches it only
    loosely; 0.0 when the rule does not apply."""
    family = [i for i in range(listed.family) if listed.tokens[i].kind is TokenKind.NAME]
    if not family or sum(t.kind is TokenKind.NAME for t in q) < 2:
        return 0.0
    if not used.intersection(family):
        return FAMILY_MISSING
    if len(family) >= 2 and family[0] not in used:
        return FIRST_FAMILY_MISSING
    best = max(
        (s for s, (_, cj) in zip(sims, chosen, strict=True) if set(cj) & set(family)),
        default=0.0,
    )
    return FUZZY_FAMILY if best < FAMILY_SURE else 0.0


_ORG_WORDS = (TokenKind.LEGAL_FORM, TokenKind.GENERIC)


def _listed_words_left(q: tuple[Token, ...], c: tuple[Token, ...], used_c: set[int]) -> bool:
    """An organization query of one distinctive word ("Gomez Inc") against a listed name
    with distinctive words it lacks ("GOMEZ MARIN LTDA")."""
    if not any(t.kind in _ORG_WORDS for t in q):
        return False
    return any(t.kind is TokenKind.NAME and j not in used_c for j, t in enumerate(c))


def single_core_fuzzy(
    q: tuple[Token, ...], c: tuple[Token, ...], chosen: Alignment, sims: list[float]
) -> bool:
    """A side whose one distinctive (name) word of up to SINGLE_CORE_LENGTH letters is
    paired only loosely, or an organization query of one such word that leaves distinctive
    listed words over."""
    used = ({i for qi, _ in chosen for i in qi}, {j for _, cj in chosen for j in cj})
    for side, tokens in ((0, q), (1, c)):
        cores = [i for i, t in enumerate(tokens) if t.kind is TokenKind.NAME]
        if len(cores) != 1:
            continue
        if side == 0 and _listed_words_left(tokens, c, used[1]):
            return True
        if len(tokens[cores[0]].text) > SINGLE_CORE_LENGTH:
            continue
        for sim, alignment in zip(sims, chosen, strict=True):
            if cores[0] in alignment[side]:
                if sim < SINGLE_CORE_SURE:
                    return True
                break
    return False
