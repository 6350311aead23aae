"""An e-mail message (RFC 5322 / MIME, `.eml`) into text parts, with the stdlib `email` package.

What is screened: the subject and the people in From, Sender, Reply-To, To, Cc and Bcc (display
names and addresses, decoded from RFC 2047), every text/plain part, every text/html part as
the text it shows, and the file names of the attachments; a forwarded message
(message/rfc822) is read the same way, its parts labelled "attached message". Attachment
contents are not opened.
"""

from __future__ import annotations

import email
from email import policy
from email.headerregistry import AddressHeader
from email.message import EmailMessage, Message

from .html import html_to_text
from .text import decode

_PEOPLE = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")
_MAX_PARTS = 5_000  # MIME parts read from one message, nested ones included
_MAX_DEPTH = 20  # messages attached inside attached messages


def read_eml(data: bytes, source: str) -> list[tuple[str, str]]:
    """(part label, text) in reading order: headers, bodies, attachment names."""
    message = email.message_from_bytes(data, policy=policy.default)
    parts: list[tuple[str, str]] = []
    _read(message, source, parts, depth=0)
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
    subject = message.get("Subject")
    if subject:
        lines.append(f"Subject: {' '.join(str(subject).split())}")
    for name in _PEOPLE:
        for header in message.get_all(name) or []:
            people = _people(header)
            if people:
                lines.append(f"{name}: {people}")
    return "\n".join(lines)


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
