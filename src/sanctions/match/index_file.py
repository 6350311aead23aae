"""The on-disk container of a screening index: named NumPy arrays behind a small header.

Layout: 8 magic bytes, the header length (8 bytes, little-endian), the header as JSON, then
each array's raw bytes at a 64-byte aligned offset. The header holds the format version,
whatever metadata the caller gives (the list versions the index was built from, the code
fingerprint), each array's dtype, shape and offset, the file's total size and a CRC-32 of
everything after the header. Opening maps the file read-only and wraps each array around
the mapping without copying, so processes that open one file share its pages.

Writing goes to a temporary file beside the target, is flushed to disk and then renamed
over it: a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import mmap
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SanctionsError

MAGIC = b"SANCIDX\x00"
FORMAT_VERSION = 1
ALIGN = 64
# A header longer than this is not one of ours (and is not worth parsing).
MAX_HEADER = 16 * 1024 * 1024


class IndexFileError(SanctionsError):
    """An index file that cannot be used: missing, truncated, altered or of another format."""


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def write_arrays(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write `arrays` and `meta` to `path` atomically."""
    table: dict[str, dict[str, Any]] = {}
    chunks: list[memoryview | bytes] = []  # the payload as it sits in the file
    offset = 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        start = _aligned(offset)
        chunks.append(bytes(start - offset))
        chunks.append(array.view(np.uint8).reshape(-1).data)
        table[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": start}
        offset = start + array.nbytes
    crc = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    header = {"format": FORMAT_VERSION, "meta": meta, "arrays": table}
    header |= {"payload_size": offset, "crc32": crc}
    header_bytes = json.dumps(header, sort_keys=True).encode()
    start = _aligned(len(MAGIC) + 8 + len(header_bytes))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC)
            out.write(len(header_bytes).to_bytes(8, "little"))
            out.write(header_bytes)
            out.write(bytes(start - out.tell()))
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, 0o644)  # mkstemp makes it private; readers may be other users
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


class MappedArrays:
    """A mapped index file: `arrays` are read-only views of the mapping; `meta` its header."""

    def __init__(self, path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.path = path
        self.arrays = arrays
        self.meta = meta


def read_arrays(path: Path, *, verify: bool = True) -> MappedArrays:
    """Map `path`; IndexFileError says what is wrong with it when it cannot be used."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < len(MAGIC) + 8:
                raise IndexFileError(f"{path}: truncated ({size} bytes)")
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        raise IndexFileError(f"{path}: no index file yet") from None
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"{path}: cannot be read: {exc}") from exc
    if mapped[: len(MAGIC)] != MAGIC:
        raise IndexFileError(f"{path}: not a sanctions index file")
    header_length = int.from_bytes(mapped[len(MAGIC) : len(MAGIC) + 8], "little")
    if header_length > min(MAX_HEADER, size):
        raise IndexFileError(f"{path}: truncated or damaged header")
    try:
        header = json.loads(mapped[len(MAGIC) + 8 : len(MAGIC) + 8 + header_length])
        format_version = header["format"]
        table = header["arrays"]
        payload_size = int(header["payload_size"])
        crc = int(header["crc32"])
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexFileError(f"{path}: damaged header ({exc})") from exc
    if format_version != FORMAT_VERSION:
        raise IndexFileError(
            f"{path}: format {format_version}, this version reads {FORMAT_VERSION}"
        )
    start = _aligned(len(MAGIC) + 8 + header_length)
    if size != start + payload_size:
        raise IndexFileError(f"{path}: {size} bytes, the header says {start + payload_size}")
    payload = memoryview(mapped)[start:]
    if verify and zlib.crc32(payload) != crc:
        raise IndexFileError(f"{path}: checksum mismatch (the file was altered or damaged)")
    arrays = {}
    try:
        for name, spec in table.items():
            dtype = np.dtype(spec["dtype"])
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            array = np.frombuffer(mapped, dtype=dtype, count=count, offset=start + spec["offset"])
            arrays[name] = array.reshape(spec["shape"])
    except (ValueError, TypeError, KeyError) as exc:
        raise IndexFileError(f"{path}: damaged array table ({exc})") from exc
    return MappedArrays(path, arrays, header.get("meta") or {})
