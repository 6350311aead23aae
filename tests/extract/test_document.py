"""Documents into text: every format, the encodings, page offsets, and hostile or broken input.

PDFs and DOCX files are built here, byte by byte, following their published formats (see
`make_pdf` and `make_docx`); the HTML page and the e-mail are committed under
tests/fixtures/documents/ (its README says what each follows).
"""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from documents import make_pdf
from sanctions.errors import FormatError, ParseError, SanctionsError
from sanctions.extract.document import (
    Document,
    Page,
    detect_format,
    document_from_bytes,
    read_document,
)
from sanctions.settings import MAX_DOCUMENT_BYTES

RUSSIAN = (
    # Only characters KOI8-R has too (no «», no №), so one text serves every encoding.
    'Платёж по контракту N 15 от 3 марта 2024 г. Получатель: ООО "Южный порт", '
    "г. Новороссийск. Назначение платежа: оплата за поставку оборудования согласно счёту 118.\n"
    "Просим подтвердить получение. С уважением, Ирина Соколова"
)
FRENCH = (
    "Réf. facture n° 2023-118 : règlement dû à la société Côte d'Azur Négoce, Genève.\n"
    "Déjà payé : 1 200 EUR. Le solde est à régler avant le 15 août, après réception."
)

POLISH = (
    "Szanowni Państwo, płatność za fakturę nr 12 zostanie zrealizowana w przyszłym tygodniu.\n"
    "Dziękujemy za współpracę. Odbiorca: Zakłady Łódź"
)


# -- builders that follow the published formats -------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/footer" Target="footer1.xml"/></Relationships>'
)


def paragraph(*runs: str) -> str:
    return (
        "<w:p>"
        + "".join(f'<w:r><w:t xml:space="preserve">{r}</w:t></w:r>' for r in runs)
        + "</w:p>"
    )


def body(inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:mc="{MC}"><w:body>{inner}'
        '<w:sectPr><w:headerReference w:type="default" r:id="rId1" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</w:sectPr></w:body></w:document>"
    )


def story(root: str, inner: str) -> str:
    prolog = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return f'{prolog}<w:{root} xmlns:w="{W}">{inner}</w:{root}>'


LETTER_DOCX = body(
    paragraph("Letter of credit ", "No. 0417")
    + '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    "<w:r><w:t>Applicant:</w:t></w:r><w:r><w:tab/><w:t>Nordhafen GmbH</w:t></w:r>"
    "<w:r><w:br/><w:t>Hamburg</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc>"
    + paragraph("Beneficiary")
    + "</w:tc><w:tc>"
    + paragraph("Dan Gertler")
    + "</w:tc></w:tr><w:tr><w:tc>"
    + paragraph("Port")
    + "</w:tc><w:tc>"
    + paragraph("Rotterdam")
    + "</w:tc></w:tr></w:tbl>"
    '<w:p><w:r><w:t>Goods: pumps</w:t></w:r><w:del w:id="1" w:author="x">'
    "<w:r><w:delText>Deleted Words</w:delText></w:r></w:del>"
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r></w:p>'
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
    + paragraph("Text box once")
    + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
    + paragraph("Text box once")
    + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
)


