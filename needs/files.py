"""Checking uploaded documents by their content, not their name: PDF, DOCX, XLSX, ODT and ODS only.

A PDF starts with ``%PDF-``. The other four are ZIP archives: Office Open XML files (DOCX, XLSX) hold
``[Content_Types].xml`` and their main part (``word/document.xml``, ``xl/workbook.xml``); OpenDocument files (ODT,
ODS) start with a stored ``mimetype`` member naming their type. The archive's directory is read, nothing is
extracted.
"""

import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_FILE_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt", ODS: "ods"}
ACCEPT = ".pdf,.docx,.xlsx,.odt,.ods," + ",".join(EXTENSIONS)
OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
OPENDOCUMENT_TYPES = {ODT, ODS}


def sniff_content_type(uploaded) -> str | None:
    """The document type read from the file's bytes, or None when it is none of the accepted types."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return declared if declared in OPENDOCUMENT_TYPES else None
            if "[Content_Types].xml" in names:
                for part, content_type in OOXML_MAIN_PARTS.items():
                    if part in names:
                        return content_type
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    finally:
        uploaded.seek(0)
    return None


def check_document(uploaded) -> str:
    """The uploaded file's content type; ValidationError when it is too large or not an accepted document."""
    if uploaded.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("« %(name)s » pèse %(size)s ; la limite est de %(limit)s."),
            code="file_too_large",
            params={
                "name": uploaded.name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(MAX_FILE_BYTES),
            },
        )
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _("« %(name)s » n'est pas un document PDF, DOCX, XLSX, ODT ou ODS."),
            code="file_type",
            params={"name": uploaded.name},
        )
    return content_type


def safe_download_name(name: str, content_type: str) -> str:
    """The original file name without any folder, with the extension of its real type (a PDF named ``.exe`` is
    served as ``.pdf``)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"*:<>?|').strip(" .")[:150]
    return f"{stem or 'document'}.{EXTENSIONS.get(content_type, 'bin')}"
