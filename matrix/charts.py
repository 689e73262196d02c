"""Charts: parse the editors' table of numbers and draw it as accessible SVG."""

import re
from dataclasses import dataclass

from django.apps import apps
from django.template.loader import render_to_string

from markup.models import MarkupOwner

PLACEHOLDER_RE = re.compile(r"<p>\[\[chart:(?P<slug>[a-z0-9-]+)\]\]</p>")
SERIES_COLOURS = ["#1d5a8a", "#c4622d", "#4f7f3a", "#7a4a8c"]
LABEL_WIDTH, BAR_AREA, BAR_HEIGHT, BAR_GAP, GROUP_GAP = 190, 330, 20, 4, 16


class ChartDataError(ValueError):
    pass


@dataclass
class ChartData:
    series: list
    groups: list  # [(label, [values])]

    @property
    def maximum(self):
        return max((v for _, values in self.groups for v in values), default=0) or 1


def parse_data(text):
    """Parse ``label, series…`` then ``group label, values…`` lines; errors name the line."""
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    if len(lines) < 2:
        raise ChartDataError(
            "Give a header line (label, series names) and at least one line of numbers."
        )
    header = [cell.strip() for cell in lines[0].split(",")]
    if header[0].lower() != "label" or len(header) < 2 or not all(header[1:]):
        raise ChartDataError('The first line must be "label" followed by the series names.')
    series = header[1:]
    if len(series) > len(SERIES_COLOURS):
        raise ChartDataError(f"A chart can show at most {len(SERIES_COLOURS)} series.")
    groups = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) != len(series) + 1 or not cells[0]:
            raise ChartDataError(
                f"Line {number} ({line!r}) needs a label and {len(series)} value(s)."
            )
        try:
            values = [float(cell) for cell in cells[1:]]
        except ValueError:
            raise ChartDataError(
                f"Line {number} ({line!r}) has a value that is not a number."
            ) from None
        if any(v < 0 for v in values):
            raise ChartDataError(f"Line {number} ({line!r}) has a negative value.")
        groups.append((cells[0], values))
    return ChartData(series=series, groups=groups)


def format_value(value, unit):
    number = f"{value:g}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()


def draw(chart):
    """The chart's figure: SVG bars with a text alternative, caption, source and table."""
    data = parse_data(chart.data)
    bars, labels, y = [], [], 8
    for label, values in data.groups:
        group_top = y
        for index, value in enumerate(values):
            width = round(BAR_AREA * value / data.maximum, 1)
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
                }
            )
            y += BAR_HEIGHT + BAR_GAP
        labels.append({"text": label, "y": (group_top + y - BAR_GAP) / 2 + 4})
        y += GROUP_GAP
    summary = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{name} {format_value(v, chart.unit)}"
            for name, v in zip(data.series, values, strict=True)
        )
        for label, values in data.groups
    )
    return render_to_string(
        "matrix/includes/chart.html",
        {
            "chart": chart,
            "data": data,
            "bars": bars,
            "labels": labels,
            "height": y,
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
        },
    ).strip()


def place_charts(html, slugs):
    """Put each chart's drawn figure where the text placed it."""
    Chart = apps.get_model("matrix", "Chart")
    drawn = dict(Chart.objects.filter(slug__in=slugs).values_list("slug", "html"))
    return PLACEHOLDER_RE.sub(lambda m: drawn.get(m["slug"], m.group(0)), html)


def refresh_texts_showing(chart):
    """Re-render every text that places this chart, so it shows the new numbers."""
    marker = f"[[chart:{chart.slug}]]"
    for model in apps.get_models():
        if not issubclass(model, MarkupOwner):
            continue
        for field in model.markup_fields:
            for owner in model.objects.filter(**{f"{field}__contains": marker}):
                owner.save()
