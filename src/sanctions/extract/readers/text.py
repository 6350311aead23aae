"""Bytes of unknown encoding into text.

In order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; then strict UTF-8, which almost
never decodes anything else by accident; then charset-normalizer's candidates, re-ranked,
because on a short letter it often prefers a Baltic or Central European code page to
Windows-1252 when the decoded texts are equally plausible. Among candidates whose mess is
within `_MARGIN` of the best, we take the most common encoding in business documents, after
penalising decodings with symbols inside words ("p³atnoœæ" is Polish read as cp1252).

Detection reads a sample (the first `_SAMPLE` bytes, cut at a line end); the whole input is then
decoded in one pass, so a 50 MB file costs the file and its text, not the detector's copies.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from ...errors import FormatError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 256 * 1024
_MARGIN = 0.1
# Most common first: the tie-break among equally plausible decodings.
_PREFERRED = (
    "cp1252",
    "latin_1",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_15",
    "koi8_u",
    "cp1256",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "cp866",
    "mac_roman",
    "utf_16",
)
# Latin-1 symbols between two letters: what Central European letters become when read as
# Windows-1252 ("płatność" -> "p³atnoœæ"). The Catalan middle dot (l·l) is left out.
_ODD_IN_WORD = re.compile(r"(?<=[^\W\d_])[\u00a2-\u00b6\u00b8-\u00bf\u00d7\u00f7]+(?=[^\W\d_])")
_COHERENCE_MARGIN = 0.05
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # all but tab, LF, FF, CR
_CONTROL_SHARE = 0.01  # more control characters than this is not text


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, source: str, *, declared: str | None = None) -> Decoded:
    """The text of `data`, with the encoding used; FormatError when it is not text at all.
    `declared` is what the document says of itself (an HTML meta charset): used when the
    bytes decode with it and no byte-order mark says otherwise."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_all(data, encoding, source)
    if declared and (text := _strict(data, declared)) is not None:
        _refuse_binary(text, source)
        return Decoded(text, codecs.lookup(declared).name)
    if _looks_utf16(data[:8192]):  # UTF-16 without a BOM can pass for UTF-8 with controls
        return _decode_all(data, _detect(data, source), source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Sample where UTF-8 fails: a long ASCII start tells nothing of the encoding.
        return _decode_all(data, _detect(data, source, around=exc.start), source)
    _refuse_binary(text, source)
    return Decoded(text, "utf-8")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _sample(data: bytes, around: int) -> bytes:
    """About `_SAMPLE` bytes from whole lines, starting before `around`."""
    if len(data) <= _SAMPLE:
        return data
    start = max(0, around - _SAMPLE // 2)
    if start:  # from a line start, so no character is cut in two
        start = data.find(b"\n", start, around) + 1 or start
    cut = data.rfind(b"\n", start, start + _SAMPLE) + 1 or start + _SAMPLE
    if data[cut : cut + 1] == b"\x00":  # UTF-16 LE: keep the newline's second byte
        cut += 1
    return data[start:cut]


def _detect(data: bytes, source: str, around: int = 0) -> str:
    sample = _sample(data, around)
    if b"\x00" in sample[:8192] and not _looks_utf16(sample[:8192]):
        raise FormatError("binary data, not text (it contains NUL bytes)", path=source)
    matches = list(from_bytes(sample))
    if not matches:
        raise FormatError("not text in any known encoding (binary data?)", path=source)
    scored = []  # (mess, language coherence, preference rank, encoding)
    for match in matches:
        decoded = str(match)
        penalty = len(_ODD_IN_WORD.findall(decoded)) / max(1, len(decoded.split()))
        names = [match.encoding, *match.could_be_from_charset]
        rank = min((_PREFERRED.index(n) for n in names if n in _PREFERRED), default=len(_PREFERRED))
        name = _PREFERRED[rank] if rank < len(_PREFERRED) else match.encoding
        scored.append((match.chaos + penalty, match.coherence, rank, name))
    floor = min(mess for mess, _, _, _ in scored)
    plausible = [s for s in scored if s[0] <= floor + _MARGIN]
    top = max(coherence for _, coherence, _, _ in plausible)
    return min(
        (rank, mess, name)
        for mess, coherence, rank, name in plausible
        if coherence >= top - _COHERENCE_MARGIN
    )[2]


def _looks_utf16(head: bytes) -> bool:
    """Text in UTF-16 without a BOM: on one side of the byte pairs nearly every byte is one of
    two values, one of them NUL (the high bytes of Latin text and spaces, plus 0x04 for
    Cyrillic, say), while the other side has next to no NUL."""
    if len(head) < 16:
        return False
    for side, other in ((head[0::2], head[1::2]), (head[1::2], head[0::2])):
        counts = Counter(side).most_common(2)
        if (
            0 in dict(counts)
            and sum(n for _, n in counts) > 0.9 * len(side)
            and other.count(0) < 0.05 * len(other)
        ):
            return True
    return False


def _decode_all(data: bytes, encoding: str, source: str) -> Decoded:
    warnings: list[str] = []
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, errors="replace")
        warnings.append(
            f"bytes from offset {exc.start} are not valid {encoding}: replaced by U+FFFD"
        )
    except LookupError:
        raise FormatError(f"unknown text encoding {encoding!r}", path=source) from None
    _refuse_binary(text, source)
    return Decoded(text, encoding, warnings)


def _refuse_binary(text: str, source: str) -> None:
    head = text[:65536]
    controls = len(_CONTROLS.findall(head))
    if head and controls > _CONTROL_SHARE * len(head):
        raise FormatError(
            f"binary data, not text ({controls:,} control characters in the first {len(head):,})",
            path=source,
        )
