"""Documents (plain text, HTML, e-mail, PDF, DOCX) fed mutated copies of the real letter of
../shared/data/documents and of tests/fixtures/documents."""

from __future__ import annotations

import struct

import pytest
from fuzzing import Target, check_seeds, fuzz, make_docx
from targets import DOCUMENTS

from sanctions.errors import ParseError
from sanctions.extract.document import document_from_bytes


@pytest.mark.parametrize("target", DOCUMENTS, ids=lambda t: t.name)
def test_document_reader_reads_or_refuses_mutated_files(target: Target) -> None:
    fuzz(target)


@pytest.mark.parametrize("target", DOCUMENTS, ids=lambda t: t.name)
def test_document_seeds_are_read(target: Target) -> None:
    check_seeds(target)


# -- crashes the fuzzing found, as plain regression tests -----------------------------------
def test_docx_whose_directory_points_before_the_archive_is_a_parse_error() -> None:
    """Found by fuzzing: a central-directory offset that puts an entry's local header before
    the start of the data made zipfile raise ValueError ("negative seek value")."""
    data = bytearray(make_docx(["Dear Members of Congress"]))
    end = data.rindex(b"PK\x05\x06")  # end of central directory record
    (offset,) = struct.unpack_from("<I", data, end + 16)
    struct.pack_into("<I", data, end + 16, offset + 100_000)
    with pytest.raises(ParseError, match="corrupt") as caught:
        document_from_bytes(bytes(data), "letter.docx")
    assert caught.value.path == "letter.docx"
    assert caught.value.field == "word/document.xml"


def test_email_with_an_address_header_cut_short_is_still_read() -> None:
    """Found by fuzzing: CPython's address parser raises IndexError on a To header that ends
    right after `"Name" <`; the header is now read as its raw text."""
    data = (
        b"From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <trade@nordhafen.example>\n"
        b'To: "Letters of Credit Desk" <\n'
        b"Subject: LC 4471\n\nPlease pay Nordhafen Trading GmbH.\n"
    )
    document = document_from_bytes(data, "message.eml")
    assert document.format == "eml"
    assert 'To: "Letters of Credit Desk" <' in document.text
    assert "From: Jürgen Müller <trade@nordhafen.example>" in document.text
    assert "Please pay Nordhafen Trading GmbH." in document.text
