"""Spelling variants of real listed names, each tagged with its category and the entity it
should find.

`generate_variants` is deterministic for a given seed and entity list: each category draws
from its own random stream (seeded by the seed and the category's name), walks the entities in
an order shuffled by that stream, and keeps the first `sample` variants it can make. A
category's maker returns None when a name does not lend itself to it (no legal form to change,
no given name to abbreviate); a variant whose text equals its source, or any source of the
same entity, is skipped.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence

from ..model import Entity, NameKind
from .cases import (
    MIN_LETTERS,
    Case,
    display_form,
    is_latin,
    letters,
    like,
    plain_key,
    strong_names,
)
from .tables import (
    DOTTED,
    FINAL_RULES,
    GIVEN_NAME_GROUPS,
    KEYBOARD,
    LEGAL_FORMS,
    LETTER_RULES,
    NUMBER_WORDS,
    ROMAN,
    TITLES_ANY,
    TITLES_FEMALE,
    VESSEL_PREFIXES,
)

Maker = Callable[[str, Entity, random.Random], str | None]
ORGANIZATIONS = frozenset({"Organization", "Company", "LegalEntity"})
_GIVEN = {spelling: group for group in GIVEN_NAME_GROUPS for spelling in group}
_ROMAN_VALUE = {numeral: value for value, numeral in ROMAN.items() if value > 1}


# -- letter-level edits inside one word --------------------------------------------------------
def _pick_word(name: str, rng: random.Random, min_letters: int = MIN_LETTERS) -> int | None:
    words = name.split()
    usable = [i for i, w in enumerate(words) if letters(w) >= min_letters and w.isalpha()]
    return rng.choice(usable) if usable else None


def _edit_word(name: str, rng: random.Random, edit: Callable[[str, int], str]) -> str | None:
    """Apply `edit(word, position)` at a letter position (never the first) of one word."""
    index = _pick_word(name, rng)
    if index is None:
        return None
    words = name.split()
    word = words[index]
    words[index] = edit(word, rng.randrange(1, len(word)))
    return " ".join(words)


def typo(name: str, entity: Entity, rng: random.Random) -> str | None:
    def substitute(word: str, at: int) -> str:
        letter = word[at].lower()
        near = KEYBOARD.get(letter)
        if not near:
            return word
        new = rng.choice(near)
        return word[:at] + (new.upper() if word[at].isupper() else new) + word[at + 1 :]

    return _edit_word(name, rng, substitute)


def transposition(name: str, entity: Entity, rng: random.Random) -> str | None:
    def swap(word: str, at: int) -> str:
        at = min(at, len(word) - 2)
        if word[at].lower() == word[at + 1].lower():
            return word
        pair = word[at + 1] + word[at]
        if word[at].isupper() != word[at + 1].isupper():  # "Dan" -> "Adn" would look odd
            pair = like(word[at : at + 2], pair)
        return word[:at] + pair + word[at + 2 :]

    return _edit_word(name, rng, swap)


def dropped_letter(name: str, entity: Entity, rng: random.Random) -> str | None:
    return _edit_word(name, rng, lambda word, at: word[:at] + word[at + 1 :])


def doubled_letter(name: str, entity: Entity, rng: random.Random) -> str | None:
    return _edit_word(name, rng, lambda word, at: word[:at] + word[at] + word[at:])


# -- word-level edits --------------------------------------------------------------------------
def reordered(name: str, entity: Entity, rng: random.Random) -> str | None:
    words = name.split()
    if len(words) < 2:
        return None
    avoid = {plain_key(name)} | {plain_key(n) for n in strong_names(entity)}
    for _ in range(6):
        order = words[:]
        rng.shuffle(order)
        candidate = " ".join(order)
        if plain_key(candidate) not in avoid:
            return candidate
    return None


def initials(name: str, entity: Entity, rng: random.Random) -> str | None:
    words = name.split()
    if entity.schema != "Person" or len(words) < 2 or not words[0][:1].isalpha():
        return None
    initial = words[0][0].upper() + "."
    rest = words[-1:] if len(words) > 2 and rng.random() < 0.5 else words[1:]
    return " ".join([initial, *rest])


def truncation(name: str, entity: Entity, rng: random.Random) -> str | None:
    words = name.split()
    last = words[-1]
    if len(words) < 2 or not last.isalpha() or len(last) < 5:
        return None
    cut = rng.randint(1, min(3, len(last) - 3))
    return " ".join([*words[:-1], last[:-cut] + ("." if rng.random() < 0.3 else "")])


def joined(name: str, entity: Entity, rng: random.Random) -> str | None:
    words = name.split()
    if len(words) < 2:
        return None
    at = rng.randrange(len(words) - 1)
    first, second = words[at], words[at + 1]
    glued = first + (second.lower() if first[1:].islower() else second)
    return " ".join([*words[:at], glued, *words[at + 2 :]])


def split_token(name: str, entity: Entity, rng: random.Random) -> str | None:
    words = name.split()
    usable = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 6]
    if not usable:
        return None
    i = rng.choice(usable)
    word = words[i]
    at = rng.randint(3, len(word) - 3)
    return " ".join([*words[:i], word[:at], like(word, word[at:]), *words[i + 1 :]])


def title(name: str, entity: Entity, rng: random.Random) -> str | None:
    if entity.schema != "Person":
        return None
    female = "female" in entity.get("gender")
    return f"{rng.choice(TITLES_FEMALE if female else TITLES_ANY)} {name}"


# -- legal forms -------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    """Lower-case words of a name with dots and commas removed ("CO., LTD." -> co, ltd)."""
    return [w for w in re.sub(r"[.,]", " ", text.casefold()).split() if w]


def _spell(form: str, template: str, dotted: bool) -> str:
    text = ".".join(form.replace(" ", "")) + "." if dotted and " " not in form else form
    if dotted and " " in form:  # "sa de cv" -> "S.A. de C.V."
        text = " ".join(".".join(w) + "." if len(w) <= 2 else w for w in form.split())
    return like(template, text) if template.isupper() else _title_words(text)


def _title_words(text: str) -> str:
    small = {"mit", "de", "à", "s"}
    return " ".join(w if w in small else w[:1].upper() + w[1:] for w in text.split())


def legal_form(name: str, entity: Entity, rng: random.Random) -> str | None:
    """Spell an abbreviated legal form out, abbreviate a spelled-out one, write SA as S.A.
    (and back), or drop it."""
    if entity.schema not in ORGANIZATIONS:
        return None
    words = _words(name)
    raw = name.split()
    found = _find_form(words)
    if found is None:
        return None
    group, form, start, end = found
    core_raw = raw[:start] + raw[end:] if len(raw) == len(words) else None
    if core_raw is None:  # punctuation made extra words: rebuild from the cleaned words
        core_raw = [like(name, w) for w in words[:start] + words[end:]]
    if letters(" ".join(core_raw)) < MIN_LETTERS:
        return None
    template = next((w for w in raw if w[:1].isalpha()), name)
    choices: list[str] = [""]  # dropped
    choices += [_spell(alt, template, False) for alt in group if alt != form]
    if form in DOTTED:
        choices.append(_spell(form, template, not any("." in w for w in raw[start:end])))
    pick = rng.choice(choices)
    new = [*core_raw[:start], *([pick] if pick else []), *core_raw[start:]]
    return " ".join(w.rstrip(",") if i == len(new) - 1 else w for i, w in enumerate(new))


def _find_form(words: list[str]) -> tuple[tuple[str, ...], str, int, int] | None:
    """The longest legal form at the end or the start of the name: (group, form, start, end)."""
    best: tuple[tuple[str, ...], str, int, int] | None = None
    for group in LEGAL_FORMS:
        for form in group:
            parts = form.split()
            n = len(parts)
            if n >= len(words):
                continue
            for start in (len(words) - n, 0):
                if words[start : start + n] == parts and (best is None or n > best[3] - best[2]):
                    best = (group, form, start, start + n)
    return best


# -- transliteration ---------------------------------------------------------------------------
def transliteration(name: str, entity: Entity, rng: random.Random) -> str | None:
    """Another romanization: a given name from its group, or one letter habit in one word."""
    words = name.split()
    edits: list[tuple[int, str]] = []
    for i, word in enumerate(words):
        low = word.casefold()
        for spelling in _GIVEN.get(low, ()):
            if spelling != low:
                edits.append((i, like(word, spelling)))
        if letters(word) < MIN_LETTERS or not word.isalpha():
            continue
        for old, new in LETTER_RULES:
            at = low.find(old)
            if at >= 0:
                edits.append((i, like(word, low[:at] + new + low[at + len(old) :])))
        for old, new in FINAL_RULES:
            if low.endswith(old):
                edits.append((i, like(word, low[: -len(old)] + new)))
    if not edits:
        return None
    i, replacement = rng.choice(edits)
    return " ".join([*words[:i], replacement, *words[i + 1 :]])


# -- vessels -----------------------------------------------------------------------------------
def vessel(name: str, entity: Entity, rng: random.Random) -> str | None:
    """A prefix (MV, M/V, MT, "the vessel"), or a number as a Roman numeral, digits or word."""
    if entity.schema != "Vessel":
        return None
    words = name.split()
    numbers: list[tuple[int, str]] = []
    for i, word in enumerate(words):
        if word.isdigit() and int(word) in ROMAN:
            value = int(word)
            numbers.append((i, ROMAN[value]))
            if value in NUMBER_WORDS:
                numbers.append((i, like(name, NUMBER_WORDS[value])))
        elif word.upper() in _ROMAN_VALUE and i > 0:
            numbers.append((i, str(_ROMAN_VALUE[word.upper()])))
    if numbers and rng.random() < 0.5:
        i, text = rng.choice(numbers)
        return " ".join([*words[:i], text, *words[i + 1 :]])
    return f"{rng.choice(VESSEL_PREFIXES)} {name}"


# -- the categories ----------------------------------------------------------------------------
# category -> (maker, whether it works on the display form of a Latin-script listed name).
MAKERS: dict[str, Maker] = {
    "typo": typo,
    "transposition": transposition,
    "dropped_letter": dropped_letter,
    "doubled_letter": doubled_letter,
    "reordered": reordered,
    "initials": initials,
    "truncation": truncation,
    "joined": joined,
    "split": split_token,
    "title": title,
    "legal_form": legal_form,
    "transliteration": transliteration,
    "vessel": vessel,
}
ORIGINAL_SCRIPT = "original_script"
CATEGORIES = (*MAKERS, ORIGINAL_SCRIPT)


def original_script_names(entity: Entity) -> list[str]:
    """The entity's names in a non-Latin script (the UN list's NAME_ORIGINAL_SCRIPT)."""
    return [
        n.value
        for n in entity.names
        if n.kind is not NameKind.WEAK and letters(n.value) >= 2 and not is_latin(n.value)
    ]


def generate_variants(
    entities: Sequence[Entity],
    *,
    sample: int,
    seed: int,
    categories: Iterable[str] = CATEGORIES,
) -> list[Case]:
    """Up to `sample` variants per category, in category order then generation order."""
    out: list[Case] = []
    for category in categories:
        if category not in CATEGORIES:
            raise ValueError(f"unknown variant category {category!r}; expected one of {CATEGORIES}")
        out.extend(_category(entities, category, sample, seed))
    return out


def _category(entities: Sequence[Entity], category: str, sample: int, seed: int) -> list[Case]:
    rng = random.Random(f"{seed}:{category}")
    order = list(range(len(entities)))
    rng.shuffle(order)
    cases: list[Case] = []
    seen: set[str] = set()
    for position in order:
        if len(cases) >= sample:
            break
        entity = entities[position]
        made = _one(entity, category, rng)
        if made is None:
            continue
        query, source = made
        key = plain_key(query)
        if key in seen:
            continue
        seen.add(key)
        cases.append(Case(query, category, entity.id, entity.schema, source))
    return cases


def _one(entity: Entity, category: str, rng: random.Random) -> tuple[str, str] | None:
    if category == ORIGINAL_SCRIPT:
        scripts = original_script_names(entity)
        latin = strong_names(entity)
        if not scripts or not latin:
            return None
        return rng.choice(scripts), latin[0]
    names = [n for n in strong_names(entity) if letters(n) >= MIN_LETTERS]
    if not names:
        return None
    # The primary name two times in three, else one of the strong aliases.
    source = names[0] if len(names) == 1 or rng.random() < 2 / 3 else rng.choice(names[1:])
    base = display_form(source, entity.schema)
    query = MAKERS[category](base, entity, rng)
    if query is None or letters(query) < 2:
        return None
    query = " ".join(query.split())
    originals = {plain_key(base)} | {plain_key(n) for n in strong_names(entity)}
    if plain_key(query) in originals:
        return None
    return query, source
