"""Documents joined to needs and answers: the type is read from the content, never from the name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from needs.files import DOCX, ODS, ODT, PDF, XLSX, check_document, safe_download_name
from tests.needs_factories import docx_file, ods_file, odt_file, pdf_file, xlsx_file, zip_file


@pytest.mark.parametrize(
    ("make", "expected"),
    [(pdf_file, PDF), (docx_file, DOCX), (xlsx_file, XLSX), (odt_file, ODT), (ods_file, ODS)],
)
def test_the_five_accepted_types_are_recognised_by_their_content(make, expected):
    assert check_document(make()) == expected


@pytest.mark.parametrize(
    "upload",
    [
        lambda: SimpleUploadedFile(
            "devis.pdf", b"MZ\x90\x00\x03 an executable", content_type="application/pdf"
        ),
        lambda: zip_file("archive.docx", {"readme.txt": "bonjour"}),
        lambda: zip_file(
            "diapos.odt",
            {"content.xml": "<x/>"},
            first=("mimetype", "application/vnd.oasis.opendocument.presentation"),
        ),
        lambda: zip_file("livre.docx", {"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}),
        lambda: SimpleUploadedFile(
            "casse.docx", b"PK\x03\x04 not really a zip", content_type="application/zip"
        ),
    ],
)
def test_other_content_is_refused_whatever_its_name(upload):
    with pytest.raises(ValidationError) as error:
        check_document(upload())
    assert error.value.code == "file_type"


def test_a_file_over_ten_megabytes_is_refused():
    with pytest.raises(ValidationError) as error:
        check_document(pdf_file(size=10 * 1024 * 1024 + 1))
    assert error.value.code == "file_too_large"
    assert check_document(pdf_file(size=10 * 1024 * 1024)) == PDF


def test_a_download_is_named_after_its_real_type():
    assert safe_download_name("offre finale.exe", PDF) == "offre finale.pdf"
    assert safe_download_name('..\\..\\etc/"passwd', DOCX) == "passwd.docx"
    assert safe_download_name(".pdf", PDF) == "document.pdf"
