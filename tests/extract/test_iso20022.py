"""ISO 20022 payment messages: every real file in ../shared/data/payments, the hand-made
fixtures in tests/fixtures/payments (see its README), and hostile or broken input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sanctions.errors import FormatError, ParseError
from sanctions.extract.iso20022 import MAX_ELEMENTS, message_kind
from sanctions.extract.message import Message, Party
from sanctions.extract.payment import detect, iter_messages, parse_messages, read_messages

PAYMENTS = "payments"


def one(path: Path) -> Message:
    messages = read_messages(path)
    assert len(messages) == 1
    assert messages[0].source == str(path) and messages[0].index == 0
    return messages[0]


def roles(message: Message) -> list[tuple[str, str]]:
    return [(p.role, p.path) for p in message.parties]


def party(message: Message, path: str) -> Party:
    (found,) = [p for p in message.parties if p.path == path]
    return found


def texts(values: list) -> list[str]:  # type: ignore[type-arg]
    return [v.text for v in values]


def pairs(values: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(v.path, v.text) for v in values]


# ---- the real files ---------------------------------------------------------------------


def test_every_real_xml_file_parses_completely(data_dir: Path) -> None:
    files = sorted((data_dir / PAYMENTS).glob("*.xml"))
    assert len(files) == 6
    for path in files:
        (message,) = read_messages(path)
        assert message.kind.startswith(("pain.001", "pacs.008", "pacs.009")), path
        assert message.reference, path
        assert message.parties, path
        for p in message.parties:
            assert any(True for _ in p.values()), (path, p)  # no party without a value
            for _kind, value in p.values():
                assert value.text and value.text == value.text.strip()
                # Paths start below the message element and index repeatable elements.
                assert value.path.startswith(p.path.split("/")[0]), (p.path, value.path)
                assert "{" not in value.path and "Document" not in value.path


def test_usd_file_creditor_agent_bic_and_name(data_dir: Path) -> None:
    message = one(data_dir / PAYMENTS / "International_payment_USD_naujas_1.xml")
    assert message.kind == "pain.001.001.03"
    assert message.reference == "MSGID0002"
    assert message.position == "line 2"  # line 1 holds the BOM and the XML declaration
    assert roles(message) == [
        ("initiating_party", "GrpHdr/InitgPty"),
        ("debtor", "PmtInf[0]/Dbtr"),
        ("debtor_agent", "PmtInf[0]/DbtrAgt"),
        ("creditor_agent", "PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt"),
        ("creditor", "PmtInf[0]/CdtTrfTxInf[0]/Cdtr"),
    ]
    agent = party(message, "PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt")
    assert pairs(agent.bics) == [("PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt/FinInstnId/BIC", "BKTRUS33")]
    assert texts(agent.names) == ["DEUTSCHE BANK TRUST COMPANY AMERICAS"]
    debtor = party(message, "PmtInf[0]/Dbtr")
    assert texts(debtor.names) == ["IMONE X"]
    assert pairs(debtor.ibans) == [("PmtInf[0]/DbtrAcct/Id/IBAN", "LT007180000000000000")]
    assert texts(party(message, "PmtInf[0]/DbtrAgt").bics) == ["CBSBLT26XXX"]
    creditor = party(message, "PmtInf[0]/CdtTrfTxInf[0]/Cdtr")
    assert texts(creditor.names) == ["COMPANY Z"]
    assert pairs(creditor.accounts) == [
        ("PmtInf[0]/CdtTrfTxInf[0]/CdtrAcct/Id/Othr/Id", "1234567890")
    ]
    assert pairs(creditor.address_lines) == [
        ("PmtInf[0]/CdtTrfTxInf[0]/Cdtr/PstlAdr/AdrLine[0]", "Company address")
    ]
    assert pairs(message.texts) == [("PmtInf[0]/CdtTrfTxInf[0]/RmtInf/Ustrd[0]", "Payment details")]


def test_rub_file_creditor_agent_in_russia(data_dir: Path) -> None:
    message = one(data_dir / PAYMENTS / "International_payment_RUB_naujas_1.xml")
    agent = party(message, "PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt")
    assert agent.role == "creditor_agent"
    assert pairs(agent.names) == [
        ("PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt/FinInstnId/Nm", "UNICREDIT BANK AO")
    ]
    assert pairs(agent.countries) == [
        ("PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt/FinInstnId/PstlAdr/Ctry", "RU")
    ]
    assert texts(agent.address_lines) == ["Russia"]
    assert agent.bics == []  # identified by its clearing-system member id only
    assert pairs(agent.accounts) == [
        ("PmtInf[0]/CdtTrfTxInf[0]/CdtrAgtAcct/Id/Othr/Id", "10000000000000000001")
    ]
    assert texts(message.texts) == ["PREPAYMENT RUB 1000,00"]


def test_sepa_file(data_dir: Path) -> None:
    message = one(data_dir / PAYMENTS / "sepa_payment_naujas_1.xml")
    assert message.reference == "MSGID0001"
    creditor = party(message, "PmtInf[0]/CdtTrfTxInf[0]/Cdtr")
    assert texts(creditor.names) == ["IMONE Z"]
    assert texts(creditor.countries) == ["LT"]
    assert texts(creditor.address_lines) == ["Adresas 123", "Vilnius"]
    assert texts(creditor.ibans) == ["LT007400000000000000"]
    assert texts(party(message, "PmtInf[0]/CdtTrfTxInf[0]/CdtrAgt").bics) == ["SMPOLT22"]
    assert texts(party(message, "PmtInf[0]/DbtrAgt").bics) == ["CBSBLT26"]
    # The initiating party's organisation id is not a name, an account or a BIC.
    assert [k for k, _ in party(message, "GrpHdr/InitgPty").values()] == ["names"]


def test_swiss_six_variant_every_transaction(data_dir: Path) -> None:
    message = one(data_dir / PAYMENTS / "musterfile_pain.001_Nov2020.xml")
    assert message.kind == "pain.001.001.03.ch.02"  # from the SIX namespace URL
    assert message.reference == "MsgId-001"
    creditors = [p for p in message.parties if p.role == "creditor"]
    # The header says NbOfTxs 7, but the file holds 8 transactions: all are read.
    assert [p.path for p in creditors] == [
        "PmtInf[0]/CdtTrfTxInf[0]/Cdtr",
        "PmtInf[1]/CdtTrfTxInf[0]/Cdtr",
        "PmtInf[1]/CdtTrfTxInf[1]/Cdtr",
        "PmtInf[2]/CdtTrfTxInf[0]/Cdtr",
        "PmtInf[2]/CdtTrfTxInf[1]/Cdtr",
        "PmtInf[3]/CdtTrfTxInf[0]/Cdtr",
        "PmtInf[4]/CdtTrfTxInf[0]/Cdtr",
        "PmtInf[4]/CdtTrfTxInf[1]/Cdtr",
    ]
    assert [texts(p.names)[0] for p in creditors] == [
        "Maria Bernasconi",
        "Robert Schneider SA",
        "Robert Schneider",
        "Maria Bernasconi",
        "Maria Bernasconi",
        "Maria Bernasconi",
        "Robert Schneider SA",
        "Maria Bernasconi",
    ]
    # Every PmtInf brings its debtor side.
    debtors = [p for p in message.parties if p.role == "debtor"]
    assert [p.path for p in debtors] == [f"PmtInf[{i}]/Dbtr" for i in range(5)]
    assert texts(debtors[4].names) == ["Maria Bernasconi"]
    assert texts(debtors[0].ibans) == ["CH0309000000250090342"]
    structured = party(message, "PmtInf[1]/CdtTrfTxInf[1]/Cdtr")
    assert texts(structured.towns) == ["Biel/Bienne"]
    assert texts(structured.address_lines) == ["Hauptstrasse", "12", "2500"]
    italian = party(message, "PmtInf[3]/CdtTrfTxInf[0]/Cdtr")
    assert texts(italian.countries) == ["IT"]
    assert texts(italian.address_lines) == ["Via 10", "Florenz"]
    assert texts(party(message, "PmtInf[3]/CdtTrfTxInf[0]/CdtrAgt").bics) == ["AABBCCDDXXX"]
    initiating = party(message, "GrpHdr/InitgPty")
    assert pairs(initiating.names) == [
        ("GrpHdr/InitgPty/Nm", "Robert Schneider"),
        ("GrpHdr/InitgPty/CtctDtls/Nm", "PostFinance"),
    ]
    assert ("PmtInf[4]/CdtTrfTxInf[1]/RmtInf/Strd[0]/CdtrRefInf/Ref", "RF18539007547034") in (
        pairs(message.texts)
    )
    assert ("PmtInf[0]/CdtTrfTxInf[0]/RmtInf/Ustrd[0]", "Rechnung 1122") in pairs(message.texts)


def test_pacs_008_with_its_application_header(data_dir: Path) -> None:
    message = one(data_dir / PAYMENTS / "pacs.008.001.07.xml")
    assert message.kind == "pacs.008.001.07"
    assert message.reference == "823823423"  # GrpHdr/MsgId, not the AppHdr's BizMsgIdr
    assert message.position == "line 24"  # where <Document> opens inside <message>
    assert roles(message) == [
        ("sender", "AppHdr/Fr"),
        ("receiver", "AppHdr/To"),
        ("instructing_agent", "GrpHdr/InstgAgt"),
        ("instructed_agent", "GrpHdr/InstdAgt"),
        ("debtor", "CdtTrfTxInf[0]/Dbtr"),
        ("debtor_agent", "CdtTrfTxInf[0]/DbtrAgt"),
        ("creditor_agent", "CdtTrfTxInf[0]/CdtrAgt"),
        ("creditor", "CdtTrfTxInf[0]/Cdtr"),
    ]
    assert pairs(party(message, "AppHdr/Fr").bics) == [
        ("AppHdr/Fr/FIId/FinInstnId/BICFI", "MLCOUS33XXX")
    ]
    assert pairs(party(message, "AppHdr/To").bics) == [
        ("AppHdr/To/FIId/FinInstnId/BICFI", "MLCOUS33XXX")
    ]
    instructing = party(message, "GrpHdr/InstgAgt")
    assert texts(instructing.bics) == ["CITTGB2LPBG"]
    assert texts(instructing.names) == ["Lionel Messi"]
    instructed = party(message, "GrpHdr/InstdAgt")
    assert texts(instructed.towns) == ["Los Angeles"]
    assert "My Street" in texts(instructed.address_lines)
    debtor = party(message, "CdtTrfTxInf[0]/Dbtr")
    assert pairs(debtor.names) == [("CdtTrfTxInf[0]/Dbtr/Nm", "JOHN DOE")]
    assert pairs(debtor.countries) == [
        ("CdtTrfTxInf[0]/Dbtr/PstlAdr/Ctry", "AR"),
        ("CdtTrfTxInf[0]/Dbtr/CtryOfRes", "AR"),
    ]
    assert texts(debtor.towns) == ["Buenos Aires"]
    assert "CABA" in texts(debtor.address_lines)  # CtrySubDvsn: regions are checked too
    assert texts(party(message, "CdtTrfTxInf[0]/DbtrAgt").names) == ["Juan Perez"]
    assert texts(party(message, "CdtTrfTxInf[0]/CdtrAgt").bics) == ["USTBUS31XXX"]
    assert pairs(party(message, "CdtTrfTxInf[0]/Cdtr").names) == [
        ("CdtTrfTxInf[0]/Cdtr/Nm", "Mike Smith")
    ]
    assert message.texts == []


def test_pacs_009_bank_to_bank(data_dir: Path) -> None:
    message = one(data_dir / PAYMENTS / "pacs.009.001.07.xml")
    assert message.kind == "pacs.009.001.07"
    assert message.reference == "SDFASDF2323"
    assert [r for r, _ in roles(message)] == [
        "sender",
        "receiver",
        "instructing_agent",
        "instructed_agent",
        "instructing_agent",
        "instructed_agent",
        "intermediary_agent",
        "debtor",
        "creditor_agent",
        "creditor",
    ]
    assert texts(party(message, "CdtTrfTxInf[0]/IntrmyAgt1").bics) == ["RRPLZAJJXXX"]
    # The debtor and creditor of a pacs.009 are banks: BIC and name of FinInstnId.
    assert texts(party(message, "CdtTrfTxInf[0]/Dbtr").bics) == ["SSTYPLP1XXX"]
    creditor = party(message, "CdtTrfTxInf[0]/Cdtr")
    assert pairs(creditor.names) == [("CdtTrfTxInf[0]/Cdtr/FinInstnId/Nm", "SDFG SDFGSDFG")]
    assert texts(creditor.bics) == ["HDSBKHPPXXX"]
    # A name spread over lines is one name with single spaces.
    assert texts(party(message, "GrpHdr/InstdAgt").names) == ["ASDF AF ASDFSDF ASDFSDF"]
    # Clearing-system member and other ids of an agent are not read as accounts.
    assert party(message, "CdtTrfTxInf[0]/CdtrAgt").accounts == []


# ---- hand-made fixtures -----------------------------------------------------------------


def test_pacs_009_cov_underlying_parties(fixtures_dir: Path) -> None:
    message = one(fixtures_dir / PAYMENTS / "pacs.009.001.08_cov.xml")
    assert message.kind == "pacs.009.001.08"
    assert message.reference == "COV-2026-0001"
    assert roles(message) == [
        ("sender", "AppHdr/Fr"),
        ("receiver", "AppHdr/To"),
        ("instructing_reimbursement_agent", "GrpHdr/SttlmInf/InstgRmbrsmntAgt"),
        ("instructing_agent", "CdtTrfTxInf[0]/InstgAgt"),
        ("instructed_agent", "CdtTrfTxInf[0]/InstdAgt"),
        ("intermediary_agent", "CdtTrfTxInf[0]/IntrmyAgt1"),
        ("debtor", "CdtTrfTxInf[0]/Dbtr"),
        ("creditor_agent", "CdtTrfTxInf[0]/CdtrAgt"),
        ("creditor", "CdtTrfTxInf[0]/Cdtr"),
        ("underlying_ultimate_debtor", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/UltmtDbtr"),
        ("underlying_debtor", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/Dbtr"),
        ("underlying_debtor_agent", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/DbtrAgt"),
        ("underlying_intermediary_agent", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/IntrmyAgt1"),
        ("underlying_creditor_agent", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/CdtrAgt"),
        ("underlying_creditor", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/Cdtr"),
        ("underlying_ultimate_creditor", "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/UltmtCdtr"),
    ]
    u = "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf"
    debtor = party(message, f"{u}/Dbtr")
    assert pairs(debtor.names) == [(f"{u}/Dbtr/Nm", "KOREA DAESONG GENERAL TRADING CORPORATION")]
    assert pairs(debtor.countries) == [(f"{u}/Dbtr/PstlAdr/Ctry", "KP")]
    assert texts(debtor.towns) == ["Pyongyang"]
    assert pairs(debtor.ibans) == [(f"{u}/DbtrAcct/Id/IBAN", "IR820540102680020817909002")]
    assert texts(party(message, f"{u}/DbtrAgt").bics) == ["KDBKKPPY"]
    # An IBAN-shaped "other" account id is an IBAN (its country is checked).
    assert pairs(party(message, f"{u}/Cdtr").ibans) == [
        (f"{u}/CdtrAcct/Id/Othr/Id", "AE070331234567890123456")
    ]
    ultimate = party(message, f"{u}/UltmtCdtr")
    assert texts(ultimate.towns) == ["Sevastopol"]
    assert pairs(ultimate.address_lines) == [(f"{u}/UltmtCdtr/PstlAdr/CtrySubDvsn", "Crimea")]
    assert texts(ultimate.countries) == ["UA"]
    assert texts(party(message, f"{u}/UltmtDbtr").countries) == ["SY"]
    cover_creditor = party(message, "CdtTrfTxInf[0]/Cdtr")
    assert texts(cover_creditor.bics) == ["KDBKKPPYXXX"]
    assert pairs(cover_creditor.accounts) == [("CdtTrfTxInf[0]/CdtrAcct/Id/Othr/Id", "0012345678")]
    assert pairs(message.texts) == [
        ("CdtTrfTxInf[0]/InstrForNxtAgt[0]/InstrInf", "COVER FOR INV-2026-118"),
        (f"{u}/InstrForCdtrAgt[0]/InstrInf", "CALL BENEFICIARY, REF PAE WON UK"),
        (f"{u}/RmtInf/Ustrd[0]", "INVOICE 2026-118 MACHINE PARTS DELIVERED TO SEVASTOPOL"),
    ]


def test_pain_001_ultimate_parties_and_intermediaries(fixtures_dir: Path) -> None:
    message = one(fixtures_dir / PAYMENTS / "pain.001.001.09_parties.xml")
    assert message.kind == "pain.001.001.09"
    assert message.reference == "PAIN-2026-0042"
    t = "PmtInf[0]/CdtTrfTxInf[0]"
    assert roles(message) == [
        ("initiating_party", "GrpHdr/InitgPty"),
        ("forwarding_agent", "GrpHdr/FwdgAgt"),
        ("debtor", "PmtInf[0]/Dbtr"),
        ("debtor_agent", "PmtInf[0]/DbtrAgt"),
        ("ultimate_debtor", "PmtInf[0]/UltmtDbtr"),
        ("intermediary_agent", f"{t}/IntrmyAgt1"),
        ("intermediary_agent", f"{t}/IntrmyAgt2"),
        ("creditor_agent", f"{t}/CdtrAgt"),
        ("creditor", f"{t}/Cdtr"),
        ("ultimate_creditor", f"{t}/UltmtCdtr"),
        ("creditor_agent", "PmtInf[0]/CdtTrfTxInf[1]/CdtrAgt"),
        ("creditor", "PmtInf[0]/CdtTrfTxInf[1]/Cdtr"),
        ("debtor", "PmtInf[1]/Dbtr"),
        ("debtor_agent", "PmtInf[1]/DbtrAgt"),
        ("ultimate_debtor", "PmtInf[1]/CdtTrfTxInf[0]/UltmtDbtr"),
        ("creditor_agent", "PmtInf[1]/CdtTrfTxInf[0]/CdtrAgt"),
        ("creditor", "PmtInf[1]/CdtTrfTxInf[0]/Cdtr"),
    ]
    assert pairs(party(message, "GrpHdr/InitgPty").bics) == [
        ("GrpHdr/InitgPty/Id/OrgId/AnyBIC", "EEEECHZZXXX")
    ]
    assert texts(party(message, "PmtInf[0]/UltmtDbtr").names) == [
        "KOREA DAESONG GENERAL TRADING CORPORATION"
    ]
    first = party(message, f"{t}/IntrmyAgt1")
    assert texts(first.bics) == ["BOELKPPYXXX"]
    assert pairs(first.accounts) == [(f"{t}/IntrmyAgt1Acct/Id/Othr/Id", "KP-0001-77")]
    second = party(message, f"{t}/IntrmyAgt2")
    assert texts(second.bics) == ["HAVIGB2L"] and texts(second.names) == ["HAVIN BANK LIMITED"]
    agent = party(message, f"{t}/CdtrAgt")
    assert texts(agent.towns) == ["Simferopol"] and texts(agent.address_lines) == ["Crimea"]
    creditor = party(message, f"{t}/Cdtr")
    assert texts(creditor.towns) == ["Sevastopol"]
    assert texts(creditor.ibans) == ["UA213223130000026007233566001"]
    ultimate = party(message, f"{t}/UltmtCdtr")
    assert pairs(ultimate.countries) == [(f"{t}/UltmtCdtr/CtryOfRes", "KP")]
    iranian = party(message, "PmtInf[0]/CdtTrfTxInf[1]/Cdtr")
    assert texts(iranian.countries) == ["IR"]
    assert texts(iranian.address_lines) == ["Ferdowsi Avenue 12", "Tehran"]
    assert texts(party(message, "PmtInf[1]/CdtTrfTxInf[0]/UltmtDbtr").names) == [
        "Mousa Mohammed Abu Marzook"
    ]
    assert pairs(message.texts) == [
        ("PmtInf[0]/InstrForDbtrAgt", "URGENT, CONFIRM BY PHONE"),
        (f"{t}/InstrForCdtrAgt[0]/Cd", "PHOB"),
        (f"{t}/InstrForCdtrAgt[0]/InstrInf", "ASK FOR MR PAE WON UK"),
        (f"{t}/Purp/Cd", "GDDS"),
        (f"{t}/RgltryRptg[0]/Dtls[0]/Cd", "101"),
        (f"{t}/RgltryRptg[0]/Dtls[0]/Inf[0]", "Export of machine parts to Crimea"),
        (f"{t}/RmtInf/Ustrd[0]", "INVOICE 77 SHIPPED VIA BANK OF EAST LAND"),
        (f"{t}/RmtInf/Ustrd[1]", "SECOND LINE"),
        ("PmtInf[0]/CdtTrfTxInf[1]/RmtInf/Ustrd[0]", "ORDER 88"),
        ("PmtInf[1]/CdtTrfTxInf[0]/RmtInf/Ustrd[0]", "SPARE PARTS"),
    ]


def test_many_transactions_and_many_documents_in_one_envelope(data_dir: Path) -> None:
    real = (data_dir / PAYMENTS / "pacs.008.001.07.xml").read_text(encoding="utf-8")
    start, end = real.index("<CdtTrfTxInf>"), real.index("</FIToFICstmrCdtTrf>")
    batch = real[:end].replace(real[start:end], real[start:end] * 3) + real[end:]
    (message,) = parse_messages(batch.encode(), "batch.xml")
    assert [p.path for p in message.parties if p.role == "creditor"] == [
        f"CdtTrfTxInf[{i}]/Cdtr" for i in range(3)
    ]
    # Two AppHdr + Document pairs in one envelope: two messages, each with its own header.
    inner = real.removeprefix("<message>").rsplit("</message>", 1)[0]
    other = inner.replace("MLCOUS33XXX", "OTHRUS33XXX").replace("823823423", "SECOND")
    both = parse_messages(f"<envelope>{inner}{other}</envelope>".encode(), "two.xml")
    assert [(m.index, m.reference) for m in both] == [(0, "823823423"), (1, "SECOND")]
    assert texts(both[1].parties[0].bics) == ["OTHRUS33XXX"]
    assert texts(both[0].parties[0].bics) == ["MLCOUS33XXX"]


def test_message_kind_from_namespace() -> None:
    assert message_kind("urn:iso:std:iso:20022:tech:xsd:pacs.008.001.07") == "pacs.008.001.07"
    assert message_kind("urn:iso:std:iso:20022:tech:xsd:pacs.009.001.10") == "pacs.009.001.10"
    assert message_kind("urn:iso:std:iso:20022:tech:xsd:pain.001.003.03") == "pain.001.003.03"
    six = "http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd"
    assert message_kind(six) == "pain.001.001.03.ch.02"
    assert message_kind("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02") is None
    assert message_kind("urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10") is None


# ---- malformed and hostile input --------------------------------------------------------


def test_doctype_with_external_entity_is_refused(fixtures_dir: Path) -> None:
    path = fixtures_dir / PAYMENTS / "malformed" / "doctype_xxe.xml"
    with pytest.raises(FormatError, match="DOCTYPE") as caught:
        read_messages(path)
    assert caught.value.path == str(path) and caught.value.line == 2


def test_doctype_hidden_behind_a_long_prolog_or_utf16_is_refused(tmp_path: Path) -> None:
    doc = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>'
    late = tmp_path / "late.xml"
    late.write_text(f"<!--{'x' * 70_000}-->\n<!DOCTYPE d [<!ENTITY a 'b'>]>\n{doc}")
    utf16 = tmp_path / "utf16.xml"
    utf16.write_text(f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d>\n{doc}', "utf-16")
    for path in (late, utf16):
        with pytest.raises(FormatError, match="DOCTYPE"):
            read_messages(path)


def test_undeclared_entity_is_a_parse_error_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "entity.xml"
    path.write_text(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">\n'
        "<FIToFICstmrCdtTrf><GrpHdr><MsgId>&foo;</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>"
    )
    with pytest.raises(ParseError, match="Entity 'foo' not defined") as caught:
        read_messages(path)
    assert caught.value.line == 2


def test_truncated_xml_names_file_and_line(fixtures_dir: Path) -> None:
    path = fixtures_dir / PAYMENTS / "malformed" / "truncated_pacs.008.xml"
    with pytest.raises(ParseError, match="truncated") as caught:
        read_messages(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 52
    assert f"{path}:52" in str(caught.value)


def test_unknown_namespace_is_named(fixtures_dir: Path) -> None:
    path = fixtures_dir / PAYMENTS / "malformed" / "camt.053.001.02.xml"
    with pytest.raises(FormatError, match=re.escape("camt.053.001.02")) as caught:
        read_messages(path)
    assert "not a payment message we screen" in str(caught.value)
    assert caught.value.line == 2


def test_other_structural_errors(tmp_path: Path) -> None:
    ns = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"
    cases = {
        "<Document><FIToFICstmrCdtTrf/></Document>": (FormatError, "no namespace"),
        f'<Document xmlns="{ns}"><CstmrCdtTrfInitn><GrpHdr/></CstmrCdtTrfInitn></Document>': (
            FormatError,
            "<CstmrCdtTrfInitn> where <FIToFICstmrCdtTrf> belongs",
        ),
        f'<Document xmlns="{ns}"><FIToFICstmrCdtTrf><GrpHdr/></FIToFICstmrCdtTrf></Document>': (
            ParseError,
            "no credit transfer transaction",
        ),
        "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>": (
            FormatError,
            "no ISO 20022 <Document>.*<CONSOLIDATED_LIST>",
        ),
        "not xml at all": (FormatError, "neither ISO 20022 XML nor a SWIFT MT message"),
        "  \n": (ParseError, "empty"),
    }
    for text, (error, message) in cases.items():
        path = tmp_path / "case.xml"
        path.write_text(text)
        with pytest.raises(error, match=message) as caught:
            read_messages(path)
        assert caught.value.path == str(path)


def test_a_country_that_is_no_iso_code_is_refused_with_its_field(data_dir: Path) -> None:
    real = (data_dir / PAYMENTS / "pacs.008.001.07.xml").read_bytes()
    broken = real.replace(b"<Ctry>AR</Ctry>", b"<Ctry>Argentina</Ctry>")
    with pytest.raises(ParseError, match="'Argentina' is not an ISO 3166") as caught:
        parse_messages(broken, "ctry.xml")
    assert caught.value.field == "CdtTrfTxInf[0]/Dbtr/PstlAdr/Ctry"
    assert caught.value.line == 89
    lower = parse_messages(real.replace(b"<Ctry>AR</Ctry>", b"<Ctry>ar</Ctry>"), "x")
    assert texts(lower[0].parties[4].countries) == ["AR", "AR"]


def test_invalid_utf8_is_a_parse_error_with_its_line(data_dir: Path) -> None:
    real = (data_dir / PAYMENTS / "pacs.008.001.07.xml").read_bytes()
    with pytest.raises(ParseError, match="encoding") as caught:
        parse_messages(real.replace(b"JOHN DOE", b"JOHN \xff DOE"), "bad.xml")
    assert caught.value.line == 79


def test_utf16_and_bom_inputs_parse(data_dir: Path) -> None:
    real = (data_dir / PAYMENTS / "pacs.008.001.07.xml").read_text(encoding="utf-8")
    declared = '<?xml version="1.0" encoding="UTF-16"?>\n' + real
    (message,) = parse_messages(declared.encode("utf-16"), "utf16.xml")
    assert message.reference == "823823423"
    (message,) = parse_messages(b"\xef\xbb\xbf" + real.encode(), "bom.xml")
    assert message.reference == "823823423"
    assert detect(b"\xef\xbb\xbf<?xml") == "xml"


def test_one_oversized_transaction_is_refused(tmp_path: Path) -> None:
    ns = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"
    lines = "<AdrLine>x</AdrLine>" * (MAX_ELEMENTS + 1)
    path = tmp_path / "huge.xml"
    path.write_text(
        f'<Document xmlns="{ns}"><FIToFICstmrCdtTrf><GrpHdr><MsgId>1</MsgId></GrpHdr>'
        f"<CdtTrfTxInf><Dbtr><PstlAdr>{lines}</PstlAdr></Dbtr></CdtTrfTxInf>"
        "</FIToFICstmrCdtTrf></Document>"
    )
    with pytest.raises(ParseError, match="memory bounded"):
        read_messages(path)


def test_a_large_bulk_file_streams(tmp_path: Path, fixtures_dir: Path) -> None:
    """Thousands of transactions in one Document: read in one pass, transaction by
    transaction (the XML tree never holds more than one); every one is in the message."""
    source = (fixtures_dir / PAYMENTS / "pain.001.001.09_parties.xml").read_text()
    tx_start = source.index("<CdtTrfTxInf>")
    tx_end = source.index("</CdtTrfTxInf>") + len("</CdtTrfTxInf>")
    count = 5_000
    big = source[:tx_start] + source[tx_start:tx_end] * count + source[tx_end:]
    path = tmp_path / "bulk.xml"
    path.write_text(big)
    (message,) = iter_messages(path)
    creditors = [p for p in message.parties if p.role == "creditor"]
    assert len(creditors) == count + 2
    assert creditors[count - 1].path == f"PmtInf[0]/CdtTrfTxInf[{count - 1}]/Cdtr"
    assert creditors[-1].path == "PmtInf[1]/CdtTrfTxInf[0]/Cdtr"
