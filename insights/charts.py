"""Charts drawn on the server as SVG: the shapes here (``body``: escaped SVG elements, built in Python because a
heat map has hundreds of them), the ``<svg>`` element with its title in ``templates/insights/_*_chart.html``.

No JavaScript and no style attributes (the Content-Security-Policy forbids inline styles): colours come from CSS
classes of ``static/css/insights.css``. Each chart's figures are in the table printed beside it: a bar or line chart
is an image (``role="img"`` with a title); a heat map, whose cells link to their suppliers for the mouse, is hidden
from assistive technologies (its links are out of the tab order), which read the table and its links instead.
"""

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Text metrics of the charts' font at 12 px (an average advance width, generous for capitals and accents).
CHAR_WIDTH = 6.6
FONT_SIZE = 12


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _f(value) -> str:
    return f"{value:.1f}"


def _text(label, css="chart__label", transform=""):
    if transform:
        return format_html(
            '<text class="{}" x="{}" y="{}" transform="{}">{}</text>',
            css,
            _f(label.x),
            _f(label.y),
            transform,
            label.text,
        )
    return format_html('<text class="{}" x="{}" y="{}">{}</text>', css, _f(label.x), _f(label.y), label.text)


@dataclass
class HeatCell:
    x: float
    y: float
    width: float
    height: float
    level: str
    text: str
    href: str = ""

    @property
    def text_x(self):
        return self.x + self.width / 2

    @property
    def text_y(self):
        return self.y + self.height / 2 + FONT_SIZE * 0.35


@dataclass
class Label:
    x: float
    y: float
    text: str


@dataclass
class HeatMap:
    width: float
    height: float
    cells: list[HeatCell]
    row_labels: list[Label]
    column_labels: list[Label]

    @property
    def body(self):
        parts = [
            _text(label, transform=f"rotate(-45 {label.x:.1f} {label.y:.1f})") for label in self.column_labels
        ]
        parts += [_text(label, "chart__label chart__label--end") for label in self.row_labels]
        for cell in self.cells:
            shape = format_html(
                '<rect class="heat heat--{}" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="heat__text heat__text--{}" x="{}" y="{}">{}</text>',
                cell.level,
                _f(cell.x),
                _f(cell.y),
                cell.width,
                cell.height,
                cell.level,
                _f(cell.text_x),
                _f(cell.text_y),
                cell.text,
            )
            # Links for the mouse only: the table beside the chart has the same links for the keyboard.
            parts.append(
                format_html('<a href="{}" tabindex="-1">{}</a>', cell.href, shape) if cell.href else shape
            )
        return mark_safe("".join(parts))


def heat_map(rows, columns, value, *, level, href=None, cell_width=46, cell_height=24) -> HeatMap:
    """``rows`` and ``columns`` are ``(key, label)`` pairs; ``value(row_key, column_key)`` the figure,
    ``level(figure)`` its CSS level, ``href(row_key, column_key)`` the link of a cell (optional). Column labels
    are drawn at 45°."""
    label_width = max((_text_width(label) for _key, label in rows), default=0) + 12
    header_height = max((_text_width(label) for _key, label in columns), default=0) * 0.72 + 16
    cells, row_labels, column_labels = [], [], []
    for j, (_column_key, column_label) in enumerate(columns):
        x = label_width + j * cell_width + cell_width / 2
        column_labels.append(Label(x=x, y=header_height - 6, text=column_label))
    for i, (row_key, row_label) in enumerate(rows):
        y = header_height + i * cell_height
        row_labels.append(Label(x=label_width - 8, y=y + cell_height / 2 + FONT_SIZE * 0.35, text=row_label))
        for j, (column_key, _column_label) in enumerate(columns):
            figure = value(row_key, column_key)
            cells.append(
                HeatCell(
                    x=label_width + j * cell_width,
                    y=y,
                    width=cell_width,
                    height=cell_height,
                    level=level(figure),
                    text=number_format(figure, force_grouping=True),
                    href=href(row_key, column_key) if href else "",
                )
            )
    # Room on the right for the last column's slanted label.
    width = label_width + len(columns) * cell_width + header_height * 0.7
    return HeatMap(
        width=round(width),
        height=round(header_height + len(rows) * cell_height + 4),
        cells=cells,
        row_labels=row_labels,
        column_labels=column_labels,
    )


