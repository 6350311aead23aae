"""What every payment-message parser produces: a message, its parties and its free text.

The parsers (`iso20022.py`, `mt.py`) know nothing of screening; the screening glue reads these
objects. Every value keeps the path it was read from, so a hold can name the field:
`CdtTrfTxInf[0]/Cdtr/Nm` (ISO 20022: element names below the message element, repeatable
elements indexed from 0) or `4:59`, `4:B/57A` (SWIFT MT: block, then the sequence when a message
has several, then the tag).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# Shapes, not checksums: an account that looks like an IBAN is treated as one so that its
# country prefix is checked too (a mistyped check digit must not hide an "IR.." account).
IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
BIC_SHAPE = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
COUNTRY_SHAPE = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class Value:
    """One piece of text and the field it came from."""

    path: str
    text: str


@dataclass(slots=True)
class Party:
    """A party or an agent (bank) of a message, with everything that identifies it.

    `role` is one of: debtor, creditor, ultimate_debtor, ultimate_creditor, initiating_party,
    debtor_agent, creditor_agent, intermediary_agent (IntrmyAgt1..3: the path tells which),
    instructing_agent, instructed_agent, previous_instructing_agent, forwarding_agent,
    charges_agent, charges_account_agent, instructing_reimbursement_agent,
    instructed_reimbursement_agent, third_reimbursement_agent (ISO 20022); ordering_customer (50a),
    sending_institution (51A), ordering_institution (52a), senders_correspondent (53a),
    receivers_correspondent (54a), third_reimbursement_institution (55a), intermediary (56a),
    account_with_institution (57a), beneficiary_institution (58a), beneficiary (59a) (SWIFT MT);
    sender and receiver (MT blocks 1/2, ISO AppHdr); and `underlying_<role>` for the underlying
    customer credit transfer of a pacs.009 COV or an MT202COV (its sequence B).
    """

    role: str
    path: str
    names: list[Value] = field(default_factory=list)
    bics: list[Value] = field(default_factory=list)  # upper case, as written (8 or 11)
    ibans: list[Value] = field(default_factory=list)  # upper case, spaces removed
    accounts: list[Value] = field(default_factory=list)
    countries: list[Value] = field(default_factory=list)  # ISO 3166 alpha-2, upper case
    towns: list[Value] = field(default_factory=list)
    address_lines: list[Value] = field(default_factory=list)

    def values(self) -> Iterator[tuple[str, Value]]:
        """Every value with its kind ("names", "bics", ...), in field order of this class."""
        for kind in ("names", "bics", "ibans", "accounts", "countries", "towns", "address_lines"):
            for value in getattr(self, kind):
                yield kind, value

    def add_account(self, path: str, ident: str) -> None:
        """An account id: an IBAN when it has the shape of one, another account otherwise."""
        compact = ident.replace(" ", "").upper()
        if IBAN_SHAPE.fullmatch(compact):
            self.ibans.append(Value(path, compact))
        else:
            self.accounts.append(Value(path, ident.strip()))


@dataclass(slots=True)
class Message:
    """One payment message of a file: an ISO 20022 Document or one SWIFT MT message."""

    source: str  # the file name (or what the caller called the input)
    index: int  # 0-based position of the message in the file
    kind: str  # "pacs.008.001.07", "pain.001.001.03.ch.02", "MT103", "MT202COV", ...
    reference: str | None  # GrpHdr/MsgId, MT field 20
    position: str  # where the message starts: "line 12"
    parties: list[Party] = field(default_factory=list)
    texts: list[Value] = field(default_factory=list)  # free text, to scan like a document
