"""Listed names in prose (`extract/textnames.py`) against the real OFAC + UN lists.

The prose below is written by hand, naming listed parties the way letters, memos and news
write them (titles, possessives, line breaks, hyphenation, capitals, "Surname, Given",
original scripts, other spellings); the entity ids are those of the real files in
shared/data (OFAC SDN 2023-12-28, UN consolidated list). The negative cases hold words that
are also listed names (common-word and weak aliases, vessel names, bare given names).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.errors import QueryError
from sanctions.extract import textnames
from sanctions.extract._prose import tokenize
from sanctions.extract.textnames import NameFinder, TextHit
from sanctions.screen import Screener

GERTLER = "ofac-sdn:23252"  # GERTLER, Dan


@pytest.fixture(scope="module")
def finder(eval_screener: Screener) -> NameFinder:
    return NameFinder(eval_screener)


def span_hits(hits: list[TextHit], text: str, span: str) -> dict[str, TextHit]:
    """The hits whose offsets are exactly those of `span` (its first occurrence), by entity."""
    start = text.index(span)
    return {h.entity_id: h for h in hits if (h.start, h.end) == (start, start + len(span))}


# (case, text, span as written, an entity it must hit there)
FOUND = [
    ("title", "Yesterday Mr. Dan Gertler met the minister.", "Dan Gertler", GERTLER),
    ("possessive", "The audit covered Dan Gertler's mining rights.", "Dan Gertler", GERTLER),
    (
        "line break",
        "Payments were routed to Dan\nGertler through Gibraltar.",
        "Dan\nGertler",
        GERTLER,
    ),
    ("hyphenated", "The cheque was made out to Dan Ger-\ntler in 2017.", "Dan Ger-\ntler", GERTLER),
    ("all caps", "BENEFICIARY: DAN GERTLER, KINSHASA BRANCH", "DAN GERTLER", GERTLER),
    ("reversed", "Counterparty: Gertler, Dan (DRC).", "Gertler, Dan", GERTLER),
    (
        "doctor",
        "A statement by Dr. Ayman al-Zawahiri was read.",
        "Ayman al-Zawahiri",
        "un-sc:QDi.006",
    ),
    (
        "cyrillic",
        "The leader, Умаров Доку Хаматович, claimed the attack.",
        "Умаров Доку Хаматович",
        "un-sc:QDi.290",
    ),
    (
        "arabic",
        "Under the former president صدام حسين التكريتي the ministry was rebuilt.",
        "صدام حسين التكريتي",
        "un-sc:IQi.001",
    ),
    ("spelling", "Forces loyal to Dokka Umarov held the village.", "Dokka Umarov", "un-sc:QDi.290"),
    (
        "transliteration",
        "Minister Mohammed Hamza al-Zubaydi signed the decree.",
        "Mohammed Hamza al-Zubaydi",
        "un-sc:IQi.009",
    ),
    (
        "organisation",
        "A transfer to Bank Melli in Tehran was stopped.",
        "Bank Melli",
        "ofac-sdn:25578",
    ),
    (
        "one-word name",
        "Funds reached Hizballah through a front company.",
        "Hizballah",
        "ofac-sdn:4697",
    ),
    ("brand", "Shares of Sberbank fell sharply.", "Sberbank", "ofac-cons:17018"),
    (
        "word with legal form",
        "The contract with Rust CJSC was signed in Moscow.",
        "Rust CJSC",
        "ofac-cons:18742",
    ),
    (
        "vessel",
        "The tanker FOREST (IMO 9187629) called at Bandar Abbas.",
        "FOREST",
        "ofac-sdn:15049",
    ),
    ("vessel prefix", "Cargo was loaded on the M/V AMBER last week.", "AMBER", "ofac-sdn:15052"),
]


@pytest.mark.parametrize("case, text, span, entity", FOUND, ids=[c[0] for c in FOUND])
def test_listed_names_written_as_prose_writes_them(
    finder: NameFinder, case: str, text: str, span: str, entity: str
) -> None:
    hits = finder.find(text)
    found = span_hits(hits, text, span)
    assert entity in found, [(h.entity_id, h.matched_text, h.score) for h in hits]
    hit = found[entity]
    assert text[hit.start : hit.end] == hit.matched_text == span  # offsets into the original
    assert hit.score >= textnames.DEFAULT_THRESHOLD
    assert hit.explanation["name"]  # the scorer's own explanation
    assert hit.matched_name and hit.caption and hit.schema


def test_every_mention_is_reported_once(finder: NameFinder) -> None:
    text = "Dan Gertler signed; later Gertler, Dan signed again. " * 2
    hits = [h for h in finder.find(text) if h.entity_id == GERTLER]
    assert [h.matched_text for h in hits] == ["Dan Gertler", "Gertler, Dan"] * 2
    assert len({h.start for h in hits}) == 4


def test_names_across_a_chunk_boundary(finder: NameFinder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textnames, "CHUNK", 1000)
    monkeypatch.setattr(textnames, "OVERLAP", 100)
    filler = "the quarterly report was filed on time and reviewed by the board. " * 20
    text = filler[:990] + " Dan Gertler " + filler
    hits = [h for h in finder.find(text) if h.entity_id == GERTLER]
    assert [(h.start, h.matched_text) for h in hits] == [(991, "Dan Gertler")]


# Text that mentions words which are also listed names, none of which may alert.
SILENT = [
    ("bare given name", "Dan said hello to everyone at the meeting."),
    ("bare surname", "Gertler declined to comment on the report."),
    ("common-word aliases", "Let us meet mid-week. LET THE MID-YEAR REVIEW BEGIN."),
    ("weak aliases", "The RUSAG and VEB figures were compared."),
    ("vessel names without context", "The forest was amber and huge. FOREST, AMBER and Dover."),
    ("dictionary word", "Rust is a programming language; the code is written in Rust."),
    ("given name of a firm", "Thanks to Markus for the patch."),
    ("acronym", "The RGB values and the JIT compiler."),
    ("lower case", "the nico and planar modules"),
    ("initial disagrees", "Dmitry V. Levin maintains strace."),
    ("part of a longer name", "Mohammed Adnène Trojette uploaded the package."),
]


@pytest.mark.parametrize("case, text", SILENT, ids=[c[0] for c in SILENT])
def test_words_that_are_also_listed_names_do_not_alert(
    finder: NameFinder, case: str, text: str
) -> None:
    assert finder.find(text) == [], [(h.entity_id, h.matched_text) for h in finder.find(text)]


def test_the_real_letter_names_nobody_listed(finder: NameFinder, data_dir: Path) -> None:
    letter = data_dir / "documents" / "letter_karabakh_sanctions_2023.txt"
    assert finder.find(letter.read_text(encoding="utf-8")) == []


def test_threshold_is_checked(finder: NameFinder) -> None:
    with pytest.raises(QueryError):
        finder.find("Dan Gertler", threshold=1.5)
    assert finder.find("") == []
    assert [h.entity_id for h in finder.find("Dan Gertler", threshold=1.0)] == [GERTLER]


def test_a_finder_follows_the_screener_to_a_new_index(eval_screener: Screener) -> None:
    screener = Screener(eval_screener.index)  # the same index, a snapshot of its own
    finder = NameFinder(screener)
    assert finder.tables is NameFinder(eval_screener).tables  # built once per index
    assert [h.entity_id for h in finder.find("Dan Gertler")] == [GERTLER]
    screener._snapshot = Screener.from_entities([])._snapshot  # what refresh() swaps in
    assert finder.find("Dan Gertler") == []
    assert finder.tables.index is screener.index


def test_prose_tokens_point_back_into_the_text() -> None:
    text = "Mr. Gertler's firm, GER-\nTLER, Dan. «Ali»"
    prose = tokenize(text)
    spans = [text[prose.starts[w] : prose.ends[w]] for w in prose.word_of]
    assert spans == ["Mr", "Gertler", "firm", "GER-\nTLER", "Dan", "Ali"]
    assert prose.tokens == ["mr", "gertler", "firm", "gertler", "dan", "ali"]
    # A title's full stop joins; a comma joins ("Gertler, Dan"); a sentence end and quotes break.
    assert prose.breaks == [True, False, False, False, False, True]
