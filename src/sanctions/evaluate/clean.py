"""Names that are on no list: realistic people and companies from many countries (Faker, with
many locales), and hard look-alikes made from listed names by changing them enough to be
another name. A clean name that happens to equal a listed name (ignoring case, accents,
punctuation and word order) is dropped: it would be a true alert, not a false one.

Faker is imported only here, and only when clean names are asked for.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from ..model import Entity
from .cases import (
    CLEAN,
    LOOKALIKE,
    MIN_LETTERS,
    Case,
    display_form,
    letters,
    like,
    listed_keys,
    name_key,
    strong_names,
)
from .tables import KOREAN_FAMILY, KOREAN_SYLLABLES, LEGAL_FORMS

# Locales whose names are in Latin script, as a customer file from that country holds them.
LATIN_LOCALES = (
    "en_US", "en_GB", "en_IN", "en_NG", "en_PK", "en_PH", "de_DE", "fr_FR", "es_ES", "es_MX",
    "es_CO", "es_AR", "it_IT", "pt_BR", "pt_PT", "nl_NL", "pl_PL", "cs_CZ", "hu_HU", "ro_RO",
    "sv_SE", "no_NO", "da_DK", "fi_FI", "tr_TR", "id_ID", "vi_VN", "hr_HR", "sk_SK", "lt_LT",
    "az_AZ", "sw", "yo_NG", "zu_ZA",
)  # fmt: skip
# Locales Faker can give romanized names for (pinyin, Wade-Giles, Hepburn).
ROMANIZED_LOCALES = ("zh_CN", "zh_TW", "ja_JP")
# Locales queried in their own script.
SCRIPT_LOCALES = ("ar_SA", "ar_EG", "fa_IR", "hi_IN", "ru_RU", "uk_UA", "el_GR", "he_IL")
KOREAN = "ko_KR (romanized)"
COMPANY_SHARE = 0.3  # of clean names that are companies
MAX_WORDS = 4  # longest listed name a look-alike is made from


def _faker(locale: str, seed: int) -> Any:
    from faker import Faker  # imported lazily: only evaluations need it

    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


class _Fakers:
    """One seeded Faker per locale, made on first use."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._made: dict[str, Any] = {}

    def __call__(self, locale: str) -> Any:
        if locale not in self._made:
            self._made[locale] = _faker(locale, self.seed + len(self._made))
        return self._made[locale]


def _korean_name(rng: random.Random) -> str:
    first, second = rng.choice(KOREAN_SYLLABLES), rng.choice(KOREAN_SYLLABLES)
    given = f"{first}-{second}" if rng.random() < 0.5 else first + second  # Min-jun, Minjun
    return f"{given.capitalize()} {rng.choice(KOREAN_FAMILY)}"


def _person(fakers: _Fakers, locale: str, rng: random.Random) -> str:
    if locale == KOREAN:
        return _korean_name(rng)
    fake = fakers(locale)
    if locale in ROMANIZED_LOCALES:
        return str(fake.romanized_name())
    return f"{fake.first_name()} {fake.last_name()}"


def _company(fakers: _Fakers, locale: str, rng: random.Random) -> str:
    if locale == KOREAN:
        return f"{rng.choice(KOREAN_FAMILY)} {rng.choice(('Trading', 'Industrial'))} Co., Ltd."
    if locale in ROMANIZED_LOCALES:
        fake = fakers(locale)
        return f"{fake.last_romanized_name()} {rng.choice(('Trading', 'Technology'))} Co., Ltd."
    return str(fakers(locale).company())


