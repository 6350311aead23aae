"""Latinization, skeletons and name analysis on real names from the OFAC and UN lists."""

import pytest

from sanctions.text import TokenKind, analyze_name, latinize, script_of, skeleton


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("İlham Heydər oğlu Əliyev", "ilham heydar oglu aliyev"),  # Azerbaijani Latin
        # Cyrillic х as "kh" (BGN/PCGN, as the lists write Khodorkovsky); the skeleton folds
        # kh and h, so it still meets the Latin "Ilham".
        ("Ильхам Алиев", "ilkham aliev"),
        ("Геннадій Гук", "hennadiy huk"),  # Ukrainian: г is "h"
        ("习近平", "xi jin ping"),  # one word per Chinese character
        ("イジュマシュ", "ijumashu"),  # kana digraphs
        ("Δημήτρης Παπαδόπουλος", "dimitris papadopoulos"),  # Greek
        ("Սարգսյան", "sargsyan"),  # Armenian
        ("მიხეილ სააკაშვილი", "mikheil saakashvili"),  # Georgian
        ("خالد محمود", "khald mhmwd"),  # Arabic: our table, not "?"
        ("علی خامنه\u200cای", "aly khamnhay"),  # Persian; initial ain as a vowel, ZWNJ joins
        ("O'BRIEN, Sean", "obrien sean"),  # apostrophes join
        ("AL-QA'IDA", "al qaida"),
        ("  \x00\x07Tab\tName\n ", "tab name"),  # control characters are separators
    ],
)
def test_latinize(text: str, latin: str) -> None:
    assert latinize(text) == latin


def test_cyrillic_kh_keeps_the_skeleton_of_h() -> None:
    assert skeleton("ilkham") == skeleton("ilham")


def test_script_detection() -> None:
    assert script_of("محمد") == "arabic"
    assert script_of("Путин") == "cyrillic"
    assert script_of("习近平") == "cjk"
    assert script_of("김정은") == "hangul"
    assert script_of("Putin") == "latin"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mohammed", "muhammad"),
        ("mhmd", "mohamed"),  # Arabic-script romanization has no short vowels
        ("aleksandr", "alexander"),
        ("yevgeny", "evgeniy"),
        ("khaled", "khald"),
        ("prigozhin", "prigojin"),
    ],
)
def test_skeletons_join_romanization_variants(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_distinct_names_keep_distinct_skeletons() -> None:
    assert skeleton("putin") != skeleton("potanin")
    assert skeleton("gertler") != skeleton("gartner")


def test_person_names_lose_honorifics_but_keep_particles() -> None:
    form = analyze_name("Sheikh Osama bin Laden", "Person")
    assert [t.text for t in form.tokens] == ["osama", "bin", "laden"]
    assert form.removed == ("sheikh",)
    assert [t.kind for t in form.tokens] == [TokenKind.NAME, TokenKind.PARTICLE, TokenKind.NAME]
    # "ibn" and "bin" are one particle.
    assert analyze_name("ibn", "Person").tokens[0].variant == "bin"


def test_a_name_that_is_only_a_title_keeps_it() -> None:
    assert [t.text for t in analyze_name("General", "Person").tokens] == ["general"]


def test_legal_forms_become_weak_generic_tokens() -> None:
    russian = analyze_name("ООО Ромашка", "Company")
    english = analyze_name("Romashka Limited Liability Company", "Company")
    assert (
        {t.text for t in russian.tokens} == {t.text for t in english.tokens} == {"llc", "romashka"}
    )
    llc = next(t for t in russian.tokens if t.text == "llc")
    assert llc.kind is TokenKind.LEGAL_FORM and llc.weight < 0.5


def test_common_given_names_weigh_less_than_rare_names() -> None:
    tokens = {t.text: t for t in analyze_name("Mohammed Gertler", "Person").tokens}
    assert tokens["mohammed"].weight < tokens["gertler"].weight
    assert tokens["mohammed"].variant == "muhammad"


def test_number_words_and_initials() -> None:
    assert [t.text for t in analyze_name("Brigade Forty-Four", "Organization").tokens] == [
        "brigade",
        "44",
    ]
    assert [t.text for t in analyze_name("A.B.C. Company", "Company").tokens][0] == "abc"


def test_hangul_is_romanized_syllable_by_syllable() -> None:
    assert latinize("김정은") == "gim jeong eun"
    assert latinize("박지성") == "bak ji seong"
    assert latinize("이민호") == "yi min ho"  # 이 alone is the family name Lee / Yi
