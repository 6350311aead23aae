"""An e-mail message (RFC 5322 / MIME, `.eml`) into text parts, with the stdlib `email` package.

What is screened: the subject and the people in From, Sender, Reply-To, To, Cc and Bcc (display
names and addresses, decoded from RFC 2047), every text/plain part, every text/html part as
the text it shows, and the file names of the attachments; a forwarded message
(message/rfc822) is read the same way, its parts labelled "attached message". Attachment
contents are not opened.

The stdlib's header parser has bugs on malformed input (a To header cut after `"Name" <`
raises IndexError in CPython 3.11): a header it cannot parse is read as its raw text, and a
MIME structure it cannot walk is a `ParseError` naming the file.
"""

from __future__ import annotations

import email
from email import policy
from email.errors import MessageError
from email.headerregistry import AddressHeader
from email.message import EmailMessage, Message

from ...errors import ParseError
from .html import html_to_text
from .text import decode

_PEOPLE = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")
_MAX_PARTS = 5_000  # MIME parts read from one message, nested ones included
_MAX_DEPTH = 20  # messages attached inside attached messages
# What the stdlib's email parser raises on input it does not expect (besides its own errors).
_PARSER_BUGS = (IndexError, ValueError, TypeError, AttributeError, MessageError)


def read_eml(data: bytes, source: str) -> list[tuple[str, str]]:
    """(part label, text) in reading order: headers, bodies, attachment names."""
    message = email.message_from_bytes(data, policy=policy.default)
    parts: list[tuple[str, str]] = []
    try:
        _read(message, source, parts, depth=0)
    except _PARSER_BUGS as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        message_text = f"the e-mail's MIME structure cannot be read ({reason})"
        raise ParseError(message_text, path=source) from exc
    return [(label, text) for label, text in parts if text.strip()]


def _read(message: Message, source: str, parts: list[tuple[str, str]], depth: int) -> None:
    prefix = "attached message " if depth else ""
    parts.append((prefix + "headers", _headers(message)))
    attachments: list[str] = []
    stack: list[Message] = [message]
    seen = 0
    while stack and seen < _MAX_PARTS:
        part = stack.pop(0)
        seen += 1
        ctype = part.get_content_type()
        filename = part.get_filename()
        if ctype == "message/rfc822" and depth < _MAX_DEPTH:
            if filename:
                attachments.append(filename)
            inner = part.get_payload(0) if part.is_multipart() else None
            if isinstance(inner, Message):
                _read(inner, source, parts, depth + 1)
            continue
        if part.is_multipart():
            stack[0:0] = [p for p in part.get_payload() if isinstance(p, Message)]
            continue
        if filename or part.get_content_disposition() == "attachment":
            attachments.append(filename or f"(unnamed {ctype})")
            continue
        if ctype == "text/plain":
            parts.append((f"{prefix}body text/plain", _text(part, source)))
        elif ctype == "text/html":
            parts.append((f"{prefix}body text/html", html_to_text(_text(part, source))))
    if attachments:
        parts.append((prefix + "attachment names", "\n".join(attachments)))


def _headers(message: Message) -> str:
    lines = []
    for subject in _header_values(message, "Subject")[:1]:
        if subject:
            lines.append(f"Subject: {' '.join(str(subject).split())}")
    for name in _PEOPLE:
        for header in _header_values(message, name):
            try:
                people = _people(header)
            except _PARSER_BUGS:
                people = " ".join(str(header).split())
            if people:
                lines.append(f"{name}: {people}")
    return "\n".join(lines)


def _header_values(message: Message, name: str) -> list[object]:
    """Every value of a header, parsed; as raw text when the stdlib's parser fails on it."""
    try:
        return list(message.get_all(name) or [])
    except _PARSER_BUGS:
        return [value for key, value in message.raw_items() if key.lower() == name.lower()]


def _people(header: object) -> str:
    if isinstance(header, AddressHeader):
        shown = []
        for address in header.addresses:
            who = " ".join(address.display_name.split())
            mail = address.addr_spec if address.username else ""
            shown.append(f"{who} <{mail}>" if who and mail else who or mail)
        return ", ".join(s for s in shown if s)
    return " ".join(str(header).split())


def _text(part: Message, source: str) -> str:
    """A text part's content: its declared charset, else detected like any text file."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        return ""
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
        except (LookupError, UnicodeError, ValueError, AssertionError):
            content = None  # an unknown charset: detect it below
        # A declared charset that does not fit the bytes decodes to U+FFFD: detect instead.
        if isinstance(content, str) and ("\ufffd" not in content or "\ufffd".encode() in payload):
            return content
    return decode(payload, f"{source} ({part.get_content_type()} part)").text