def make_docx(document_xml: str, **parts: str | bytes) -> bytes:
    """A DOCX (ECMA-376 Part 2, Open Packaging Conventions): [Content_Types].xml, the package
    relationships, word/document.xml and its relationships, and any other part given as
    `word_header1_xml=...` (underscores for slashes and dots) or by name in `parts`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        archive.writestr("word/document.xml", document_xml)
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/").replace("_xml", ".xml"), content)
    return out.getvalue()


@pytest.fixture(scope="module")
def documents_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "documents"


# -- the real letter ----------------------------------------------------------------------
def test_the_real_letter_reads_as_utf8_text(data_dir: Path) -> None:
    path = data_dir / "documents" / "letter_karabakh_sanctions_2023.txt"
    document = read_document(path)
    assert document.format == "text"
    assert document.encoding == "utf-8"
    assert document.text == path.read_text("utf-8")
    assert "Khazar Ibrahim" in document.text and "Garabagh" in document.text
    assert document.pages == [Page(1, 0)]
    assert document.page_of(len(document.text) - 1) == 1
    assert document.source == str(path) and document.parts == ["text"]


# -- plain text in many encodings ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8_r", "koi8_r"),
        (RUSSIAN, "utf-8", "utf-8"),
        (RUSSIAN, "utf-8-sig", "utf-8-sig"),
        (RUSSIAN, "utf-16", "utf-16"),  # with its BOM
        (RUSSIAN, "utf-16-le", "utf_16_le"),  # without one
        (FRENCH, "latin-1", "cp1252"),  # the same characters: Windows-1252 is its superset
        (FRENCH, "cp1252", "cp1252"),
        (FRENCH, "utf-16", "utf-16"),
        (POLISH, "cp1250", "cp1250"),
    ],
)
def test_text_in_any_encoding_is_decoded(
    tmp_path: Path, text: str, encoding: str, detected: str
) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(text.encode(encoding))
    document = read_document(path)
    assert (document.format, document.encoding, document.text) == ("text", detected, text)


def test_legacy_bytes_after_a_long_ascii_start_are_detected_where_they_are() -> None:
    data = b"Invoice line in plain ASCII.\n" * 20_000 + FRENCH.encode("cp1252")
    document = document_from_bytes(data, "long.txt")
    assert (document.encoding, document.warnings) == ("cp1252", [])
    assert document.text.endswith(FRENCH)


def test_line_ends_and_invisible_characters_are_normalised() -> None:
    data = "Handels\xadgesellschaft\r\nline two\rline three\u200b".encode()
    assert document_from_bytes(data, "memo.txt").text == "Handelsgesellschaft\nline two\nline three"


def test_a_50_mb_text_file_is_read_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    line = "Payment to Nordhafen GmbH, Hamburg, invoice 118, as agreed.\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(50 * 1024 * 1024 // len(line)):
            handle.write(line)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        document = read_document(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(document.text) == size
    assert peak < 2.5 * size  # the bytes and the text, no detector copies


def test_a_large_legacy_encoded_file_is_detected_from_a_sample(tmp_path: Path) -> None:
    path = tmp_path / "big_cp1251.txt"
    path.write_bytes(((RUSSIAN + "\n") * 40_000).encode("cp1251"))
    document = read_document(path)
    assert document.encoding == "cp1251"
    assert document.text.count("Новороссийск") == 40_000


# -- HTML ----------------------------------------------------------------------------------
def test_html_gives_visible_text_only(documents_dir: Path) -> None:
    document = read_document(documents_dir / "invoice.html")
    text = document.text
    assert (document.format, document.encoding) == ("html", "utf-8")
    assert "Should Not Appear" not in text  # script, style, comment, noscript, template
    assert "font-family" not in text and "var " not in text
    assert "Café Lumière S.A.R.L. & Partners, 12 rue de Rivoli, Paris" in text  # entities
    assert "Nordhafen Handelsgesellschaft mbH" in text  # &shy; is invisible, &nbsp; a space
    assert "Industrial pumps\tRotterdam\tEUR 48,000" in text  # cells are tabs, rows lines
    assert "Payment terms: 30 days\nBank: Example Bank AG" in text  # <br> is a line break
    assert text.startswith("Proforma invoice PI-2024-017")  # the title
    assert "Hamburg\n" in text  # blocks never run together


def test_html_is_recognised_by_content_and_by_extension() -> None:
    page = b"<!doctype html><html><body><p>Hello</p><p>World</p></body></html>"
    assert detect_format(page, "upload.bin") == "html"
    assert detect_format(b"<b>Hello</b> world", "fragment.htm") == "html"
    assert detect_format(b"a <b>bold</b> claim in a memo", "memo.txt") == "text"
    assert document_from_bytes(page, "x").text == "Hello\n\nWorld"


def test_html_meta_charset_is_honoured() -> None:
    page = (
        '<html><head><meta charset="windows-1251"></head>'
        "<body><p>Получатель: ООО «Юг»</p></body></html>"
    )
    document = document_from_bytes(page.encode("cp1251"), "page.html")
    assert (document.encoding, document.text) == ("cp1251", "Получатель: ООО «Юг»")


def test_html_doctype_with_external_entity_is_not_resolved() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        '<!ENTITY big "AAAAAAAAAA"><!ENTITY net SYSTEM "http://192.0.2.1/x">]>'
        "<html><body><p>Dear &xxe; &big; &net; team</p></body></html>"
    )
    document = document_from_bytes(hostile.encode(), "hostile.html")
    assert "root:" not in document.text
    assert "AAAA" not in document.text
    assert document.text == "Dear &xxe; &big; &net; team"  # shown as written, never expanded


def test_html_without_text_is_an_empty_document() -> None:
    assert (
        document_from_bytes(b"<html><body><script>x()</script></body></html>", "e.html").text == ""
    )


# -- PDF -----------------------------------------------------------------------------------
TWO_PAGES = [
    ["Letter of credit No. 0417", "Applicant: Nordhafen GmbH, Hamburg"],
    ["Page two: beneficiary Dan Gertler", "Port of discharge: Rotterdam"],
]


def test_pdf_pages_and_their_offsets() -> None:
    document = document_from_bytes(make_pdf(TWO_PAGES), "lc.pdf")
    assert document.format == "pdf"
    assert [p.number for p in document.pages] == [1, 2]
    text = document.text
    second = document.pages[1].start
    assert text[:second].rstrip().endswith("Applicant: Nordhafen GmbH, Hamburg")
    assert text[second:].startswith("Page two: beneficiary Dan Gertler")
    assert document.page_of(text.index("Nordhafen")) == 1
    assert document.page_of(text.index("Gertler")) == 2
    assert document.page_of(second) == 2 and document.page_of(second - 1) == 1
    assert document.page_of(len(text) + 100) == 2
    assert document.warnings == []


def test_pdf_detected_by_magic_whatever_the_name() -> None:
    assert detect_format(make_pdf(TWO_PAGES), "scan_0001") == "pdf"


def test_a_pdf_written_by_pypdf_reads_the_same() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(TWO_PAGES))))
    out = io.BytesIO()
    writer.write(out)
    assert "Dan Gertler" in document_from_bytes(out.getvalue(), "copy.pdf").text


def test_truncated_pdf_is_refused() -> None:
    data = make_pdf(TWO_PAGES)
    with pytest.raises(ParseError, match="truncated PDF") as caught:
        document_from_bytes(data[: len(data) // 2], "cut.pdf")
    assert caught.value.path == "cut.pdf"


def test_corrupt_pdf_is_a_parse_error_not_a_traceback() -> None:
    data = b"%PDF-1.4\n" + os.urandom(3000) + b"\ntrailer\n<< /Root 9 0 R >>\n%%EOF\n"
    with pytest.raises(ParseError, match="not a readable PDF|cannot read"):
        document_from_bytes(data, "junk.pdf")


def test_password_protected_pdf_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(TWO_PAGES))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(FormatError, match="encrypted with a password"):
        document_from_bytes(out.getvalue(), "locked.pdf")


def test_pdf_restricted_only_by_an_owner_password_is_read() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(TWO_PAGES))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "Rotterdam" in document_from_bytes(out.getvalue(), "restricted.pdf").text


def test_image_only_pdf_is_refused_and_partly_scanned_one_warns() -> None:
    with pytest.raises(FormatError, match="no text layer.*OCR"):
        document_from_bytes(make_pdf([[], []]), "scan.pdf")
    document = document_from_bytes(make_pdf([TWO_PAGES[0], [], TWO_PAGES[1]]), "mixed.pdf")
    assert document.warnings == ["no text layer on page(s) 2 (images?): not screened"]
    assert document.page_of(document.text.index("Gertler")) == 3


def test_text_named_pdf_is_refused() -> None:
    with pytest.raises(FormatError, match=r"named \.pdf but is not a PDF"):
        document_from_bytes(b"just some text", "invoice.pdf")


# -- DOCX ----------------------------------------------------------------------------------
def test_docx_paragraphs_tables_headers_and_footers() -> None:
    data = make_docx(
        LETTER_DOCX,
        word__header1_xml=story("hdr", paragraph("Nordhafen GmbH - Trade Finance")),
        word__header2_xml=story("hdr", paragraph("Nordhafen GmbH - Trade Finance")),
        word__footer1_xml=story("ftr", paragraph("Page 1 of 1")),
    )
    document = document_from_bytes(data, "lc.docx")
    assert document.format == "docx"
    assert document.parts == ["body", "header1.xml", "footer1.xml"]  # header2 repeats header1
    text = document.text
    assert text.startswith("Letter of credit No. 0417\nApplicant:\tNordhafen GmbH\nHamburg\n")
    assert "Beneficiary\tDan Gertler\nPort\tRotterdam" in text
    assert "Goods: pumps" in text
    assert "Deleted Words" not in text and "HYPERLINK" not in text
    assert text.count("Text box once") == 1
    assert text.endswith("Nordhafen GmbH - Trade Finance\n\nPage 1 of 1")


def test_docx_detected_by_content() -> None:
    assert detect_format(make_docx(LETTER_DOCX), "attachment") == "docx"


def test_zip_bomb_docx_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as part:
            part.write(body("").encode()[:-30])
            chunk = b" " * (1 << 20)
            for _ in range(8):
                part.write(chunk)
    with pytest.raises(FormatError, match="zip bomb"):
        document_from_bytes(out.getvalue(), "bomb.docx")


def test_docx_over_the_size_limit_when_inflated_is_refused() -> None:
    with pytest.raises(FormatError, match="over the 1,000 byte limit"):
        document_from_bytes(make_docx(LETTER_DOCX), "big.docx", max_bytes=1_000_000 // 1000)


def test_docx_with_a_doctype_is_refused() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    with pytest.raises(FormatError, match="DOCTYPE") as caught:
        document_from_bytes(make_docx(hostile), "xxe.docx")
    assert caught.value.field == "word/document.xml"


def test_docx_with_broken_xml_names_the_part_and_line() -> None:
    broken = f'<?xml version="1.0"?>\n<w:document xmlns:w="{W}">\n<w:body><w:p>\n</w:body>'
    with pytest.raises(ParseError, match="not well-formed") as caught:
        document_from_bytes(make_docx(broken), "broken.docx")
    assert (caught.value.field, caught.value.line) == ("word/document.xml", 4)


def test_truncated_docx_is_a_parse_error() -> None:
    data = make_docx(LETTER_DOCX)
    with pytest.raises(ParseError, match="ZIP"):
        document_from_bytes(data[: len(data) - 200], "cut.docx")


def test_zip_that_is_not_a_word_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FormatError, match="Excel workbook"):
        document_from_bytes(out.getvalue(), "sheet.xlsx")
    with pytest.raises(FormatError, match=r"named \.docx but is not a DOCX"):
        document_from_bytes(b"plain words", "letter.docx")


# -- e-mail --------------------------------------------------------------------------------
def test_eml_headers_bodies_attachments_and_forwarded_message(documents_dir: Path) -> None:
    document = read_document(documents_dir / "message.eml")
    assert document.format == "eml"
    assert document.parts == [
        "headers",
        "body text/plain",
        "body text/html",
        "attached message headers",
        "attached message body text/plain",
        "attachment names",
    ]
    text = document.text
    assert "Subject: L/C amendment – shipment via Rotterdam" in text  # RFC 2047, UTF-8
    assert "From: Jürgen Müller <trade@nordhafen.example>" in text
    assert "Letters of Credit Desk <lc-desk@bank.example>, Anna Smith" in text
    assert "Cc: Лариса Петрова" in text  # RFC 2047 in KOI8-R
    assert "the consignee is Café Lumière S.A.R.L." in text  # quoted-printable
    assert "Script Person" not in text  # the HTML part's script
    assert "The goods leave Rotterdam on 12 March." in text  # the HTML part as text
    assert "Subject: Booking confirmation BK-5521" in text  # the forwarded message
    assert "vessel NORDIC STAR" in text
    assert text.endswith("LC-amendment-017.pdf\nforwarded.eml")
    assert "JVBERi0" not in text  # attachment contents are not text


def test_eml_detected_by_its_headers() -> None:
    mail = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Hi\r\n\r\nBody text\r\n"
    assert detect_format(mail, "noname") == "eml"
    assert document_from_bytes(mail, "noname").text == (
        "Subject: Hi\nFrom: a@example.org\nTo: b@example.org\n\nBody text"
    )
    assert detect_format(b"Subject: one line of prose: then more\nand more", "n.txt") == "text"


def test_eml_part_with_an_unknown_charset_is_detected() -> None:
    mail = (
        b"From: a@example.org\nTo: b@example.org\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=x-unknown\n\n" + RUSSIAN.encode("cp1251")
    )
    assert "Новороссийск" in document_from_bytes(mail, "m.eml").text


# -- hostile and broken input -------------------------------------------------------------
def test_random_bytes_are_refused() -> None:
    with pytest.raises(FormatError, match="not text|binary"):
        document_from_bytes(os.urandom(4096), "random.bin")


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ParseError, match="empty") as caught:
        read_document(empty)
    assert caught.value.path == str(empty)
    with pytest.raises(ParseError, match="only whitespace"):
        document_from_bytes(b" \n\t\r\n", "blank.txt")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "legacy Word .doc"),
        (b"{\\rtf1\\ansi Hello}", "RTF"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip"),
        (b"PK\x05\x06" + b"\x00" * 18, "empty ZIP"),
    ],
)
def test_binary_formats_we_do_not_read_are_named(data: bytes, what: str) -> None:
    with pytest.raises(FormatError, match=what) as caught:
        document_from_bytes(data, "upload")
    assert caught.value.path == "upload"


def test_inputs_over_the_limit_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(FormatError, match="over the 1,024 byte limit"):
        read_document(path, max_bytes=1024)
    with pytest.raises(FormatError, match="byte limit"):
        document_from_bytes(b"x" * 2048, "upload.txt", max_bytes=1024)
    assert MAX_DOCUMENT_BYTES == 64 * 1024 * 1024


def test_a_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read the file"):
        read_document(tmp_path / "absent.pdf")


def test_every_error_is_ours() -> None:
    for data, name in [(b"%PDF-1.7\n%%EOF", "a.pdf"), (b"PK\x03\x04garbage", "b.docx")]:
        with pytest.raises(SanctionsError):
            document_from_bytes(data, name)


def test_document_page_of_without_pages() -> None:
    assert Document("x", "text", "abc", [], []).page_of(2) == 1
