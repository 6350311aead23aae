"""The text block (block 4) of an MT103, MT202 or MT202COV: its fields, and the parties and
free text in them.

Field formats follow the SWIFT MT standards (Category 1 and 2 message reference guides):
option A is an optional `/account` (party identifier) line and a BIC; B an optional account
and a location; C an account; D an optional account line then name and address lines; K and
59 (no letter) an optional `/account` line, the name, then address lines; F (50F, 59F) an
account or a `CODE/CC/identifier` party identifier, then numbered lines: `1/` name (continued
on more `1/` lines), `2/` address, `3/` country and town (`3/CC/TOWN`, continued on `3/`
lines), and for 50F `4/`..`8/` (birth date and place, ids: not read). In an MT202COV the
underlying customer credit transfer (sequence B) opens with field 50a; its fields get the
path `4:B/<tag>` and the role `underlying_<role>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, Protocol

from ..errors import ParseError
from .message import BIC_SHAPE, COUNTRY_SHAPE, Message, Party, Value

# tag number -> (role, the options the standards allow for it; "" is the tag without letter)
PARTY_FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    "50": ("ordering_customer", frozenset("AFK")),
    "51": ("sending_institution", frozenset("A")),
    "52": ("ordering_institution", frozenset("AD")),
    "53": ("senders_correspondent", frozenset("ABD")),
    "54": ("receivers_correspondent", frozenset("ABD")),
    "55": ("third_reimbursement_institution", frozenset("ABD")),
    "56": ("intermediary", frozenset("ACD")),
    "57": ("account_with_institution", frozenset("ABCD")),
    "58": ("beneficiary_institution", frozenset("AD")),
    "59": ("beneficiary", frozenset({"", "A", "F"})),
}
TEXT_FIELDS = frozenset({"70", "72", "77B", "77T"})
_FIELD = re.compile(r":([0-9]{2}[A-Z]?):")
_NUMBERED = re.compile(r"([1-8])/(.*)")
_IDENTIFIER = re.compile(r"[A-Z]{4}/[A-Z]{2}/.+")  # 50F: ARNU/CCPT/CUST/DRLC/EMPL/NIDN/SOSE/TXID


class Field(NamedTuple):
    tag: str
    lines: list[str]
    line: int  # where the field starts in the file


class Where(Protocol):
    def error(self, message: str, line: int | None, field: str | None = None) -> ParseError: ...


def read_fields(content: str, first_line: int, where: Where) -> list[Field]:
    """The fields of block 4, from the text after `{4:` up to the `-}` line."""
    fields: list[Field] = []
    for offset, raw in enumerate(content.split("\n")):
        line = raw.rstrip()
        if line.startswith(":"):
            match = _FIELD.match(line)
            if match is None:
                raise where.error(
                    f"{line[:40]!r} starts like a field but has no tag (:NNa:)", first_line + offset
                )
            fields.append(Field(match.group(1), [line[match.end() :]], first_line + offset))
        elif fields:
            fields[-1].lines.append(line)
        elif line:
            raise where.error(f"text before the first field: {line[:40]!r}", first_line + offset)
    for item in fields:
        while len(item.lines) > 1 and not item.lines[-1]:
            item.lines.pop()
    return fields


def apply_fields(message: Message, fields: list[Field], *, cover: bool, where: Where) -> None:
    """Parties, free text and the reference (field 20) of a message from its fields."""
    underlying = False
    seen: set[str] = set()
    for item in fields:
        number, option = item.tag[:2], item.tag[2:]
        if cover and number == "50":
            underlying = True  # sequence B (underlying customer credit transfer) opens with 50a
        path = f"4:B/{item.tag}" if underlying else f"4:{item.tag}"
        if item.tag == "20" and not underlying:
            message.reference = item.lines[0].strip() or None
            continue
        if item.tag not in TEXT_FIELDS and number not in PARTY_FIELDS:
            continue  # amounts, dates, codes: nothing to screen
        if path in seen:
            raise where.error(f"field {item.tag} appears twice", item.line, path)
        seen.add(path)
        if item.tag in TEXT_FIELDS:
            if text := "\n".join(item.lines).strip():
                message.texts.append(Value(path, text))
            continue
        role, options = PARTY_FIELDS[number]
        if option not in options:
            allowed = ", ".join(number + o for o in sorted(options))
            raise where.error(
                f"field {item.tag} is not a format we read (expected {allowed})", item.line, path
            )
        party = Party(("underlying_" if underlying else "") + role, path)
        fail = _failer(where, item, path)
        reader = _FULL_59F if item.tag == "59F" else _OPTIONS[option]
        reader(party, item.lines, path, fail)
        message.parties.append(party)


Fail = Callable[[str], ParseError]


def _failer(where: Where, item: Field, path: str) -> Fail:
    def fail(message: str) -> ParseError:
        return where.error(f"field {item.tag}: {message}", item.line, path)

    return fail


def _account(party: Party, path: str, line: str) -> None:
    """`/34x`, `/C/34x`, `/D/34x` or a clearing code `//XX123`; marks such as `//RT` alone
    and placeholders such as `/-` identify nothing and are dropped."""
    ident = line[1:]
    if ident[:2] in ("C/", "D/"):
        ident = ident[2:]
    elif ident.startswith("/"):
        ident = ident[1:]
    ident = ident.strip()
    if sum(char.isalnum() for char in ident) >= 3:
        party.add_account(path, ident)


def _split_account(party: Party, lines: list[str], path: str) -> list[str]:
    if lines and lines[0].startswith("/"):
        _account(party, path, lines[0])
        return lines[1:]
    return lines


def _option_a(party: Party, lines: list[str], path: str, fail: Fail) -> None:
    rest = _split_account(party, lines, path)
    if len(rest) != 1 or not BIC_SHAPE.fullmatch(rest[0].strip()):
        found = rest[0].strip() if rest else "nothing"
        raise fail(f"option A holds an optional /account line and a BIC, not {found!r}")
    party.bics.append(Value(path, rest[0].strip()))


def _option_b(party: Party, lines: list[str], path: str, fail: Fail) -> None:
    rest = _split_account(party, lines, path)
    if len(rest) > 1:
        raise fail("option B holds an optional /account line and one location line")
    if rest and rest[0].strip():
        party.address_lines.append(Value(path, rest[0].strip()))


def _option_c(party: Party, lines: list[str], path: str, fail: Fail) -> None:
    if len(lines) != 1 or not lines[0].startswith("/"):
        raise fail("option C holds one /account line")
    _account(party, path, lines[0])


def _name_and_address(party: Party, lines: list[str], path: str, fail: Fail) -> None:
    """Options D and K, and 59 without a letter: [/account] name, address lines."""
    rest = [line.strip() for line in _split_account(party, lines, path)]
    rest = [line for line in rest if line]
    if not rest:
        raise fail("no name line after the account")
    party.names.append(Value(path, rest[0]))
    party.address_lines.extend(Value(path, line) for line in rest[1:])


def _option_f(party: Party, lines: list[str], path: str, fail: Fail) -> None:
    """50F: a party identifier line (/account or CODE/CC/identifier), then numbered lines."""
    first = lines[0].strip()
    if first.startswith("/"):
        _account(party, path, first)
    elif not _IDENTIFIER.fullmatch(first):
        raise fail(f"the first line is neither /account nor CODE/CC/identifier: {first!r}")
    _numbered(party, lines[1:], path, fail, "12345678")


def _option_59f(party: Party, lines: list[str], path: str, fail: Fail) -> None:
    """59F: an optional /account line, then numbered lines 1/ to 3/."""
    _numbered(party, _split_account(party, lines, path), path, fail, "123")


def _numbered(party: Party, lines: list[str], path: str, fail: Fail, allowed: str) -> None:
    names: list[str] = []
    town = False
    for raw in lines:
        match = _NUMBERED.fullmatch(raw.strip())
        if match is None or match.group(1) not in allowed:
            raise fail(f"{raw.strip()!r} is not a numbered line ({allowed[0]}/ to {allowed[-1]}/)")
        number, text = match.group(1), match.group(2).strip()
        if number == "1":
            names.append(text)
        elif number == "2" and text:
            party.address_lines.append(Value(path, text))
        elif number == "3" and town:  # a continuation of the town, without country code
            if text and party.towns:
                party.towns[-1] = Value(path, f"{party.towns[-1].text} {text}")
            elif text:
                party.towns.append(Value(path, text))
        elif number == "3":
            town = True
            country, _, place = text.partition("/")
            if not COUNTRY_SHAPE.fullmatch(country):
                raise fail(f"3/ must start with an ISO country code: {text!r}")
            party.countries.append(Value(path, country))
            if place.strip():
                party.towns.append(Value(path, place.strip()))
    if name := " ".join(part for part in names if part):
        party.names.append(Value(path, name))


Reader = Callable[[Party, list[str], str, Fail], None]
_OPTIONS: dict[str, Reader] = {
    "A": _option_a,
    "B": _option_b,
    "C": _option_c,
    "D": _name_and_address,
    "K": _name_and_address,
    "": _name_and_address,
    "F": _option_f,
}
_FULL_59F: Reader = _option_59f
