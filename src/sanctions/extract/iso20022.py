"""ISO 20022 credit transfers -> `Message`s: pacs.008, pacs.009 (and its COV variant) and pain.001.

A message is recognised by the namespace of its `Document` (any version, and national variants
whose namespace is a URL ending in the message identifier, such as SIX's
`.../pain.001.001.03.ch.02.xsd`). The Document may be bare or sit in an envelope beside its
business application header (head.001 `AppHdr`, whose `Fr`/`To` BICs become the sender and
the receiver); an envelope may hold several Documents, each one message.

Parties are read by element name from the schema's party and agent components
(PartyIdentification, BranchAndFinancialInstitutionIdentification, CashAccount), wherever
they sit: group header, payment information (pain.001's debtor side), every transaction and
a pacs.009 COV's underlying customer credit transfer. Paths start below the message element
(`GrpHdr/InstgAgt/...`, `CdtTrfTxInf[0]/Cdtr/Nm`, `PmtInf[1]/CdtTrfTxInf[0]/Cdtr/Nm`);
elements the schema lets repeat are always indexed, so a path never depends on how many
siblings a message happens to have.

Memory stays bounded however large the file: the XML is streamed (lxml iterparse, with the
hardened settings of `sources/_xml.py`) and every transaction is freed once read; a single
transaction or header bigger than `MAX_ELEMENTS` elements is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from ..errors import FormatError, ParseError
from ..sources._xml import SAFE_ITERPARSE
from .message import COUNTRY_SHAPE, Message, Party, Value

# What the message element under Document is called, per message definition.
ROOT_OF = {"pacs.008": "FIToFICstmrCdtTrf", "pacs.009": "FICdtTrf", "pain.001": "CstmrCdtTrfInitn"}
MAX_ELEMENTS = 100_000  # in one transaction or header: far above any real one
_MESSAGE_ID = re.compile(r"(pacs\.00[89]|pain\.001)\.\d{3}\.\d{2}(?:\.[A-Za-z0-9]+)*")
_PROLOG_BYTES = 64 * 1024
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_ROLES = {
    "Dbtr": "debtor",
    "Cdtr": "creditor",
    "UltmtDbtr": "ultimate_debtor",
    "UltmtCdtr": "ultimate_creditor",
    "InitgPty": "initiating_party",
    "DbtrAgt": "debtor_agent",
    "CdtrAgt": "creditor_agent",
    "IntrmyAgt1": "intermediary_agent",
    "IntrmyAgt2": "intermediary_agent",
    "IntrmyAgt3": "intermediary_agent",
    "InstgAgt": "instructing_agent",
    "InstdAgt": "instructed_agent",
    "PrvsInstgAgt": "previous_instructing_agent",  # pacs.008 before version 06
    "PrvsInstgAgt1": "previous_instructing_agent",
    "PrvsInstgAgt2": "previous_instructing_agent",
    "PrvsInstgAgt3": "previous_instructing_agent",
    "FwdgAgt": "forwarding_agent",
    "ChrgsAcctAgt": "charges_account_agent",
    "InstgRmbrsmntAgt": "instructing_reimbursement_agent",
    "InstdRmbrsmntAgt": "instructed_reimbursement_agent",
    "ThrdRmbrsmntAgt": "third_reimbursement_agent",
}
# An account belongs to the party or agent named before it (ChrgsAcct is the debtor's).
_ACCOUNTS = {f"{owner}Acct": owner for owner in _ROLES} | {"ChrgsAcct": "Dbtr"}
_TEXTS = {
    "RmtInf",
    "RltdRmtInf",
    "InstrForCdtrAgt",
    "InstrForNxtAgt",
    "InstrForDbtrAgt",
    "Purp",
    "RgltryRptg",
}
_REPEATED = {
    "PmtInf",
    "CdtTrfTxInf",
    "ChrgsInf",
    "AdrLine",
    "Ustrd",
    "Strd",
    "RfrdDocInf",
    "AddtlRmtInf",
    "InstrForCdtrAgt",
    "InstrForNxtAgt",
    "RgltryRptg",
    "RltdRmtInf",
    "Dtls",
    "Inf",
}
_ADDRESS = (
    *("AdrLine", "StrtNm", "BldgNb", "BldgNm", "Flr", "PstBx", "Room", "PstCd"),
    *("TwnLctnNm", "DstrctNm", "CtrySubDvsn", "Dept", "SubDept", "CareOf", "UnitNb"),
)
# Leaf elements of a party or agent and the list they go to. Birth places and dates, party
# ids (OrgId/PrvtId Othr), clearing-system member ids and codes are not read.
_LEAF = {
    "Nm": "names",
    "BIC": "bics",
    "BICFI": "bics",
    "AnyBIC": "bics",
    "BICOrBEI": "bics",
    "Ctry": "countries",
    "CtryOfRes": "countries",
    "TwnNm": "towns",
} | dict.fromkeys(_ADDRESS, "address_lines")

Element = Any  # lxml ships no type information


def message_kind(namespace: str) -> str | None:
    """`pacs.008.001.07` for `urn:iso:std:iso:20022:tech:xsd:pacs.008.001.07`, the variant's
    identifier for a national namespace; None when it is not a message we read."""
    last = re.split(r"[:/]", namespace.rstrip("/"))[-1]
    last = last.removesuffix(".xsd")
    return last if _MESSAGE_ID.fullmatch(last) else None


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _children(element: Element, path: str) -> Iterator[tuple[str, str, Element]]:
    """(local name, path, child) of each child element; repeatable ones indexed from 0."""
    counts: dict[str, int] = {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = tag[tag.rfind("}") + 1 :]
        if name in _REPEATED:
            index = counts.get(name, 0)
            counts[name] = index + 1
            yield name, f"{path}/{name}[{index}]", child
        else:
            yield name, f"{path}/{name}", child


class _Where:
    """What an error says about where it happened: the file and the message."""

    def __init__(self, source: str, index: int) -> None:
        self.source = source
        self.record = f"message {index}"

    def error(self, message: str, line: int | None, field: str | None = None) -> ParseError:
        return ParseError(message, path=self.source, line=line, record=self.record, field=field)


def _fill(party: Party, element: Element, path: str, where: _Where) -> None:
    """The names, BICs, countries, towns and address lines of a party or agent element."""
    for name, child_path, child in _children(element, path):
        if len(child):
            _fill(party, child, child_path, where)
            continue
        kind = _LEAF.get(name)
        text = _clean(child.text)
        if kind is None or not text:
            continue
        if kind == "countries":
            text = text.upper()
            if not COUNTRY_SHAPE.fullmatch(text):
                raise where.error(
                    f"{child.text.strip()!r} is not an ISO 3166 alpha-2 country code",
                    child.sourceline,
                    child_path,
                )
        elif kind == "bics":
            text = text.upper()
        getattr(party, kind).append(Value(child_path, text))


def _account(party: Party, element: Element, path: str) -> None:
    """IBAN, other id and name of an account element (CashAccount)."""
    for name, child_path, child in _children(element, path):
        if name == "Id":
            for id_name, id_path, ident in _children(child, child_path):
                if id_name == "IBAN" and (text := _clean(ident.text)):
                    party.ibans.append(Value(id_path, text.replace(" ", "").upper()))
                elif id_name == "Othr":
                    for other_name, other_path, other in _children(ident, id_path):
                        if other_name == "Id" and (text := _clean(other.text)):
                            party.add_account(other_path, text)
        elif name == "Nm" and (text := _clean(child.text)):
            party.names.append(Value(child_path, text))


def _texts(out: list[Value], element: Element, path: str) -> None:
    """Every leaf text of a remittance, instruction, purpose or regulatory element."""
    if not len(element):
        if text := _clean(element.text):
            out.append(Value(path, text))
        return
    for name, child_path, child in _children(element, path):
        if not name.endswith(("Amt", "Dt", "DtTm", "Ccy")):
            _texts(out, child, child_path)


class _Scope:
    """The parties of one level (header, payment information, transaction, underlying
    transfer): accounts join the party they belong to."""

    def __init__(self, reader: _Document, role_prefix: str = "") -> None:
        self.reader = reader
        self.role_prefix = role_prefix
        self.parties: dict[str, Party] = {}

    def party(self, owner: str, path: str) -> Party:
        """The party `owner` of this level, made on first sight (`path`: where the owner
        element is or, for an account read first, would be)."""
        party = self.parties.get(owner)
        if party is None:
            party = Party(self.role_prefix + _ROLES[owner], path)
            self.parties[owner] = party
            self.reader.message.parties.append(party)
        return party

    def read(self, name: str, path: str, element: Element) -> None:
        """One child element of this level."""
        if name in _ROLES:
            _fill(self.party(name, path), element, path, self.reader.where)
        elif name in _ACCOUNTS:
            owner = _ACCOUNTS[name]
            _account(self.party(owner, path.removesuffix(name) + owner), element, path)
        elif name in _TEXTS:
            _texts(self.reader.message.texts, element, path)
        elif name == "UndrlygCstmrCdtTrf":  # pacs.009 COV: the customer transfer it covers
            underlying = _Scope(self.reader, "underlying_")
            for child_name, child_path, child in _children(element, path):
                underlying.read(child_name, child_path, child)
        elif name == "SttlmInf":  # the reimbursement agents (MT 53a, 54a, 55a) sit here
            for child_name, child_path, child in _children(element, path):
                self.read(child_name, child_path, child)
        elif name == "ChrgsInf":
            for child_name, child_path, child in _children(element, path):
                if child_name == "Agt":
                    party = Party(self.role_prefix + "charges_agent", child_path)
                    self.reader.message.parties.append(party)
                    _fill(party, child, child_path, self.reader.where)


class _Document:
    """One Document being read: the message it becomes and where its parts have got to."""

    def __init__(self, source: str, index: int, kind: str, line: int, depth: int) -> None:
        self.source = source
        self.kind = kind
        self.depth = depth
        self.root = ROOT_OF[kind[:8]]
        self.pain = kind.startswith("pain.")
        self.message = Message(source, index, kind, None, f"line {line}")
        self.where = _Where(source, index)
        self.transactions = 0
        self.payments = 0  # PmtInf read so far (pain.001)
        self.in_payment = 0  # transactions of the current PmtInf
        self.payment: _Scope | None = None

    def check_root(self, name: str, line: int | None) -> None:
        if name != self.root:
            raise FormatError(
                f"a {self.kind} Document holds <{name}> where <{self.root}> belongs",
                path=self.source,
                line=line,
                record=f"message {self.message.index}",
            )

    def group_header(self, element: Element) -> None:
        scope = _Scope(self)
        for name, path, child in _children(element, "GrpHdr"):
            if name == "MsgId":
                self.message.reference = _clean(child.text) or None
            else:
                scope.read(name, path, child)

    def transaction(self, element: Element, path: str) -> None:
        scope = _Scope(self)
        for name, child_path, child in _children(element, path):
            scope.read(name, child_path, child)
        self.transactions += 1

    def payment_child(self, name: str, element: Element) -> None:
        """A child of pain.001's PmtInf: the debtor side first, then its transactions."""
        prefix = f"PmtInf[{self.payments}]"
        if self.payment is None:
            self.payment = _Scope(self)
        if name == "CdtTrfTxInf":
            self.transaction(element, f"{prefix}/CdtTrfTxInf[{self.in_payment}]")
            self.in_payment += 1
        else:
            self.payment.read(name, f"{prefix}/{name}", element)

    def end_payment(self) -> None:
        self.payments += 1
        self.in_payment = 0
        self.payment = None

    def finish(self, line: int | None) -> Message:
        if not self.transactions:
            raise self.where.error(
                "no credit transfer transaction (CdtTrfTxInf) in the message", line
            )
        return self.message


