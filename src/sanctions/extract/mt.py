"""SWIFT MT payment messages -> `Message`s: MT103, MT202 and MT202COV.

A file holds one message or many in RJE form (messages separated by lines holding `$`), with
CRLF or LF line ends. A message is its blocks: 1 basic header (`F01` + the LT address), 2
application header (input `I103<receiver LT>...` or output `O103<time><MIR with the sender's
LT>...`), 3 user header (`{119:COV}` makes an MT202 an MT202COV), 4 the text block (fields on
lines, closed by a `-}` line; see `mt_fields.py`), 5 and S trailers (checked, not read).
An acknowledgement (`{1:F21...}{4:{177:...}{451:0}}`) before a message is skipped.

Sender and receiver come from the LT addresses (a BIC8, a terminal letter, a branch): the
sender is block 1's for an input message and block 2's MIR for an output message, the receiver
the other way round; both are given as BIC11 (the terminal letter dropped).

Any other message type, a broken block (unbalanced braces, no `-}` line, text between
blocks), a field that is not in its format, or bytes that are not UTF-8 raise an error naming
the file, the message (0-based, as `Message.index`) and the line. Memory stays bounded: the
file is read line by line, one `$`-separated part (at most `MAX_PART_BYTES`) at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from ..errors import FormatError, ParseError
from .message import Message, Party, Value
from .mt_fields import apply_fields, read_fields

KINDS = {"103": "MT103", "202": "MT202"}
MAX_PART_BYTES = 4 * 1024 * 1024  # between two '$' lines; one message is at most ~10 kB
_BLOCK = re.compile(r"\{([0-9A-Z]{1,3}):")
_BRACE = re.compile(r"[{}]")
_ORDER = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "S": 6}
_BASIC = re.compile(r"([FAL])([0-9]{2})([A-Z0-9]{12})([0-9]{4})?([0-9]{6})?")
_INPUT = re.compile(r"I([0-9]{3})([A-Z0-9]{12})[SUN]?[0-9]?(?:[0-9]{3})?")
_OUTPUT = re.compile(
    r"O([0-9]{3})[0-9]{4}[0-9]{6}([A-Z0-9]{12})[0-9]{4}[0-9]{6}(?:[0-9]{6}[0-9]{4}[SUN]?)?"
)
_SUBBLOCKS = re.compile(r"(?:\{[A-Za-z0-9]{1,3}:[^{}]*\})*")
_SUBBLOCK = re.compile(r"\{([A-Za-z0-9]{1,3}):([^{}]*)\}")
_UTF8_BOM = b"\xef\xbb\xbf"


class _Where:
    """The file, message and line numbers of one `$`-separated part, for errors."""

    def __init__(self, source: str, index: int, text: str, first_line: int) -> None:
        self.source = source
        self.index = index
        self.text = text
        self.first_line = first_line

    def line_of(self, offset: int) -> int:
        return self.first_line + self.text.count("\n", 0, offset)

    def error(self, message: str, line: int | None, field: str | None = None) -> ParseError:
        record = f"message {self.index}"
        return ParseError(message, path=self.source, line=line, record=record, field=field)


def _parts(stream: IO[bytes], source: str) -> Iterator[tuple[int, str]]:
    """(first line, text with LF line ends) of each part of the file between '$' separators."""
    chunk: list[bytes] = []
    size = 0
    start = 1
    for number, raw in enumerate(stream, 1):
        if number == 1:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ParseError("MT messages are ASCII; this file is UTF-16", path=source)
            raw = raw.removeprefix(_UTF8_BOM)
        if b"$" in raw:
            pieces = raw.split(b"$")
            chunk.append(pieces[0])
            for piece in pieces[1:]:
                if any(part.strip() for part in chunk):
                    yield start, _decode(chunk, start, source)
                chunk, size, start = [piece], 0, number
            continue
        chunk.append(raw)
        size += len(raw)
        if size > MAX_PART_BYTES:
            raise ParseError(
                f"more than {MAX_PART_BYTES // 2**20} MiB without a '$' separator line; "
                "refused to keep memory bounded",
                path=source,
                line=start,
            )
    if any(part.strip() for part in chunk):
        yield start, _decode(chunk, start, source)


def _decode(chunk: list[bytes], start: int, source: str) -> str:
    data = b"".join(chunk)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = start + data.count(b"\n", 0, exc.start)
        raise ParseError(
            f"bytes that are not UTF-8 ({data[exc.start : exc.start + 1]!r}); SWIFT MT text is "
            "ASCII",
            path=source,
            line=line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _close(text: str, start: int, where: _Where, block: str) -> int:
    """Offset of the brace that closes the block opened at `start`."""
    depth = 0
    for match in _BRACE.finditer(text, start):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.start()
    raise where.error(f"unbalanced braces: block {block} is never closed", where.line_of(start))


def _blocks(where: _Where) -> Iterator[tuple[int, dict[str, tuple[str, int]]]]:
    """(offset, {block id: (content, offset)}) of each message in one part of the file."""
    text = where.text
    pos = 0
    current: dict[str, tuple[str, int]] = {}
    begin = 0
    last = 0
    while True:
        brace = text.find("{", pos)
        gap = text[pos:] if brace < 0 else text[pos:brace]
        if gap.strip():
            offset = pos + len(gap) - len(gap.lstrip())
            raise where.error(
                f"text outside any block: {gap.strip()[:40]!r}", where.line_of(offset)
            )
        if brace < 0:
            break
        match = _BLOCK.match(text, brace)
        if match is None:
            # Tolerated: a lone '{' after a complete message, as in Prowide's sample RJE file.
            if "4" in current and not text[brace + 1 :].strip():
                break
            raise where.error("a '{' that opens no block ({1: to {5:)", where.line_of(brace))
        block = match.group(1)
        order = _ORDER.get(block)
        if order is None:
            raise where.error(f"unknown block {{{block}:", where.line_of(brace))
        if order <= last:  # blocks run 1, 2, 3, 4, 5: a lower one starts the next message
            yield begin, current
            current = {}
        if not current:
            begin = brace
        last = order
        body = match.end()
        if block == "4" and not text.startswith("{", body):
            end = text.find("\n-}", body)
            if end < 0:
                raise where.error("block 4 has no closing '-}' line", where.line_of(brace))
            content = text[body:end]
            if "{" in content or "}" in content:
                raise where.error(
                    "block 4 holds a brace, which SWIFT text never does: is its '-}' line missing?",
                    where.line_of(brace),
                )
            pos = end + 3
        else:
            end = _close(text, brace, where, block)
            content = text[body:end]
            pos = end + 1
        current[block] = (content, brace)
    if current:
        yield begin, current


def _lt_bic(address: str) -> str:
    """BIC11 of a 12-character LT address (BIC8, terminal letter, branch)."""
    return address[:8] + address[9:12]


def _message(blocks: dict[str, tuple[str, int]], begin: int, where: _Where) -> Message | None:
    line = where.line_of(begin)
    if "1" not in blocks:
        raise where.error("no basic header (block 1)", line)
    basic = _BASIC.fullmatch(blocks["1"][0])
    if basic is None:
        raise where.error(f"block 1 is not a basic header: {blocks['1'][0][:30]!r}", line)
    if basic.group(2) == "21":
        return None  # an ACK/NAK of the message that follows it
    if "2" not in blocks:
        raise where.error("no application header (block 2): the message type is unknown", line)
    header = blocks["2"][0]
    if output := _OUTPUT.fullmatch(header):
        mt, sender, receiver = output.group(1), output.group(2), basic.group(3)
    elif given := _INPUT.fullmatch(header):
        mt, sender, receiver = given.group(1), basic.group(3), given.group(2)
    else:
        raise where.error(f"block 2 is not an application header: {header[:40]!r}", line)
    user = _trailer(blocks, "3", where)
    kind = KINDS.get(mt)
    if kind is None:
        raise FormatError(
            f"MT{mt} is not a payment message we screen (MT103, MT202, MT202COV)",
            path=where.source,
            line=line,
            record=f"message {where.index}",
        )
    cover = mt == "202" and user.get("119") == "COV"
    _trailer(blocks, "5", where)
    _trailer(blocks, "S", where)
    if "4" not in blocks:
        raise where.error("no text block (block 4)", line)
    content, offset = blocks["4"]
    if content.startswith("{"):
        raise where.error(f"block 4 of an MT{mt} holds no fields", where.line_of(offset))
    message = Message(
        where.source, where.index, kind + ("COV" if cover else ""), None, f"line {line}"
    )
    send_path, receive_path = ("2", "1") if output else ("1", "2")
    message.parties.append(Party("sender", send_path, bics=[Value(send_path, _lt_bic(sender))]))
    message.parties.append(
        Party("receiver", receive_path, bics=[Value(receive_path, _lt_bic(receiver))])
    )
    fields = read_fields(content, where.line_of(offset), where)
    apply_fields(message, fields, cover=cover, where=where)
    return message


def _trailer(blocks: dict[str, tuple[str, int]], block: str, where: _Where) -> dict[str, str]:
    """The {tag:value} sub-blocks of block 3, 5 or S."""
    if block not in blocks:
        return {}
    content, offset = blocks[block]
    if not _SUBBLOCKS.fullmatch(content):
        raise where.error(f"block {block} is not a series of {{tag:value}}", where.line_of(offset))
    return dict(_SUBBLOCK.findall(content))


def iter_mt(stream: IO[bytes], source: str) -> Iterator[Message]:
    """Every MT103/MT202/MT202COV of a file (a binary stream), in file order."""
    index = 0
    for first_line, text in _parts(stream, source):
        where = _Where(source, index, text, first_line)
        found = False
        for begin, blocks in _blocks(where):
            message = _message(blocks, begin, where)
            if message is None:
                continue  # an acknowledgement is not a message of its own
            found = True
            yield message
            index += 1
            where.index = index  # errors while scanning the next message name it
        if not found:
            raise where.error("an acknowledgement without the message it acknowledges", first_line)
