"""SWIFT MT payment messages: the real RJE file of 13 MT103s in ../shared/data/payments, the
hand-made fixtures in tests/fixtures/payments (see its README), and broken input."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.errors import FormatError, ParseError
from sanctions.extract.message import Message, Party, Value
from sanctions.extract.mt import MAX_PART_BYTES
from sanctions.extract.payment import iter_messages, parse_messages, read_messages

RJE = "payments/MT103-out-ack.rje"
HEAD = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBGB22XXXXN}"
BODY = ":20:REF1\n:23B:CRED\n:32A:260302EUR100,\n:50K:JOHN SMITH\n:59:/123456\nJANE DOE\n:71A:SHA\n"
GOOD = HEAD + "{4:\n" + BODY + "-}\n"


def party(message: Message, path: str) -> Party:
    (found,) = [p for p in message.parties if p.path == path]
    return found


def texts(values: list[Value]) -> list[str]:
    return [v.text for v in values]


def parse(text: str) -> list[Message]:
    return parse_messages(text.encode(), "test.fin")


@pytest.fixture(scope="module")
def rje(data_dir: Path) -> list[Message]:
    return read_messages(data_dir / RJE)


# ---- the real RJE file ------------------------------------------------------------------

# 50K and 59 names (the first line after any /account line) of the 13 messages, in order.
NAMES = [
    ("FOO CAPITAL MARKETS LP", "MERCADOS Y GESTION DE VALORES SA"),
    ("FOO DIRECT", "FOO DIRECT EUROSTOXX 99"),
    ("FOO DIRECT", "FOO DIRECT III FONDO DE PENSIONES I"),
    ("FOO DIRECT", "FOO DIRECT IBEX 35"),
    ("FOO SERVICIOS FINANCIERO", "BANKXXXX"),
    ("AF RENTA VARIABLE", "FOO SECURITIES SV S.A."),
    ("FOO FOOOOOO MODERADO FOO", "FOO FOOOOOO MODERADO FOO"),
    ("AGENTES DE BOLSA FOO AGENCIA", "FOO AGENTES DE BOLSA ASOC"),
    ("FOO FONDO PENSIONES", "FOO MODERADO FP"),
    ("FOO SA", "FOO SA"),
    ("MORGAN STANLEY FOOOOOO CONSERV", "MS FOOOOOO CONSERVSDOR FIMF"),
    ("MS FOOOOOO MODERADO FIMF", "MS FOOOOOO MODERADO FIMF"),
    ("MS LATINOAMERICA FIM", "MS LATINOAMERICA FIM"),
]


def test_all_13_messages_of_the_rje_file(rje: list[Message], data_dir: Path) -> None:
    assert len(rje) == 13
    assert [m.index for m in rje] == list(range(13))
    assert {m.kind for m in rje} == {"MT103"}
    assert {m.source for m in rje} == {str(data_dir / RJE)}
    names = [(texts(party(m, "4:50K").names)[0], texts(party(m, "4:59").names)[0]) for m in rje]
    assert names == NAMES
    # Each message starts on the line of its {1: block (messages are separated by '$').
    lines = (data_dir / RJE).read_text().splitlines()
    for message in rje:
        number = int(message.position.removeprefix("line "))
        assert lines[number - 1].startswith("{1:F01BICFOOYYAXXX"), message.position
    assert rje[0].position == "line 1" and rje[1].position == "line 23"
    assert [m.reference for m in rje][:3] == ["22342343", "INGDESMM", "INGDESMM"]
    assert rje[-1].reference == "0061350113089905"


def test_first_message_in_full(rje: list[Message]) -> None:
    first = rje[0]
    assert [(p.role, p.path) for p in first.parties] == [
        ("sender", "2"),
        ("receiver", "1"),
        ("ordering_customer", "4:50K"),
        ("ordering_institution", "4:52D"),
        ("beneficiary", "4:59"),
    ]
    # Output message: the sender is the MIR's LT address in block 2, the receiver block 1's.
    assert texts(party(first, "2").bics) == ["BBBBUS3NXXX"]
    assert texts(party(first, "1").bics) == ["BICFOOYYXXX"]
    customer = party(first, "4:50K")
    assert customer.names == [Value("4:50K", "FOO CAPITAL MARKETS LP")]
    assert texts(customer.address_lines) == ["99 WALL ST STE 9999", "NEW YORK, NY 10005-3122"]
    bank = party(first, "4:52D")
    assert texts(bank.names) == ["NORTH FOO BANK"]
    assert texts(bank.address_lines) == ["999 BROAD FOO RD", "MELVILLE, NY 11747"]
    beneficiary = party(first, "4:59")
    assert texts(beneficiary.accounts) == ["00123456789012345678"]
    assert texts(beneficiary.address_lines) == ["FOOSTREET 65", "MADRID SPAIN 28010701.18"]
    assert first.texts == [
        Value(
            "4:70",
            "FINDERS FEES-JULY,2007-  10.00, AUG\nUST,2007-  0.00   SEPTEMBER,2007\n 1,999.99\n"
            "BNY CUST RRN - O/B NORTH FORK B",
        ),
        Value("4:72", "/ACC/ 00940060752415000231"),
    ]


def test_option_a_fields_and_accounts(rje: list[Message]) -> None:
    second = rje[1]
    assert texts(party(second, "4:52A").bics) == ["FOODESMM"]
    assert texts(party(second, "4:53A").bics) == ["FOODESMMXXX"]
    assert party(second, "4:53A").role == "senders_correspondent"
    assert party(second, "4:57A").role == "account_with_institution"
    assert texts(party(second, "4:57A").bics) == ["BICFOOYY"]
    # 52A with a party identifier line: the account and the BIC.
    sixth = party(rje[5], "4:52A")
    assert texts(sixth.accounts) == ["0569"] and texts(sixth.bics) == ["FOOBESBBXXX"]
    # An account shaped like an IBAN is an IBAN.
    assert texts(party(rje[5], "4:59").ibans) == ["ES0123456789012345671234"]
    assert party(rje[5], "4:59").accounts == []
    # 54A with a bare clearing mark (//RT) and 59 with a placeholder account (/-).
    tenth = rje[9]
    correspondent = party(tenth, "4:54A")
    assert correspondent.role == "receivers_correspondent"
    assert texts(correspondent.bics) == ["BICFOOYY"] and correspondent.accounts == []
    assert party(tenth, "4:59").accounts == [] and texts(party(tenth, "4:59").names) == ["FOO SA"]
    assert texts(tenth.texts) == ["/CS BD ST EUR B\nREDEMPTION AMLX985338"]
    assert texts(rje[7].texts) == ["/BNF/TRANSF. BCO. FOO"]


def test_stray_brace_after_a_complete_message_is_tolerated(rje: list[Message]) -> None:
    # Message 10 of the real file ends "-}{" (a typo in Prowide's sample): nothing is lost.
    assert texts(party(rje[10], "4:50K").names) == ["MORGAN STANLEY FOOOOOO CONSERV"]
    assert rje[11].index == 11


# ---- hand-made fixtures -----------------------------------------------------------------


def test_mt103_input_crlf_with_options_f_a_d(fixtures_dir: Path) -> None:
    path = fixtures_dir / "payments" / "mt103_input_crlf.fin"
    assert b"\r\n" in path.read_bytes()
    (message,) = read_messages(path)
    assert message.kind == "MT103" and message.reference == "REF103CRLF01"
    assert [(p.role, p.path) for p in message.parties] == [
        ("sender", "1"),
        ("receiver", "2"),
        ("ordering_customer", "4:50F"),
        ("ordering_institution", "4:52A"),
        ("intermediary", "4:56A"),
        ("account_with_institution", "4:57D"),
        ("beneficiary", "4:59F"),
    ]
    # Input message: the sender is block 1's LT address, the receiver block 2's.
    assert texts(party(message, "1").bics) == ["AAAAUS33XXX"]
    assert texts(party(message, "2").bics) == ["BBBBGB22XXX"]
    customer = party(message, "4:50F")
    assert customer.names == [Value("4:50F", "PAE WON UK")]
    assert texts(customer.ibans) == ["DE89370400440532013000"]
    assert texts(customer.address_lines) == ["KIM IL SUNG SQUARE 1"]
    assert customer.countries == [Value("4:50F", "KP")]  # 3/ only: not the birth place (5/)
    assert texts(customer.towns) == ["PYONGYANG"]
    intermediary = party(message, "4:56A")
    assert texts(intermediary.bics) == ["BOELKPPYXXX"] and texts(intermediary.accounts) == ["1234"]
    bank = party(message, "4:57D")
    assert texts(bank.names) == ["BANK SEPAH"]
    assert texts(bank.ibans) == ["IR820540102680020817909002"]
    assert texts(bank.address_lines) == ["FERDOWSI AVENUE", "TEHRAN IRAN"]
    beneficiary = party(message, "4:59F")
    assert texts(beneficiary.names) == ["COMMERCIAL BANK OF SYRIA TRADE FINANCE DEPT"]
    assert texts(beneficiary.accounts) == ["SY021234567890"]
    assert texts(beneficiary.countries) == ["SY"] and texts(beneficiary.towns) == ["DAMASCUS"]
    assert texts(beneficiary.address_lines) == ["29 AYAR SQUARE"]
    assert message.texts == [
        Value("4:70", "/INV/2026-77 FOR DELIVERY TO\nSEVASTOPOL CRIMEA"),
        Value("4:72", "/ACC/CALL BENEFICIARY ON ARRIVAL"),
        Value("4:77B", "/ORDERRES/KP//PYONGYANG"),
    ]


def test_bom_does_not_change_anything(fixtures_dir: Path) -> None:
    (crlf,) = read_messages(fixtures_dir / "payments" / "mt103_input_crlf.fin")
    (bom,) = read_messages(fixtures_dir / "payments" / "mt103_bom.fin")
    assert bom.reference == "REF103BOM01"
    assert bom.parties == crlf.parties and bom.texts == crlf.texts
    # CRLF or LF: the same message.
    lf = (fixtures_dir / "payments" / "mt103_input_crlf.fin").read_bytes().replace(b"\r\n", b"\n")
    (same,) = parse_messages(lf, "lf.fin")
    assert same.parties == crlf.parties and same.texts == crlf.texts


def test_mt202cov_sequence_b(fixtures_dir: Path) -> None:
    (message,) = read_messages(fixtures_dir / "payments" / "mt202cov_input.fin")
    assert message.kind == "MT202COV" and message.reference == "COV2026REF001"
    assert [(p.role, p.path) for p in message.parties] == [
        ("sender", "1"),
        ("receiver", "2"),
        ("ordering_institution", "4:52A"),
        ("senders_correspondent", "4:53A"),
        ("intermediary", "4:56A"),
        ("account_with_institution", "4:57A"),
        ("beneficiary_institution", "4:58A"),
        ("underlying_ordering_customer", "4:B/50K"),
        ("underlying_ordering_institution", "4:B/52A"),
        ("underlying_intermediary", "4:B/56D"),
        ("underlying_account_with_institution", "4:B/57A"),
        ("underlying_beneficiary", "4:B/59"),
    ]
    institution = party(message, "4:58A")
    assert texts(institution.bics) == ["KDBKKPPYXXX"]
    assert texts(institution.ibans) == ["DE89370400440532013000"]
    customer = party(message, "4:B/50K")
    assert texts(customer.names) == ["SEPAH TRADING CO"]
    assert texts(customer.ibans) == ["IR820540102680020817909002"]
    assert texts(customer.address_lines) == ["FERDOWSI AVENUE", "TEHRAN IRAN"]
    assert texts(party(message, "4:B/56D").names) == ["BANK OF EAST LAND"]
    assert texts(party(message, "4:B/59").names) == ["KOREA DAESONG GENERAL TRADING CORPORATION"]
    assert message.texts == [
        Value("4:72", "/INS/CMSYSYDA"),
        Value("4:B/70", "INV 2026/14 PAYMENT FOR PAE WON UK"),
        Value("4:B/72", "/ACC/SEVASTOPOL BRANCH"),
    ]


def test_mt202_without_cov_and_other_layouts() -> None:
    mt202 = GOOD.replace("I103", "I202").replace(BODY, ":20:B2B1\n:21:REL\n:58A:KDBKKPPY\n")
    (message,) = parse(mt202)
    assert message.kind == "MT202"
    assert texts(party(message, "4:58A").bics) == ["KDBKKPPY"]
    # Several messages in one part without '$', and an ACK before a message (skipped).
    ack = "{1:F21AAAAUS33AXXX0000000000}{4:{177:2603021200}{451:0}}"
    messages = parse(GOOD + GOOD.replace("REF1", "REF2") + "$\n" + ack + GOOD.replace("REF1", "R3"))
    assert [(m.index, m.reference) for m in messages] == [(0, "REF1"), (1, "REF2"), (2, "R3")]
    assert messages[2].position == "line 20"  # the ACK shares its line
    # Output message with block 3 and block 5 trailers.
    output = (
        "{1:F01BBBBGB22AXXX0001000001}{2:O1031200260302AAAAUS33AXXX00010000012603021200N}"
        "{3:{108:MUR1}}{4:\n" + BODY + "-}{5:{CHK:ABCDEF123456}{TNG:}}"
    )
    (message,) = parse(output)
    assert texts(party(message, "2").bics) == ["AAAAUS33XXX"]
    assert texts(party(message, "1").bics) == ["BBBBGB22XXX"]


def test_options_b_c_and_59a() -> None:
    body = (
        ":20:X\n:50A:/12345678\nAAAAUS33\n:53B:/C/998877\nLONDON\n:56C:/CLEAR123\n"
        ":57B:NEW YORK\n:59A:/GB29NWBK60161331926819\nKDBKKPPYXXX\n"
    )
    (message,) = parse(HEAD + "{4:\n" + body + "-}")
    assert texts(party(message, "4:50A").bics) == ["AAAAUS33"]
    assert texts(party(message, "4:50A").accounts) == ["12345678"]
    correspondent = party(message, "4:53B")
    assert texts(correspondent.accounts) == ["998877"]  # the /C/ mark dropped
    assert texts(correspondent.address_lines) == ["LONDON"]
    assert texts(party(message, "4:56C").accounts) == ["CLEAR123"]
    assert texts(party(message, "4:57B").address_lines) == ["NEW YORK"]
    beneficiary = party(message, "4:59A")
    assert texts(beneficiary.ibans) == ["GB29NWBK60161331926819"]
    assert texts(beneficiary.bics) == ["KDBKKPPYXXX"]


# ---- broken input -----------------------------------------------------------------------


def error_of(path: Path) -> ParseError | FormatError:
    with pytest.raises((ParseError, FormatError)) as caught:
        read_messages(path)
    assert caught.value.path == str(path)
    assert isinstance(caught.value, ParseError | FormatError)
    return caught.value


def test_malformed_fixtures(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "payments" / "malformed"
    unbalanced = error_of(folder / "mt_unbalanced_braces.fin")
    assert isinstance(unbalanced, ParseError) and "block 3 is never closed" in unbalanced.message
    assert (unbalanced.record, unbalanced.line) == ("message 1", 11)
    no_end = error_of(folder / "mt_no_block4_end.fin")
    assert "no closing '-}' line" in no_end.message
    assert (no_end.record, no_end.line) == ("message 0", 1)
    option = error_of(folder / "mt_unknown_field_option.fin")
    assert "59B is not a format we read (expected 59, 59A, 59F)" in option.message
    assert (option.record, option.line, option.field) == ("message 1", 16, "4:59B")
    tag = error_of(folder / "mt_bad_tag.fin")
    assert "':7A:SHA' starts like a field" in tag.message and tag.line == 8
    mt940 = error_of(folder / "mt940_statement.fin")
    assert isinstance(mt940, FormatError)
    assert mt940.message == "MT940 is not a payment message we screen (MT103, MT202, MT202COV)"
    assert (mt940.record, mt940.line) == ("message 0", 1)
    utf16 = error_of(folder / "mt103_utf16.fin")
    assert isinstance(utf16, ParseError) and "UTF-16" in utf16.message


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        (HEAD + "{4:\n:20:X\n-}{7:x}", "unknown block {7:", 3),
        (GOOD + "garbage\n", "text outside any block: 'garbage'", 10),
        ("{2:I103BBBBGB22XXXXN}{4:\n:20:X\n-}", "no basic header (block 1)", 1),
        ("{1:F01AAAAUS33AXXX0000000000}{4:\n:20:X\n-}", "no application header", 1),
        ("{1:F01AAAAUS33AXXX0000000000}{2:I103BBBB}{4:\n:20:X\n-}", "not an application", 1),
        ("{1:XYZ}{2:I103BBBBGB22XXXXN}{4:\n:20:X\n-}", "not a basic header", 1),
        (HEAD + "{3:{108:A}x}{4:\n:20:X\n-}", "block 3 is not a series of {tag:value}", 1),
        (HEAD + "{3:{119:COV}}", "no text block (block 4)", 1),
        (HEAD + "{4:\nfree text\n:20:X\n-}", "text before the first field", 2),
        (HEAD + "{4:\n:20:X\n:57A:NOT A BIC\n-}", "option A holds an optional /account", 3),
        (HEAD + "{4:\n:20:X\n:57A:/123\n-}", "option A holds an optional /account", 3),
        (HEAD + "{4:\n:20:X\n:50F:JUNK\n1/NAME\n-}", "neither /account nor CODE/CC", 3),
        (HEAD + "{4:\n:20:X\n:59F:1/NAME\n4/19690822\n-}", "'4/19690822' is not a numbered", 3),
        (HEAD + "{4:\n:20:X\n:59F:1/NAME\n3/KOREA/PYONGYANG\n-}", "ISO country code", 3),
        (HEAD + "{4:\n:20:X\n:59:/1234\n-}", "no name line after the account", 3),
        (HEAD + "{4:\n:20:X\n:59:A\n:59:B\n-}", "field 59 appears twice", 4),
        (HEAD + "{4:\n:20:X\n:56C:NOSLASH\n-}", "option C holds one /account line", 3),
        (HEAD + "{4:{177:X}}", "block 4 of an MT103 holds no fields", 1),
        (HEAD + "{4:\n:20:X\n" + HEAD + "{4:\n:20:Y\n-}", "block 4 holds a brace", 1),
        ("{1:F21AAAAUS33AXXX0000000000}{4:{177:X}{451:0}}", "acknowledgement without", 1),
    ],
)
def test_broken_messages(text: str, expected: str, line: int) -> None:
    with pytest.raises((ParseError, FormatError)) as caught:
        parse(text)
    assert isinstance(caught.value, ParseError | FormatError)
    assert expected in caught.value.message, caught.value.message
    assert caught.value.line == line
    assert caught.value.path == "test.fin" and caught.value.record == "message 0"


def test_bytes_that_are_not_utf8_name_their_line() -> None:
    data = GOOD.replace("JOHN", "J\xd6HN").encode("latin-1")
    with pytest.raises(ParseError, match="not UTF-8") as caught:
        parse_messages(data, "latin1.fin")
    assert caught.value.line == 5


def test_memory_stays_bounded(tmp_path: Path, fixtures_dir: Path) -> None:
    """Many messages stream one by one; one part bigger than MAX_PART_BYTES (no '$' and no
    end) is refused instead of being held in memory."""
    one = (fixtures_dir / "payments" / "mt103_input_crlf.fin").read_bytes()
    path = tmp_path / "many.rje"
    path.write_bytes((one + b"$\r\n") * 2_000)
    count = 0
    for message in iter_messages(path):
        assert message.index == count
        count += 1
    assert count == 2_000
    endless = tmp_path / "endless.fin"
    endless.write_bytes(HEAD.encode() + b"{4:\n" + b":70:" + b"X" * 34 + b"\n" * 1)
    with endless.open("ab") as handle:
        handle.write(b"MORE TEXT\n" * (MAX_PART_BYTES // 10 + 1))
    with pytest.raises(ParseError, match="MiB without a '\\$' separator") as caught:
        read_messages(endless)
    assert caught.value.line == 1
