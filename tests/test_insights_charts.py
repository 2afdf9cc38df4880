"""The dashboard's SVG line charts: integer y-axis ticks, room for the last x label, series told apart by more
than their colour (dash pattern, marker, legend)."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from insights import charts

SVG = "{http://www.w3.org/2000/svg}"


def _elements(chart):
    return ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{chart.body}</svg>')


def _months_2026():
    with translation.override("fr"):
        return [date_format(date(2026, month, 1), "M Y") for month in range(1, 13)]


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (5, [0, 2, 4, 6]),
        (10, [0, 5, 10]),
        (17, [0, 5, 10, 15, 20]),
        (1_234, [0, 500, 1_000, 1_500]),
    ],
)
def test_integer_ticks_are_round_steps_from_zero_to_the_maximum_or_above(largest, ticks):
    assert charts.integer_ticks(largest) == ticks


def test_integer_ticks_are_always_distinct_integers_covering_the_maximum():
    for largest in range(0, 3_000):
        ticks = charts.integer_ticks(largest)
        assert all(isinstance(tick, int) for tick in ticks)
        assert ticks[0] == 0 and ticks[-1] >= largest and ticks == sorted(set(ticks))
        assert 2 <= len(ticks) <= 5


def test_a_small_maximum_never_gives_two_labels_of_the_same_value():
    # The adoption chart with one list in one month: the middle label used to read 0 (0, 0, 1).
    chart = charts.line_chart(_months_2026(), [("series--lists", "Listes", [0] * 11 + [1])])
    texts = [label.text for label in chart.y_labels]
    assert texts == ["0", "1"]
    assert len({label.y for label in chart.y_labels}) == len(texts)


def test_the_last_month_label_fits_inside_the_chart():
    chart = charts.line_chart(_months_2026(), [("series--lists", "Listes", list(range(12)))])
    last = chart.x_labels[-1]
    assert last.text == "Déc 2026"
    # Centred on the last point (text-anchor: middle): half of its width lies right of x.
    assert last.x + charts._text_width(last.text) / 2 <= chart.width
    labels = [e for e in _elements(chart).iter(f"{SVG}text") if "chart__label--middle" in e.get("class")]
    assert labels[-1].text == "Déc 2026"
    assert float(labels[-1].get("x")) + charts._text_width(labels[-1].text) / 2 <= chart.width


def test_each_series_has_its_own_dash_pattern_and_marker_shown_in_the_legend():
    series = [
        ("series--lists", "Listes", [1] * 12),
        ("series--exports", "Exportations", [1] * 12),  # the same values: the lines lie on each other
        ("series--records", "Fiches", [1] * 12),
    ]
    chart = charts.line_chart(_months_2026(), series)
    svg = _elements(chart)
    lines = svg.findall(f"{SVG}polyline")
    patterns = [
        next(c for c in line.get("class").split() if c.startswith("line--pattern-")) for line in lines
    ]
    assert len(set(patterns)) == 3
    shapes = {
        css: {e.tag for e in svg if css in (e.get("class") or "").split() and "dot" in e.get("class")}
        for css, _l, _v in series
    }
    assert shapes == {
        "series--lists": {f"{SVG}circle"},
        "series--exports": {f"{SVG}rect"},
        "series--records": {f"{SVG}polygon"},
    }
    html = render_to_string(
        "insights/_line_chart.html",
        {"chart": chart, "chart_id": "test", "title": "Titre", "table_caption": "Tableau"},
    )
    legend = ET.fromstring(
        html[html.index("<figcaption>") : html.index("</figcaption>") + len("</figcaption>")]
    )
    items = legend.findall(".//li")
    assert ["".join(item.itertext()).strip() for item in items] == ["Listes", "Exportations", "Fiches"]
    for item, pattern, tag in zip(items, patterns, ["circle", "rect", "polygon"], strict=True):
        sample = item.find(f"{SVG}svg")
        assert sample.get("aria-hidden") == "true"
        assert pattern in sample.find(f"{SVG}line").get("class").split()
        assert sample.find(f"{SVG}{tag}") is not None


@pytest.mark.parametrize("template", ["insights/_bar_chart.html", "insights/_line_chart.html"])
@pytest.mark.parametrize("values", [[0, 0, 0], [0, 2, 0]])
def test_a_chart_of_zeros_says_there_is_nothing_to_draw_instead_of_drawing_it(template, values):
    if template.endswith("_bar_chart.html"):
        chart = charts.bar_chart([(f"Région {i}", [(value, "bar--found")]) for i, value in enumerate(values)])
    else:
        chart = charts.line_chart(["jan.", "fév.", "mars"], [("series--thin", "Minces", values)])
    with translation.override("fr"):
        html = render_to_string(
            template, {"chart": chart, "chart_id": "essai", "title": "Recherches", "table_caption": "Tableau"}
        )
    if any(values):
        assert "<svg" in html and "rien à tracer" not in html
    else:
        assert "<svg" not in html
        assert "« Recherches » : rien à tracer pour l'instant" in html
