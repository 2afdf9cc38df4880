"""The one writer of CSV and XLSX exports: formula injection neutralised in every cell, Excel-friendly CSV."""

import io

import pytest
from openpyxl import load_workbook

from directory.spreadsheets import csv_response, neutralise, write_xlsx

HOSTILE = ['=HYPERLINK("https://exemple.com")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_a_spreadsheet_would_run_is_prefixed(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Coop La Ruche", "", "Traiteur = bon", 42, 3.5])
def test_other_values_are_unchanged(value):
    assert neutralise(value) == value


def test_none_is_an_empty_cell():
    assert neutralise(None) == ""


def test_csv_starts_with_a_byte_order_mark_and_neutralises_every_cell():
    response = csv_response(filename="f.csv", header=["nom", "=h"], rows=[["=cmd|' /C calc'!A0", "ok"]])
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffnom,'=h\r\n")
    assert content.endswith("'=cmd|' /C calc'!A0,ok\r\n")
    assert response["Content-Disposition"] == 'attachment; filename="f.csv"'


def test_a_long_csv_streamed_in_chunks_has_every_row_once_neutralised():
    from django.utils.safestring import mark_safe as Markup

    rows = [[f"ligne {n}", n, None] for n in range(1234)]
    rows[700] = ["=1+1", Markup("@lien"), 2.5]
    response = csv_response(filename="f.csv", header=["nom", "n", "vide"], rows=rows)
    chunks = list(response.streaming_content)
    assert 1 < len(chunks) < len(rows) / 100
    lines = b"".join(chunks).decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeffnom,n,vide"
    assert lines[1:-1] == [f"ligne {n},{n}," if n != 700 else "'=1+1,'@lien,2.5" for n in range(1234)]
    assert lines[-1] == ""


def test_xlsx_cells_hold_text_never_formulas():
    handle = io.BytesIO()
    write_xlsx(handle, header=["nom"], rows=[[value] for value in HOSTILE])
    handle.seek(0)
    sheet = load_workbook(handle).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML stores a carriage return as a line feed: compare what a reader sees first, the leading apostrophe.
    assert [cell.value.replace("\n", "\r") for cell in cells] == ["'" + value for value in HOSTILE]
    assert {cell.data_type for cell in cells} == {"s"}
