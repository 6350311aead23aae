"""The reference name scorer, feature by feature, on real listed names."""

import pytest

from sanctions.match import DEFAULT_THRESHOLD, compare_names


def score(a: str, b: str, schema: str | None = "Person") -> float:
    return compare_names(a, b, schema).score


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Dan Gertler", "GERTLER, Dan"),  # OFAC's LAST, First order
        ("Evgeniy Prigozhin", "PRIGOZHIN, Yevgeniy Viktorovich"),  # variant + missing patronymic
        ("Евгений Пригожин", "PRIGOZHIN, Yevgeniy Viktorovich"),  # Cyrillic query
        ("Osama Bin Laden", "BIN LADEN, Usama"),
        ("Abdulrahman Al Qadi", "Abdul Rahman Al-Qadi"),  # joined tokens
        ("Vladimir Putn", "PUTIN, Vladimir Vladimirovich"),  # a typo
        ("خالد محمود", "Khaled Mahmoud"),  # Arabic script, no short vowels
    ],
)
def test_same_person_scores_above_threshold(query: str, listed: str) -> None:
    assert score(query, listed) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Vladimir Putin", "POTANIN, Vladimir Olegovich"),  # shared common given name only
        ("Cristiano Ronaldinho", "Cristiano Ronaldo"),  # a different surname, not a typo
        ("Tariq Anwar El Sayed Mohamed", "Tariq Anwar El Sayed Ahmed"),  # one name substituted
        ("Abdullah bin Omar", "Omar bin Abdullah"),  # father and son swapped
        ("高石早苗", "高市早苗"),  # one character off, same romanization
        ("Mohammed Ali", "Mohammed Hassan"),
    ],
)
def test_different_people_score_below_threshold(query: str, listed: str) -> None:
    assert score(query, listed) < DEFAULT_THRESHOLD


def test_known_weakness_near_surnames_two_edits_apart_still_hit() -> None:
    # Documented limitation: "Sánchez" is two edits from "Sancho", inside what we must forgive
    # to catch typos, so the pair still scores as a hit. Pinned so a fix shows up here.
    assert score("Pedro Sancho", "Pedro Sánchez") >= DEFAULT_THRESHOLD


def test_explanation_names_each_aligned_pair() -> None:
    result = compare_names("Evgeniy Prigozin", "PRIGOZHIN, Yevgeniy Viktorovich", "Person")
    pairs = {(p.query, p.listed): p.how for p in result.detail.pairs}
    assert pairs == {("evgeniy", "yevgeniy"): "variant", ("prigozin", "prigozhin"): "fuzzy"}
    assert result.detail.unmatched_listed == ("viktorovich",)
    as_json = result.to_json()
    assert as_json["pairs"] and as_json["unmatched_listed"] == ["viktorovich"]


def test_rare_surname_counts_more_than_common_given_name() -> None:
    # Sharing only "Mohammed" says little; sharing only "Gertler" says much more.
    assert score("Mohammed Gertler", "Dan Gertler") > score("Mohammed Gertler", "Mohammed Atta")


def test_legal_forms_are_weak_not_ignored() -> None:
    same = score("Romashka LLC", "ООО Ромашка", "Company")
    assert same == pytest.approx(1.0)
    # A shared legal form alone is no match; a missing one costs little.
    assert score("Romashka LLC", "Vasilek LLC", "Company") < 0.3
    assert score("Romashka", "ООО Ромашка", "Company") > 0.85


def test_acronyms_match_their_expansion() -> None:
    assert score("PLA", "People's Liberation Army", "Organization") >= DEFAULT_THRESHOLD


def test_scores_stay_in_unit_range_and_are_symmetric_enough() -> None:
    for a, b in [("A", "B"), ("Dan Gertler", "GERTLER, Dan"), ("x" * 300, "y" * 300)]:
        assert 0.0 <= score(a, b) <= 1.0
    assert score("Dan Gertler", "GERTLER, Dan") == score("GERTLER, Dan", "Dan Gertler")


def test_empty_names_score_zero() -> None:
    assert score("", "Dan Gertler") == 0.0
    assert score("!!!", "Dan Gertler") == 0.0


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # Watchman's cross-script pairs in the scripts we commit to (Arabic, Cyrillic, Greek).
        ("محمد علي", "Mohamed Ali"),
        ("أحمد حسن", "Ahmed Hassan"),
        ("عبد الله", "Abdullah"),
        ("خالد محمود", "Khaled Mahmoud"),
        ("Владимир Путин", "Vladimir Putin"),
        ("Александр Петров", "Alexander Petrov"),
        ("Дмитрий Медведев", "Dmitry Medvedev"),
        ("Αλέξανδρος", "Alexander"),
        ("Νικόλαος", "Nikolaos"),
    ],
)
def test_cross_script_pairs_match(query: str, listed: str) -> None:
    assert compare_names(query, listed).score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [("김정은", "Kim Jong Un"), ("김정은", "KIM Jong-un"), ("박지성", "Park Ji Sung")],
)
def test_korean_names_match_their_usual_romanization(hangul: str, latin: str) -> None:
    assert compare_names(hangul, latin, "Person").score >= DEFAULT_THRESHOLD
    # One syllable off is another person, in either script.
    assert compare_names("김종은", "김정은", "Person").score < DEFAULT_THRESHOLD


@pytest.mark.parametrize("query", ["Abd Rahman Khalid", "Abdel Rahman Khalid"])
def test_short_spellings_of_abdul_score_alike(query: str) -> None:
    # Issue 9: "abd" was also a particle, so it never paired with "abdul" (0.82).
    assert compare_names(query, "Abdul Rahman Khalid").score >= 0.95