def generate_clean(
    entities: Sequence[Entity], *, count: int, seed: int, forbidden: set[str] | None = None
) -> list[Case]:
    """`count` clean names (people, and companies for COMPANY_SHARE of them) cycling through
    every locale; none equals a name of `entities` (or a key in `forbidden`)."""
    rng = random.Random(f"{seed}:clean")
    fakers = _Fakers(seed)
    listed = forbidden if forbidden is not None else listed_keys(entities)
    locales = [*LATIN_LOCALES, *ROMANIZED_LOCALES, KOREAN, KOREAN, *SCRIPT_LOCALES]
    out: list[Case] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < count and attempts < count * 5:
        locale = locales[attempts % len(locales)]
        attempts += 1
        company = rng.random() < COMPANY_SHARE
        name = _company(fakers, locale, rng) if company else _person(fakers, locale, rng)
        name = " ".join(name.split())
        key = name_key(name)
        if not key or key in listed or key in seen:
            continue
        seen.add(key)
        out.append(Case(name, CLEAN, None, "Company" if company else "Person", f"faker:{locale}"))
    return out


def generate_lookalikes(
    entities: Sequence[Entity], *, count: int, seed: int, forbidden: set[str] | None = None
) -> list[Case]:
    """Listed names changed into other names: a person's family name or given name replaced
    by another (from Faker's name pools of several locales), or an organization's most
    distinctive word replaced by another name. Labelled LOOKALIKE; they should hit nothing."""
    rng = random.Random(f"{seed}:lookalike")
    listed = forbidden if forbidden is not None else listed_keys(entities)
    pools = _name_pools(seed)
    order = list(range(len(entities)))
    rng.shuffle(order)
    out: list[Case] = []
    seen: set[str] = set()
    for position in order:
        if len(out) >= count:
            break
        entity = entities[position]
        names = [n for n in strong_names(entity) if letters(n) >= MIN_LETTERS]
        if not names or entity.schema in ("Vessel", "Airplane"):
            continue
        base = display_form(names[0], entity.schema)
        words = base.split()
        if not 2 <= len(words) <= MAX_WORDS:  # one word of many changed is still that name
            continue
        if entity.schema == "Person":
            given = rng.random() < 0.5
            at = 0 if given else len(words) - 1
            pool = pools["first"] if given else pools["last"]
        else:
            usable = [i for i, w in enumerate(words) if _distinctive(w)]
            if not usable:
                continue
            at = max(usable, key=lambda i: (letters(words[i]), -i))
            pool = pools["last"]
        replacement = rng.choice(pool)
        if name_key(replacement) == name_key(words[at]):
            continue
        words[at] = like(words[at], replacement)
        name = " ".join(words)
        key = name_key(name)
        if key in listed or key in seen:
            continue
        seen.add(key)
        out.append(Case(name, LOOKALIKE, None, entity.schema, names[0]))
    return out


def _distinctive(word: str) -> bool:
    """Not a legal form or a word many organization names share."""
    low = word.casefold().strip(".,()")
    return letters(low) >= MIN_LETTERS and low not in _GENERIC and low not in _FORM_WORDS


_FORM_WORDS = frozenset(w for group in LEGAL_FORMS for form in group for w in form.split())
_GENERIC = frozenset(
    {
        "bank", "company", "trading", "group", "international", "exchange", "money",
        "shipping", "industries", "industry", "industrial", "holding", "holdings", "services",
        "service", "general", "commercial", "enterprise", "enterprises", "investment",
        "investments", "development", "import", "export", "oil", "gas", "energy",
        "technology", "trade",
    }
)  # fmt: skip


def _name_pools(seed: int) -> dict[str, list[str]]:
    """Given and family names from a spread of Latin-script locales."""
    first: list[str] = []
    last: list[str] = []
    for i, locale in enumerate(("en_US", "de_DE", "es_ES", "fr_FR", "tr_TR", "pl_PL", "it_IT")):
        fake = _faker(locale, seed + 1000 + i)
        first += [fake.first_name() for _ in range(40)]
        last += [fake.last_name() for _ in range(40)]
    keep = [n for n in dict.fromkeys(first) if " " not in n and letters(n) >= 3]
    return {"first": keep, "last": [n for n in dict.fromkeys(last) if " " not in n]}
