"""Legal forms rewritten to generic forms (resources/legal_forms.yml), on names from the lists."""

import pytest

from sanctions.text import analyze_name
from sanctions.text.legal_forms import replace_legal_forms


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("ooo vektor", "llc vektor"),
        ("obshchestvo s ogranichennoy otvetstvennostyu vektor", "llc vektor"),
        ("vektor limited liability company", "vektor llc"),
        ("aktsionernoe obshchestvo kazansky vertolyotny zavod", "jsc kazansky vertolyotny zavod"),
        ("public joint stock company sberbank", "jsc sberbank"),
        ("shen technology co ltd", "shen technology llc"),  # the longest spelling wins
        ("federal state unitary enterprise rosoboronexport", "soe rosoboronexport"),
        ("kratol aviation fzc", "kratol aviation llc"),
        ("global celik ve ticaret anonim sirketi", "global celik ve ticaret jsc"),
    ],
)
def test_legal_forms_become_their_generic_form(text: str, generic: str) -> None:
    assert replace_legal_forms(text) == generic


@pytest.mark.parametrize(
    "text",
    [
        "yu tai trading",  # a Chinese "Yu" is a name, not a legal form
        "islamic resistance in iraq",  # nor is the English "in"
        "is bank",
        "piotr koch ii",  # nor a Roman numeral
        "oooh la la",  # a legal form only as a whole word
    ],
)
def test_name_words_are_not_read_as_legal_forms(text: str) -> None:
    assert replace_legal_forms(text) == text


def test_cyrillic_and_latin_spellings_meet() -> None:
    cyrillic = analyze_name("Общество с ограниченной ответственностью «Вектор»", "Company")
    latin = analyze_name("VEKTOR, LLC", "Company")
    assert sorted(t.text for t in cyrillic.tokens) == sorted(t.text for t in latin.tokens)
    assert {t.text: t.kind.value for t in latin.tokens}["llc"] == "legal_form"
