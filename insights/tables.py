"""The dashboard's tables: the figures shown beside each chart, and the same figures exported as CSV.

A table's cells carry their value (and, on screen, a link and a coverage level). Columns that count organisations,
or what fewer than three organisations did, are marked ``small_cells``: in exports a value of 1 or 2 there is
written ``< 3`` (small-cell suppression), so that no one organisation can be singled out from a file that leaves
the ministry. Staff see exact figures on screen.
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from directory.spreadsheets import csv_response, dated_filename

# Fewer organisations than this in a cell and its figure is suppressed from exports.
SMALL_CELL_LIMIT = 3
SUPPRESSED = _("< 3")


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = True
    # Counts organisations (or their doings): 1 and 2 are suppressed in exports.
    small_cells: bool = True
    # A figure about the organisations counted in another column (an amount beside a count of needs): suppressed
    # in exports with that column's small counts.
    counted_by: int | None = None
    # Left out of exports (a coverage level would tell a suppressed count of 1 from 2).
    exported: bool = True
    # A short form shown as the header of a narrow column (the full label is still its name for assistive
    # technologies, its tooltip, the table's key of abbreviations and the export's header).
    short: str = ""


@dataclass(slots=True)
class Cell:
    value: object
    url: str = ""
    level: str = ""  # a CoverageLevel value, for the cell's colour on screen
    text: str = ""  # what the screen shows, when not the value itself

    @property
    def css(self) -> str:
        classes = []
        if isinstance(self.value, int) and not isinstance(self.value, bool) and not self.text:
            classes.append("figures__number")
        if self.level:
            classes += ["level", f"level--{self.level}"]
        return " ".join(classes)

    def content(self) -> str:
        """The cell's HTML (escaped; built with f-strings: a table has up to a thousand cells)."""
        text = escape(str(self))
        return f'<a href="{escape(self.url)}">{text}</a>' if self.url else text

    def __str__(self):
        if self.text:
            return str(self.text)
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return number_format(self.value, force_grouping=True)
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    """``name`` is the table's identifier in export URLs; the first ``header_columns`` cells of each row are row
    headers (``<th scope="row">``)."""

    name: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    header_columns: int = 1
    note: str = ""
    # Rows shown on screen (the export has them all); None: all.
    limit: int | None = None
    # How many rows the table has when only the first ones were built (for the screen); None: ``len(rows)``.
    total: int | None = None
    # Many narrow columns (coverage): tighter cells, so that the table fits a laptop's screen.
    compact: bool = False

    @property
    def abbreviated(self) -> list[Column]:
        return [column for column in self.columns if column.short]

    @property
    def visible_rows(self):
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def body_html(self):
        """The rows shown, as HTML (built here rather than in a template: a table has up to a thousand cells)."""
        rows = []
        for row in self.visible_rows:
            cells = []
            for index, cell in enumerate(row):
                if index < self.header_columns:
                    cells.append(f'<th scope="row">{cell.content()}</th>')
                elif cell.css:
                    cells.append(f'<td class="{cell.css}">{cell.content()}</td>')
                else:
                    cells.append(f"<td>{cell.content()}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        return mark_safe("\n".join(rows))

    @property
    def hidden_count(self) -> int:
        total = len(self.rows) if self.total is None else self.total
        return 0 if self.limit is None else max(0, total - self.limit)

    def add(self, *values):
        self.rows.append([value if isinstance(value, Cell) else Cell(value) for value in values])

    def add_exported(self, values: list):
        """A row past the ``limit`` rows shown, only ever exported: its plain values, no cells."""
        self.rows.append(values)

    def export_header(self) -> list[str]:
        return [str(column.label) for column in self.columns if column.exported]

    def export_rows(self):
        # Each exported column once: its position, whether its small counts are suppressed, the column counting
        # its organisations (a table exports up to some 17,000 rows).
        plan = [
            (index, column.numeric and column.small_cells, column.counted_by)
            for index, column in enumerate(self.columns)
            if column.exported
        ]
        suppressed = str(SUPPRESSED)
        for row in self.rows:
            values = [cell.value if cell.__class__ is Cell else cell for cell in row]
            yield [
                suppressed
                if (small and is_small(values[index]))
                or (counted_by is not None and is_small(values[counted_by]))
                else values[index]
                for index, small, counted_by in plan
            ]


def is_small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_CELL_LIMIT


def table_csv_response(table: Table, *, stem: str):
    return csv_response(
        filename=dated_filename(f"{stem}-{table.name}".replace("_", "-"), "csv"),
        header=table.export_header(),
        rows=table.export_rows(),
    )