def _free(element: Element) -> None:
    """Drop what has been read, and the references the parent keeps to earlier siblings."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _check_prolog(stream: IO[bytes], source: str) -> None:
    head = stream.read(_PROLOG_BYTES)
    stream.seek(0)
    if found := _DOCTYPE.search(head):
        raise FormatError(
            _DOCTYPE_REFUSED, path=source, line=head.count(b"\n", 0, found.start()) + 1
        )


_DOCTYPE_REFUSED = (
    "XML declares a DOCTYPE or ENTITY; refused because it can expand entities or fetch "
    "external files (payment messages never carry one)"
)


def _app_header(element: Element, where: _Where) -> list[Party]:
    parties = []
    for name, path, child in _children(element, "AppHdr"):
        if name in ("Fr", "To"):
            party = Party("sender" if name == "Fr" else "receiver", path)
            _fill(party, child, path, where)
            parties.append(party)
    return parties


def iter_iso20022(stream: IO[bytes], source: str) -> Iterator[Message]:
    """Every Document of an ISO 20022 file (a seekable binary stream), in file order."""
    _check_prolog(stream, source)
    context = etree.iterparse(stream, events=("start", "end"), **SAFE_ITERPARSE)
    stack: list[str] = []
    doc: _Document | None = None
    header: list[Party] = []
    index = 0
    elements = 0
    root = None
    try:
        for event, element in context:
            if event == "start":
                tag = element.tag
                name = tag[tag.rfind("}") + 1 :]
                if root is None:
                    root = name
                    if element.getroottree().docinfo.doctype:
                        raise FormatError(_DOCTYPE_REFUSED, path=source)
                stack.append(name)
                elements += 1
                if elements > MAX_ELEMENTS:
                    raise ParseError(
                        f"more than {MAX_ELEMENTS:,} elements in one part of the message; "
                        "refused to keep memory bounded",
                        path=source,
                        line=element.sourceline,
                        record=f"message {index}",
                    )
                if name == "Document" and doc is None:
                    doc = _start_document(tag, source, index, element.sourceline, len(stack) - 1)
                    doc.message.parties.extend(header)
                    header = []
                continue
            name = stack.pop()
            depth = len(stack)
            if doc is None:
                if name == "AppHdr":
                    header = _app_header(element, _Where(source, index))
                    _free(element)
                    elements = 0
                elif depth <= 1:
                    _free(element)
                    elements = 0
                continue
            level = depth - doc.depth
            if level == 2:
                doc.check_root(stack[-1], element.sourceline)
                if name == "GrpHdr":
                    doc.group_header(element)
                elif name == "CdtTrfTxInf" and not doc.pain:
                    doc.transaction(element, f"CdtTrfTxInf[{doc.transactions}]")
                elif name == "PmtInf" and doc.pain:
                    doc.end_payment()
            elif level == 3 and doc.pain and stack[-1] == "PmtInf":
                doc.payment_child(name, element)
            elif level == 1:
                doc.check_root(name, element.sourceline)
                continue
            elif level == 0:
                yield doc.finish(element.sourceline)
                doc = None
                index += 1
            else:
                continue
            _free(element)
            elements = 0
    except etree.XMLSyntaxError as exc:
        message, line = _syntax_error(exc)
        raise ParseError(
            f"not well-formed XML (truncated or corrupted?): {message}",
            path=source,
            line=line,
            record=f"message {index}",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ParseError(f"invalid text encoding: {exc.reason}", path=source) from exc
    if index == 0:
        raise FormatError(
            f"no ISO 20022 <Document> in the file (its root element is <{root}>)", path=source
        )


def _syntax_error(exc: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """What the parser found and where. Without a line (an undeclared entity makes iterparse
    say only "no element found"), the parser's last fatal error says it."""
    fatal = exc.error_log.filter_from_fatals()
    if not exc.lineno and fatal:
        return str(fatal[-1].message), int(fatal[-1].line) or None
    return str(exc.msg), exc.lineno or None


def _start_document(tag: str, source: str, index: int, line: int, depth: int) -> _Document:
    if not tag.startswith("{"):
        raise FormatError(
            "the <Document> has no namespace, so which ISO 20022 message it is cannot be told",
            path=source,
            line=line,
            record=f"message {index}",
        )
    namespace = tag[1 : tag.index("}")]
    kind = message_kind(namespace)
    if kind is None:
        raise FormatError(
            f"the Document's namespace {namespace!r} is not a payment message we screen "
            "(pacs.008, pacs.009, pain.001)",
            path=source,
            line=line,
            record=f"message {index}",
        )
    return _Document(source, index, kind, line, depth)