@dataclass
class Segment:
    x: float
    width: float
    css: str


@dataclass
class BarRow:
    y: float
    label: Label
    segments: list[Segment]
    value_label: Label


@dataclass
class BarChart:
    width: float
    height: float
    bar_height: float
    rows: list[BarRow]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)
    # Every bar is 0: the page says so rather than drawing bars of no length.
    empty: bool = False

    @property
    def body(self):
        parts = []
        for row in self.rows:
            parts.append(_text(row.label, "chart__label chart__label--end"))
            parts += [
                format_html(
                    '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"/>',
                    segment.css,
                    _f(segment.x),
                    _f(row.y),
                    _f(segment.width),
                    self.bar_height,
                )
                for segment in row.segments
            ]
            parts.append(_text(row.value_label))
        return mark_safe("".join(parts))


def bar_chart(bars, *, legend=(), plot_width=360, bar_height=20, gap=8) -> BarChart:
    """Horizontal bars. ``bars`` are ``(label, [(value, css class), …])``: a bar's segments are stacked; the bar's
    total is written after it."""
    label_width = max((_text_width(label) for label, _segments in bars), default=0) + 12
    highest = max((sum(value for value, _css in segments) for _label, segments in bars), default=0)
    largest = highest or 1
    rows = []
    for i, (label, segments) in enumerate(bars):
        y = i * (bar_height + gap)
        x = label_width
        drawn = []
        for value, css in segments:
            width = plot_width * value / largest
            drawn.append(Segment(x=x, width=round(width, 1), css=css))
            x += width
        total = sum(value for value, _css in segments)
        rows.append(
            BarRow(
                y=y,
                label=Label(x=label_width - 8, y=y + bar_height / 2 + FONT_SIZE * 0.35, text=label),
                segments=drawn,
                value_label=Label(
                    x=x + 6,
                    y=y + bar_height / 2 + FONT_SIZE * 0.35,
                    text=number_format(total, force_grouping=True),
                ),
            )
        )
    height = len(bars) * (bar_height + gap)
    return BarChart(
        width=round(label_width + plot_width + 80),
        height=max(round(height), bar_height),
        bar_height=bar_height,
        rows=rows,
        legend=list(legend),
        empty=highest == 0,
    )


# What tells the series of a line chart apart besides their colour (WCAG 1.4.1): a dash pattern (CSS classes
# ``line--pattern-N`` of static/css/insights.css) and a marker shape, by series order; the legend shows both.
MARKERS = ("circle", "square", "triangle")
PATTERNS = 3
MARKER_SIZE = 4.0


def marker(shape: str, x: float, y: float, css: str, size: float = MARKER_SIZE):
    """A hollow marker centred on (x, y): hollow, so that markers of series at the same value stay visible."""
    if shape == "square":
        return format_html(
            '<rect class="dot {}" x="{}" y="{}" width="{}" height="{}"/>',
            css,
            _f(x - size * 0.85),
            _f(y - size * 0.85),
            _f(size * 1.7),
            _f(size * 1.7),
        )
    if shape == "triangle":
        points = f"{x:.1f},{y - size * 1.1:.1f} {x + size:.1f},{y + size * 0.8:.1f} {x - size:.1f},{y + size * 0.8:.1f}"
        return format_html('<polygon class="dot {}" points="{}"/>', css, points)
    # The circle (the first series') is drawn first and is the largest: where series meet, its ring still shows
    # around the square and the triangle drawn over it.
    return format_html('<circle class="dot {}" cx="{}" cy="{}" r="{}"/>', css, _f(x), _f(y), _f(size * 1.35))


