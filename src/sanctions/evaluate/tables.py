"""The spelling knowledge the variant generator applies: given-name romanizations, letter-level
transliteration habits, titles, legal forms, vessel prefixes, keyboard neighbours.

These tables are the evaluation's own, written apart from the matcher's resources on purpose:
a test that drew its variants from the tables the matcher uses would only measure that the
matcher knows its own tables.
"""

from __future__ import annotations

# Given names written in several romanizations; a variant swaps one spelling for another of
# the same group (Arabic, Persian, Russian and Korean naming habits).
GIVEN_NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad", "mouhamed"),
    ("ahmad", "ahmed", "ahmet"),
    ("yusuf", "youssef", "yousef", "yusef", "youssouf", "yousif"),
    ("husayn", "hussein", "husain", "hussain", "hossein", "hosein"),
    ("hasan", "hassan", "hassen"),
    ("abdullah", "abdallah", "abdulla", "abdellah"),
    ("abdul", "abdel", "abdoul"),
    ("umar", "omar", "omer"),
    ("uthman", "othman", "osman", "usman"),
    ("khalid", "khaled", "khalied"),
    ("mustafa", "mostafa", "moustafa", "mustapha"),
    ("said", "saeed", "saeid", "saiid"),
    ("ibrahim", "ebrahim", "ibraheem", "brahim"),
    ("ismail", "ismael", "esmail", "ismaeel"),
    ("yahya", "yahia", "yehia"),
    ("jafar", "jaafar", "djafar"),
    ("mahmud", "mahmoud", "mahmood"),
    ("hamid", "hamed"),
    ("rashid", "rasheed", "rachid"),
    ("abu", "abou"),
    ("nasser", "nasir", "naser", "nacer"),
    ("jamal", "gamal", "djamal"),
    ("salih", "saleh"),
    ("faisal", "faysal", "feisal"),
    ("karim", "kareem"),
    ("nur", "noor", "nour"),
    ("zaid", "zayd", "zeid"),
    ("walid", "waleed", "oualid"),
    ("majid", "majeed", "madjid"),
    ("tariq", "tarek", "tarik"),
    ("bashir", "basheer", "bachir"),
    ("ali", "aly"),
    ("sergey", "sergei", "serguei", "sergiy"),
    ("aleksandr", "alexander", "aleksander", "alexandre"),
    ("yuri", "yury", "yuriy", "iouri"),
    ("dmitry", "dmitri", "dmitriy"),
    ("andrei", "andrey", "andrej"),
    ("alexei", "aleksei", "alexey", "aleksey"),
    ("evgeny", "yevgeny", "evgeniy", "yevgeniy"),
    ("mikhail", "mihail", "michail"),
    ("nikolai", "nikolay", "nicolai"),
    ("valery", "valeriy", "valeri"),
    ("vyacheslav", "viacheslav", "vjacheslav"),
    ("arkady", "arkadiy", "arkadi"),
    ("gennady", "gennadiy", "gennadi"),
    ("jong", "chong"),
    ("kwang", "gwang"),
    ("chol", "cheol"),
    ("song", "seong", "sung"),
)

# Letter habits of romanization: (lower-case letters, what they become). Each variant applies
# one of them at one place in one word.
LETTER_RULES: tuple[tuple[str, str], ...] = (
    ("kh", "h"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("iy", "i"),
    ("ey", "ei"),
    ("ei", "ey"),
    ("zh", "j"),
    ("sh", "ch"),
    ("ch", "tch"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("ph", "f"),
    ("q", "k"),
    ("dh", "d"),
    ("th", "t"),
    ("ai", "ay"),
    ("aa", "a"),
    ("w", "v"),
    ("ts", "tz"),
    ("j", "dj"),
)

# Word-final habits (Russian surnames as German and French spell them).
FINAL_RULES: tuple[tuple[str, str], ...] = (("ov", "off"), ("ev", "eff"), ("iy", "y"))

TITLES_ANY = ("Mr.", "Dr.", "Sheikh", "Haji", "Prof.", "Mr")
TITLES_FEMALE = ("Mrs.", "Ms.", "Dr.", "Madame")

# Legal forms: each group is one form, its first entry spelled out, then abbreviations as
# lists print them. Entries are lower case, words separated by single spaces, no dots; a
# dotted spelling ("s.a.") is produced from the letters when a variant writes one.
LEGAL_FORMS: tuple[tuple[str, ...], ...] = (
    ("gesellschaft mit beschränkter haftung", "gmbh"),
    ("limited liability company", "llc"),
    ("société anonyme", "sa"),
    ("sociedad anónima", "sa"),
    ("sociedad anónima de capital variable", "sa de cv"),
    ("société à responsabilité limitée", "sarl"),
    ("aktiengesellschaft", "ag"),
    ("besloten vennootschap", "bv"),
    ("public limited company", "plc"),
    ("joint stock company", "jsc"),
    ("public joint stock company", "pjsc"),
    ("open joint stock company", "ojsc", "oao"),
    ("closed joint stock company", "cjsc", "zao"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "ooo"),
    ("free zone establishment", "fze"),
    ("company limited", "co ltd"),
    ("limited", "ltd"),
    ("incorporated", "inc"),
    ("corporation", "corp"),
    ("company", "co"),
)
# Abbreviations written with dots between letters ("S.A.", "S.A.R.L.", "B.V.").
DOTTED = frozenset({"sa", "sarl", "bv", "ag", "sa de cv"})

VESSEL_PREFIXES = ("MV", "M/V", "MT", "M/T", "the vessel", "SS")

ROMAN = {
    1: "I",
    2: "II",
    3: "III",
    4: "IV",
    5: "V",
    6: "VI",
    7: "VII",
    8: "VIII",
    9: "IX",
    10: "X",
    11: "XI",
    12: "XII",
    13: "XIII",
    14: "XIV",
    15: "XV",
    16: "XVI",
    17: "XVII",
    18: "XVIII",
    19: "XIX",
    20: "XX",
}
# Numbers written out, as a vessel's owner might register it.
NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven"}
NUMBER_WORDS |= {8: "Eight", 9: "Nine", 10: "Ten"}

# Letters a finger slips to on a QWERTY keyboard.
KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "awdz",
    "d": "sefx",
    "f": "drgc",
    "g": "fthv",
    "h": "gyjb",
    "j": "hukn",
    "k": "jilm",
    "l": "kop",
    "z": "asx",
    "x": "zsdc",
    "c": "xdfv",
    "v": "cfgb",
    "b": "vghn",
    "n": "bhjm",
    "m": "njk",
}

# Romanized Korean names for clean queries (Faker has no romanized Korean names): common
# family names and given-name syllables in Revised Romanization.
KOREAN_FAMILY = (
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh",
    "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Jeon", "Ko", "Moon", "Yang",
)  # fmt: skip
KOREAN_SYLLABLES = (
    "min", "ji", "seo", "hyun", "woo", "jun", "young", "soo", "eun", "hee", "jin", "sung",
    "ho", "yeon", "ha", "yun", "joon", "kyung", "hye", "dong", "jae", "won", "sang", "mi",
)  # fmt: skip
