"""Structured fields out of the free-text Remarks of OFAC's legacy CSV files.

The legacy files pack everything beyond name, type and programme into one Remarks cell:
`;`-separated segments such as "DOB 23 Dec 1973", "alt. Passport 10926248 (Israel) issued
25 Feb 2008", "Linked To: GERTLER, Dan" or "a.k.a. 'BNC'", ending with a period. Each segment
is matched against the labels OFAC uses; a segment no rule understands is returned in
`unparsed` (the caller keeps the whole text in `notes`, so nothing is lost).

Weak aliases: OFAC FAQ 123 says that in the CSV formats weak AKAs are listed in the Remarks
field between quotation marks, while alt.csv holds only the strong ones. The files never
spell out the word "weak", so every a.k.a./f.k.a./n.k.a. found in Remarks is a weak name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ...model import DateValue, Identifier, IdKind, Link, Name, NameKind
from ...text.values import country_code, parse_date_value
from ._ids import id_labels


@dataclass
class ParsedRemarks:
    names: list[Name] = field(default_factory=list)
    birth_dates: list[DateValue] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)  # segments no rule understood
    segments: int = 0  # how many segments the text had

    def add(self, prop: str, value: str | None) -> None:
        value = (value or "").strip()
        if value and value not in (values := self.properties.setdefault(prop, [])):
            values.append(value)


# Longest first, so "Identification Number IMO" wins over "Identification Number".
_ID_LABEL_ORDER = sorted(id_labels(), key=len, reverse=True)

# Where the number ends: at the first parenthesis or the first issue/expiry wording.
_ID_VALUE_END = re.compile(
    r"\s*\(|(?:^|\s+|,\s*)(?:issued|expire[sd]?|expiration|expiry|valid|issue date)\b", re.I
)
_PARENS = re.compile(r"\(([^()]*)\)")
# Any other "<Label> No. <value>" style identifier we have not listed.
_GENERIC_ID = re.compile(
    r"^(?P<label>[A-Z][A-Za-z.'/&() -]*?(?:No\.?|Number|#|ID|Code))\s*[:#]?\s*(?P<rest>\S*\d.*)$"
)
_NAME = re.compile(r"^[afn]\.k\.a\.,?\s*(?P<name>.+)$", re.I)
_CRYPTO = re.compile(r"^Digital Currency Address - (?P<currency>\w+)\s+(?P<address>\S+)$")
_YEAR_SPAN = re.compile(r"^(circa\s+)?(\d{4})\s*-\s*(\d{4})$", re.I)

# Recognised segments that only give legal or market context: they stay in `notes`.
# Compared in lower case ("For more information ..." is spelled both ways).
_NOTES_ONLY = tuple(
    label.lower()
    for label in (
        "Executive Order ",
        "For more information",
        "Listing Date (",
        "Effective Date (",
        "CAATSA Section",
        "IFCA Determination",
        "Purchase/Sales For Divestment Date",
        "Equity Ticker",
        "Issuer Name",
        "Fax",
        "TELEX ",
    )
)
_SANCTIONS_INFO = (
    "Additional Sanctions Information - ",
    "Secondary sanctions risk:",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
)


NO_FLAG = {"none identified"}  # a flag text that means "no flag", not an unknown one

# Measured on the 2023-12-28 SDN: a final linked name ending in "CO" or "LTD" is far more
# often listed as "CO." / "LTD." than without the period; "CORP", "INC", "GMBH" are not.
_ABBREVIATIONS = {"LTD", "CO"}


def split_segments(remarks: str) -> list[str]:
    """The `;`-separated segments of a Remarks text, without the closing period."""
    text = remarks.strip()
    closed = text.endswith(".")
    if closed:
        text = text[:-1]
    segments = [s.strip() for s in text.split(";")]
    segments = [s for s in segments if s]
    if closed and segments and segments[-1].startswith("Linked To:"):
        # The closing period may also end the linked name ("... COMPANY LTD."): OFAC writes
        # one period, not two. Give it back when the name ends in an abbreviation.
        last_word = segments[-1].rsplit(None, 1)[-1]
        if "." in last_word or last_word.upper() in _ABBREVIATIONS:
            segments[-1] += "."
    return segments


def parse_remarks(remarks: str | None) -> ParsedRemarks:
    """Parse one (already extended with sdn_comments) Remarks text."""
    out = ParsedRemarks()
    if not remarks:
        return out
    for segment in split_segments(remarks):
        out.segments += 1
        # "alt." only says this is a further value of the same field.
        body = segment[5:].strip() if segment.lower().startswith("alt. ") else segment
        if not _parse_segment(body, out):
            out.unparsed.append(segment)
    return out


def segment_label(segment: str) -> str:
    """A short label for a segment, for counting what stays unparsed."""
    body = segment[5:] if segment.lower().startswith("alt. ") else segment
    match = re.match(r"[A-Za-z][A-Za-z.'/&() -]*?(?=\s*[:#\d]|\s+-\s|$)", body)
    label = match.group(0) if match else body
    return " ".join(label.split()[:4])


def _parse_segment(body: str, out: ParsedRemarks) -> bool:
    """Apply the first rule that understands `body`; False when none does."""
    if m := _NAME.match(body):
        name = _unquote(m.group("name"))
        if not name:
            return False
        out.names.append(Name(name, NameKind.WEAK))
        return True
    if m := _CRYPTO.match(body):
        out.identifiers.append(
            Identifier(IdKind.CRYPTO, m.group("address"), note=m.group("currency"))
        )
        return True
    if body.lower().startswith(_NOTES_ONLY):
        return True
    for prefix in _SANCTIONS_INFO:
        if body.startswith(prefix):
            out.add("sanctionsInfo", body[len(prefix) :] if prefix.endswith("- ") else body)
            return True
    for label, handler in _FIELDS:
        if body.startswith(label):
            rest = body[len(label) :].strip(" :,")
            return bool(rest) and handler(rest, out)
    for label in _ID_LABEL_ORDER:
        if body.startswith(label) and (len(body) == len(label) or body[len(label)] in " #:"):
            kind, keep_label = id_labels()[label]
            return _add_identifier(out, kind, body[len(label) :], label if keep_label else None)
    if m := _GENERIC_ID.match(body):
        return _add_identifier(out, IdKind.OTHER, m.group("rest"), m.group("label"))
    return False


def _add_identifier(out: ParsedRemarks, kind: IdKind, rest: str, label: str | None) -> bool:
    """Split "<value> (<Country>) issued ... expires ..." into an Identifier."""
    rest = rest.strip().lstrip("#:").strip()
    end = _ID_VALUE_END.search(rest)
    value = (rest[: end.start()] if end else rest).strip().rstrip(",")
    tail = rest[end.start() :] if end else ""
    if not value or not any(c.isalnum() for c in value):
        return False
    country: str | None = None
    notes = [label] if label else []
    for inner in _PARENS.findall(tail):
        code = country_code(inner) if country is None else None
        if code:
            country = code
        elif inner.strip():
            notes.append(inner.strip())
    outside = " ".join(_PARENS.sub(" ", tail).split())
    if outside:
        notes.append(outside)
    ident = Identifier(kind, value, country, "; ".join(notes) or None)
    if ident not in out.identifiers:
        out.identifiers.append(ident)
    return True


def _unquote(name: str) -> str:
    """'ABU 'ALI' -> ABU 'ALI: drop one pair of wrapping quotes (two when doubled)."""
    name = name.strip()
    for _ in range(2):
        if len(name) > 1 and name[0] == name[-1] == "'":
            name = name[1:-1].strip()
    return name


# -- field handlers: each gets the text after its label and says whether it understood it --


def _dob(rest: str, out: ParsedRemarks) -> bool:
    # "circa 1979-1980" is a year span written without spaces; parse_date_value wants "to".
    if m := _YEAR_SPAN.match(rest):
        rest = f"{m.group(1) or ''}{m.group(2)} to {m.group(3)}"
    value = parse_date_value(rest)
    if value is None:
        return False
    if value not in out.birth_dates:
        out.birth_dates.append(value)
    return True


def _country(prop: str) -> Callable[[str, ParsedRemarks], bool]:
    def handler(rest: str, out: ParsedRemarks) -> bool:
        code = country_code(rest)
        if code is None:
            return False
        out.add(prop, code)
        return True

    return handler


def _flag(prop: str) -> Callable[[str, ParsedRemarks], bool]:
    # Vessel flags keep the printed text when it is no country we know.
    def handler(rest: str, out: ParsedRemarks) -> bool:
        if rest.lower() not in NO_FLAG:
            out.add(prop, country_code(rest) or rest)
        return True

    return handler


def _text(prop: str) -> Callable[[str, ParsedRemarks], bool]:
    def handler(rest: str, out: ParsedRemarks) -> bool:
        out.add(prop, rest)
        return True

    return handler


def _date(prop: str) -> Callable[[str, ParsedRemarks], bool]:
    def handler(rest: str, out: ParsedRemarks) -> bool:
        value = parse_date_value(rest)
        if value is None:
            return False
        if value.end is None:
            out.add(prop, value.start)
            return True
        # A range within one year (or month) is that year: "01 Jan 2015 to 31 Dec 2015".
        common = os.path.commonprefix([value.start, value.end])
        common = common[:7] if len(common) >= 7 else common[:4]
        if len(common) < 4:
            return False
        out.add(prop, common)
        return True

    return handler


def _gender(rest: str, out: ParsedRemarks) -> bool:
    if rest.lower() not in ("male", "female"):
        return False
    out.add("gender", rest.lower())
    return True


def _link(rest: str, out: ParsedRemarks) -> bool:
    link = Link(" ".join(rest.split()))
    if link not in out.links:
        out.links.append(link)
    return True


# Labels followed by one value, checked in order (so put longer labels before their prefixes).
_FIELDS: list[tuple[str, Callable[[str, ParsedRemarks], bool]]] = [
    ("DOB ", _dob),
    ("POB ", _text("birthPlace")),
    ("nationality ", _country("nationality")),
    ("citizen ", _country("citizenship")),
    ("Gender ", _gender),
    ("Linked To:", _link),
    ("Website ", _text("website")),
    ("Email Address ", _text("email")),
    ("Phone Number ", _text("phone")),
    ("Phone No.", _text("phone")),
    ("Telephone No.", _text("phone")),
    ("Telephone", _text("phone")),
    ("PHONE ", _text("phone")),
    ("Organization Established Date ", _date("incorporationDate")),
    ("Organization Type:", _text("sector")),
    ("Target Type ", _text("classification")),
    ("Title", _text("title")),
    ("Position:", _text("position")),
    ("Nationality of Registration ", _country("country")),
    ("Aircraft Model ", _text("model")),
    ("Aircraft Operator ", _text("operator")),
    ("Aircraft Manufacture Date ", _date("buildDate")),
    ("Vessel Year of Build ", _date("buildDate")),
    ("Other Vessel Flag ", _flag("flag")),
    ("Former Vessel Flag ", _flag("pastFlags")),
    ("Other Vessel Type ", _text("type")),
]