def integer_ticks(largest: int, *, most: int = 4) -> list[int]:
    """The y-axis ticks of counts up to ``largest``: distinct integers from 0, at most ``most`` intervals of
    1, 2 or 5 × 10ⁿ, the last one at or above ``largest`` (0 and 1 when everything is zero)."""
    largest = max(math.ceil(largest), 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(largest / step) <= most:
                return [step * i for i in range(math.ceil(largest / step) + 1)]
        magnitude *= 10


@dataclass
class Series:
    css: str
    label: str
    points: str  # "x,y x,y …" for a polyline
    dots: list[tuple[float, float]]
    pattern: str = "line--pattern-0"
    marker: str = "circle"

    @property
    def legend_sample(self):
        """A short stretch of the series' line with its marker, for the legend (decorative: the label is text)."""
        return format_html(
            '<svg class="legend__line" aria-hidden="true" focusable="false" viewBox="0 0 36 14" width="36" height="14"'
            ' xmlns="http://www.w3.org/2000/svg"><line class="line {} {}" x1="1" y1="7" x2="35" y2="7"/>{}</svg>',
            self.css,
            self.pattern,
            marker(self.marker, 18, 7, self.css),
        )


@dataclass
class LineChart:
    width: float
    height: float
    series: list[Series]
    x_labels: list[Label]
    y_labels: list[Label]
    plot_left: float
    plot_bottom: float
    plot_right: float
    # Every value is 0: the page says so rather than drawing flat lines.
    empty: bool = False

    @property
    def body(self):
        parts = [
            format_html(
                '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                self.plot_left,
                self.plot_bottom,
                self.plot_right,
                self.plot_bottom,
            )
        ]
        parts += [_text(label, "chart__label chart__label--end") for label in self.y_labels]
        parts += [_text(label, "chart__label chart__label--middle") for label in self.x_labels]
        for series in self.series:
            parts.append(
                format_html(
                    '<polyline class="line {} {}" points="{}"/>', series.css, series.pattern, series.points
                )
            )
        # Markers above every line, so that a line does not hide another series' markers.
        for series in self.series:
            parts += [marker(series.marker, x, y, series.css) for x, y in series.dots]
        return mark_safe("".join(parts))


def line_chart(x_labels, series, *, plot_width=560, plot_height=180) -> LineChart:
    """``x_labels`` in order; ``series`` are ``(css class, label, values)`` with one value per x label (counts:
    the y axis has integer ticks)."""
    left, top, bottom_room = 48, 10, 28
    highest = max((max(values, default=0) for _css, _label, values in series), default=0)
    ticks = integer_ticks(highest)
    scale_top = ticks[-1]
    count = len(x_labels)
    step = plot_width / (count - 1) if count > 1 else 0

    def point(i, value):
        return (round(left + i * step, 1), round(top + plot_height * (1 - value / scale_top), 1))

    drawn = []
    for index, (css, label, values) in enumerate(series):
        dots = [point(i, value) for i, value in enumerate(values)]
        drawn.append(
            Series(
                css=css,
                label=label,
                points=" ".join(f"{x},{y}" for x, y in dots),
                dots=dots,
                pattern=f"line--pattern-{index % PATTERNS}",
                marker=MARKERS[index % len(MARKERS)],
            )
        )
    # Every label that fits without overlapping its neighbours.
    widest = max((_text_width(text) for text in x_labels), default=0) + 8
    every = max(1, math.ceil(widest / step)) if step else 1
    labels = [
        Label(x=left + i * step, y=top + plot_height + 18, text=text)
        for i, text in enumerate(x_labels)
        if (count - 1 - i) % every == 0  # the latest month always labelled
    ]
    y_labels = [
        Label(
            x=left - 6,
            y=round(top + plot_height * (1 - tick / scale_top) + 4, 1),
            text=number_format(tick, force_grouping=True),
        )
        for tick in ticks
    ]
    # Room on the right for half the last label (centred on the last point; its real width varies with the font,
    # hence a margin) and for the markers.
    right_room = max(_text_width(labels[-1].text) / 2 if labels else 0, MARKER_SIZE) + 12
    return LineChart(
        width=round(left + plot_width + right_room),
        height=top + plot_height + bottom_room,
        series=drawn,
        x_labels=labels,
        y_labels=y_labels,
        plot_left=left,
        plot_bottom=top + plot_height,
        plot_right=left + plot_width,
        empty=highest == 0,
    )
