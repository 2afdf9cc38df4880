"""Spreadsheet files (CSV and XLSX) for every export of the project.

Every cell goes through ``neutralise``: a text that a spreadsheet would read as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe, so a supplier named
``=HYPERLINK(...)`` is shown as text, never run (formula injection, OWASP "CSV injection"). Files are written row
by row: a CSV is streamed to the client, an XLSX is written to a temporary file (openpyxl's write-only mode keeps
no rows in memory) and then streamed.
"""

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
UTF8_BOM = "\ufeff"


def neutralise(value):
    """The value as a spreadsheet cell: ``None`` as an empty cell, text that could be read as a formula prefixed
    with an apostrophe; numbers and dates unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(row: Iterable) -> list:
    # ``neutralise`` inlined: an export writes it for every cell (a dashboard table has up to 17,000 rows).
    return [
        ("'" + value if value.startswith(FORMULA_PREFIXES) else value)
        if value.__class__ is str
        else ("" if value is None else neutralise(value))
        for value in row
    ]


def dated_filename(stem: str, extension: str) -> str:
    """``fournisseurs-2026-11-26.xlsx``: the stem and today's date in Québec."""
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


class _Echo:
    """A file-like object whose ``write`` returns what it was given, for streaming ``csv.writer`` output."""

    def write(self, value):
        return value


# Lines streamed together: one chunk per row costs the response an encoding and a write each.
CSV_LINES_PER_CHUNK = 500


def iter_csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The lines of a CSV file (with the byte order mark), each cell neutralised, in chunks of
    ``CSV_LINES_PER_CHUNK`` lines."""
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow(neutralised(header))
    chunk = []
    for row in rows:
        chunk.append(writer.writerow(neutralised(row)))
        if len(chunk) >= CSV_LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(iter_csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(handle, *, header: Sequence[str], rows: Iterable[Sequence], title: str = "") -> None:
    """Write an XLSX workbook of one sheet (header in bold, then the rows) to a binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Export")[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=neutralise(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(neutralised(row))
    workbook.save(handle)


def xlsx_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence], title: str = ""
) -> FileResponse:
    handle = tempfile.TemporaryFile()
    write_xlsx(handle, header=header, rows=rows, title=title)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
