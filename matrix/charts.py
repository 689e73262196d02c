"""Charts: parse the editors' table of numbers and draw it as accessible SVG."""

import math
import textwrap
from dataclasses import dataclass

from django.template.loader import render_to_string

# Colour-blind-safe series colours (Okabe–Ito, darkened for contrast with white labels).
SERIES_COLOURS = [
    "#1d5a8a",
    "#c4622d",
    "#4f7f3a",
    "#7a4a8c",
    "#8a6d1d",
    "#2d7f7f",
    "#a33b5c",
    "#4a4a4a",
]
MAX_GROUPS = 50
MAX_VALUE = 1_000_000_000
MAX_LABEL = 100
LABEL_WIDTH, BAR_AREA, BAR_HEIGHT, BAR_GAP, GROUP_GAP = 190, 330, 20, 4, 16
# The narrow drawing (phones): about as wide in its units as it is shown in pixels, each
# group's label above its bars, wrapped; see ``.chart-svg-narrow`` in site.css.
NARROW_WIDTH, NARROW_BAR_AREA, NARROW_LINE, NARROW_LABEL_CHARS = 340, 240, 18, 40


# What an editor types where the source gives no figure for a bar: the bar's group is kept and
# drawn with "no figure" instead of being dropped, and the chart says which bars lack one.
UNKNOWN = {"", "?", "-", "–", "—", "n/a", "na", "not given"}
NO_FIGURE = "no figure"


class ChartDataError(ValueError):
    pass


@dataclass
class ChartData:
    series: list
    groups: list  # [(label, [values])]

    @property
    def maximum(self):
        known = (v for _, values in self.groups for v in values if v is not None)
        return max(known, default=0) or 1

    @property
    def missing(self):
        """[(group label, [series names])] of the bars with no figure."""
        gaps = []
        for label, values in self.groups:
            names = [n for n, v in zip(self.series, values, strict=True) if v is None]
            if names:
                gaps.append((label, names))
        return gaps


def _number(cell, number, line):
    if cell.lower() in UNKNOWN:
        return None
    try:
        value = float(cell)
    except ValueError:
        raise ChartDataError(
            f"Line {number} ({line!r}) has a value that is not a number: {cell!r}."
        ) from None
    if not math.isfinite(value):
        raise ChartDataError(f"Line {number} ({line!r}) has {cell!r}: give a finite number.")
    if value < 0:
        raise ChartDataError(f"Line {number} ({line!r}) has a negative value.")
    if value > MAX_VALUE:
        raise ChartDataError(
            f"Line {number} ({line!r}) has {cell}, more than the largest value a chart can "
            f"draw ({MAX_VALUE:,}); change the unit (thousands, millions)."
        )
    return value


def parse_data(text):
    """Parse ``label, series…`` then ``group label, values…`` lines; errors name the line."""
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    if len(lines) < 2:
        raise ChartDataError(
            "Give a header line (label, series names) and at least one line of numbers."
        )
    if len(lines) - 1 > MAX_GROUPS:
        raise ChartDataError(
            f"A chart can show at most {MAX_GROUPS} groups of bars; this one has "
            f"{len(lines) - 1}. Split it into several charts."
        )
    header = [cell.strip() for cell in lines[0].split(",")]
    if header[0].lower() != "label" or len(header) < 2 or not all(header[1:]):
        raise ChartDataError('The first line must be "label" followed by the series names.')
    series = header[1:]
    if len(series) > len(SERIES_COLOURS):
        raise ChartDataError(
            f"A chart can show at most {len(SERIES_COLOURS)} series; this one has {len(series)}."
        )
    groups = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) != len(series) + 1 or not cells[0]:
            raise ChartDataError(
                f"Line {number} ({line!r}) needs a label and {len(series)} value(s)."
            )
        if len(cells[0]) > MAX_LABEL:
            raise ChartDataError(
                f"Line {number}: the label is {len(cells[0])} characters; keep it to {MAX_LABEL}."
            )
        groups.append((cells[0], [_number(cell, number, line) for cell in cells[1:]]))
    for name in series:
        if len(name) > MAX_LABEL:
            raise ChartDataError(f"The series name {name[:40]!r}… is over {MAX_LABEL} characters.")
    return ChartData(series=series, groups=groups)


def format_value(value, unit):
    if value is None:
        return NO_FIGURE
    number = f"{value:g}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()


def draw(chart):
    """The chart's figure: SVG bars with a text alternative, caption, source and table.

    The source is named only while readers may see it: a chart drawn from a draft says
    nothing of it.
    """
    data = parse_data(chart.data)
    bars, labels, y = [], [], 8
    for label, values in data.groups:
        group_top = y
        for index, value in enumerate(values):
            width = 0 if value is None else round(BAR_AREA * value / data.maximum, 1)
            bars.append(
                {
                    "x": LABEL_WIDTH,
                    "y": y,
                    "width": width,
                    "height": BAR_HEIGHT,
                    "colour": SERIES_COLOURS[index],
                    "text_x": LABEL_WIDTH + width + 6,
                    "text_y": y + BAR_HEIGHT - 6,
                    "value": format_value(value, chart.unit),
                    "missing": value is None,
                }
            )
            y += BAR_HEIGHT + BAR_GAP
        labels.append({"text": label, "y": (group_top + y - BAR_GAP) / 2 + 4})
        y += GROUP_GAP
    narrow_bars, narrow_labels, narrow_y = _narrow(data, chart.unit)
    summary = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{name} {format_value(v, chart.unit)}"
            for name, v in zip(data.series, values, strict=True)
        )
        for label, values in data.groups
    )
    source = chart.source if chart.source_id and chart.source.is_public else None
    return render_to_string(
        "matrix/includes/chart.html",
        {
            "chart": chart,
            "source": source,
            "data": data,
            "bars": bars,
            "labels": labels,
            "height": y,
            "narrow_bars": narrow_bars,
            "narrow_labels": narrow_labels,
            "narrow_height": narrow_y,
            "narrow_width": NARROW_WIDTH,
            "width": LABEL_WIDTH + BAR_AREA + 60,
            "label_x": LABEL_WIDTH - 8,
            "legend": [
                {"name": name, "colour": SERIES_COLOURS[i]} for i, name in enumerate(data.series)
            ],
            "rows": [
                (label, [format_value(v, chart.unit) for v in values])
                for label, values in data.groups
            ],
            "summary": summary,
            "missing": [
                f"{label} ({', '.join(names)})" if len(names) < len(data.series) else label
                for label, names in data.missing
            ],
        },
    ).strip()


def _narrow(data, unit):
    """Bars and labels of the narrow drawing: each label's lines, then its bars below."""
    bars, labels, y = [], [], 4
    for label, values in data.groups:
        lines = textwrap.wrap(label, NARROW_LABEL_CHARS) or [label]
        labels.append(
            {"lines": [(line, y + NARROW_LINE * (i + 1) - 4) for i, line in enumerate(lines)]}
        )
        y += NARROW_LINE * len(lines) + 4
        for index, value in enumerate(values):
            width = 0 if value is None else round(NARROW_BAR_AREA * value / data.maximum, 1)
            bars.append(
                {
                    "y": y,
                    "width": width,
                    "colour": SERIES_COLOURS[index],
                    "text_x": width + 6,
                    "text_y": y + BAR_HEIGHT - 5,
                    "value": format_value(value, unit),
                    "missing": value is None,
                }
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return bars, labels, y


def drawn_charts(slugs):
    """{slug: drawn html} for the charts a text places, in one query."""
    from .models import Chart

    return dict(Chart.objects.filter(slug__in=slugs).values_list("slug", "html"))
