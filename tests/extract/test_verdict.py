"""Payment verdicts against the real OFAC + UN lists: every real message in
../shared/data/payments passes with every party read; the hand-made fixtures
(tests/fixtures/payments, written to the published formats: see its README) are held, each
finding with the field it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.extract.message import Message, Party, Value
from sanctions.extract.payment import read_messages
from sanctions.extract.verdict import PaymentScreener, PaymentVerdict
from sanctions.screen import Screener

FIXTURES = Path(__file__).parents[1] / "fixtures" / "payments"


@pytest.fixture(scope="module")
def payments(eval_screener: Screener) -> PaymentScreener:
    return PaymentScreener(eval_screener)


def verdicts(payments: PaymentScreener, path: Path) -> list[PaymentVerdict]:
    return [payments.verdict(m) for m in read_messages(path)]


def found(verdict: PaymentVerdict) -> set[tuple[str, str, str]]:
    return {(f.kind, f.path, f.entity_id or f.region or "") for f in verdict.findings}


def test_every_real_message_passes(payments: PaymentScreener, data_dir: Path) -> None:
    files = sorted((data_dir / "payments").iterdir())
    assert len(files) == 7
    results = [v for path in files for v in verdicts(payments, path)]
    assert len(results) == 19  # 13 MT103 in the RJE file, one message in each XML file
    for result in results:
        assert result.verdict == "pass", (result.message.source, result.to_json()["findings"])
        assert result.message.parties and all(p.names or p.bics for p in result.message.parties)


def test_the_rub_payment_to_russia_is_not_held_for_the_country(
    payments: PaymentScreener, data_dir: Path
) -> None:
    # Russia is under sectoral and list-based sanctions, not a comprehensive embargo.
    [result] = verdicts(payments, data_dir / "payments" / "International_payment_RUB_naujas_1.xml")
    countries = {v.text for p in result.message.parties for v in p.countries}
    assert "RU" in countries and result.verdict == "pass"


def test_cover_payment_held_in_every_position(payments: PaymentScreener) -> None:
    [result] = verdicts(payments, FIXTURES / "pacs.009.001.08_cov.xml")
    assert result.verdict == "hold"
    underlying = "CdtTrfTxInf[0]/UndrlygCstmrCdtTrf"
    expected = {
        ("entity", "CdtTrfTxInf[0]/IntrmyAgt1/FinInstnId/Nm", "ofac-sdn:12696"),
        ("bank", "CdtTrfTxInf[0]/Cdtr/FinInstnId/BICFI", "ofac-sdn:12312"),  # KDBKKPPYXXX
        ("entity", f"{underlying}/UltmtDbtr/Nm", "ofac-sdn:3754"),
        ("entity", f"{underlying}/Dbtr/Nm", "ofac-sdn:12313"),
        ("region", f"{underlying}/DbtrAcct/Id/IBAN", "ir"),
        ("region", f"{underlying}/Dbtr/PstlAdr/Ctry", "kp"),
        ("bank", f"{underlying}/CdtrAgt/FinInstnId/BICFI", "ofac-sdn:12847"),
        ("region", f"{underlying}/CdtrAgt/FinInstnId/BICFI", "sy"),
        ("entity", f"{underlying}/Cdtr/Nm", "ofac-sdn:22987"),  # "Won Uk Pae"
        ("region", f"{underlying}/UltmtCdtr/PstlAdr/TwnNm", "ua-sevastopol"),
        ("entity", f"{underlying}/InstrForCdtrAgt[0]/InstrInf", "ofac-sdn:22987"),  # free text
        ("region", f"{underlying}/RmtInf/Ustrd[0]", "ua-sevastopol"),
    }
    assert expected <= found(result)


def test_mt_messages_held_with_their_fields(payments: PaymentScreener) -> None:
    [mt103] = verdicts(payments, FIXTURES / "mt103_input_crlf.fin")
    assert {
        ("entity", "4:50F", "ofac-sdn:22987"),
        ("bank", "4:56A", "ofac-sdn:12696"),  # BOELKPPYXXX against the listed BOELKPPY
        ("entity", "4:57D", "ofac-sdn:25580"),
        ("region", "4:59F", "sy"),
        ("region", "4:70", "ua-crimea"),
    } <= found(mt103)
    [bom] = verdicts(payments, FIXTURES / "mt103_bom.fin")
    assert found(bom) == found(mt103)
    [cover] = verdicts(payments, FIXTURES / "mt202cov_input.fin")
    assert cover.message.kind == "MT202COV" and cover.verdict == "hold"
    assert {
        ("bank", "4:58A", "ofac-sdn:12312"),
        ("bank", "4:B/52A", "ofac-sdn:906"),
        ("entity", "4:B/59", "ofac-sdn:12313"),
        ("entity", "4:B/70", "ofac-sdn:22987"),
    } <= found(cover)


def test_agents_are_screened_as_organisations(payments: PaymentScreener) -> None:
    # A bank field naming a listed person is not that person; a debtor field may be.
    person = "PAE WON UK"
    agent = Party("creditor_agent", "X/CdtrAgt", names=[Value("X/CdtrAgt/Nm", person)])
    debtor = Party("debtor", "X/Dbtr", names=[Value("X/Dbtr/Nm", person)])
    message = Message("t", 0, "pacs.008.001.08", None, "line 1", parties=[agent, debtor])
    result = payments.verdict(message)
    assert {f.path for f in result.findings} == {"X/Dbtr/Nm"}


def test_a_bic_branch_code_does_not_hide_the_bank(payments: PaymentScreener) -> None:
    for code in ("KDBKKPPYXXX", "kdbkkppy", "KDBK KP PY 123"):
        party = Party("debtor_agent", "A", bics=[Value("A/BICFI", code)])
        result = payments.verdict(Message("t", 0, "MT103", None, "line 1", parties=[party]))
        assert ("bank", "A/BICFI", "ofac-sdn:12312") in found(result), code
    clean = Party("debtor_agent", "A", bics=[Value("A/BICFI", "DEUTDEFFXXX")])
    assert payments.verdict(Message("t", 0, "MT103", None, "", parties=[clean])).verdict == "pass"


def test_a_swapped_out_index_is_freed(eval_db: Path) -> None:
    """The per-index caches (listed BICs, the finder's tables) must not keep an index alive
    once no screener holds it: a server swaps its index at every list update."""
    import gc
    import weakref

    from sanctions.store import Store

    with Store(eval_db) as store:
        screener = Screener.from_store(store)
    index = weakref.ref(screener.index)
    payments = PaymentScreener(screener)
    [result] = verdicts(payments, FIXTURES / "mt202cov_input.fin")
    assert result.verdict == "hold"
    del payments, screener, result
    gc.collect()
    assert index() is None
