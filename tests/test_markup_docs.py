"""docs/markup.md is the editors' guide: every example in it must work on the demo content."""

import re
from pathlib import Path

import pytest

from matrix.models import BiteSection
from tests.factories import get_cell

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "markup.md"
BLOCKS = re.findall(r"```text\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
# Links written out in full (the syntax column's SLUG/MATRIX/CODE placeholders are not).
EXAMPLES = [
    link
    for link in re.findall(r"`(\[[^`]*\]\((?:doc|cell|topic|matrix):[^`]*\))`", GUIDE.read_text())
    if not re.search(r"SLUG|MATRIX|CODE", link)
]

pytestmark = pytest.mark.django_db


def errors_for(text, e4):
    if "[[chart:" in text:
        # E4 places the guide's chart already; a page may show a chart once.
        e4 = get_cell("alcohol", "E3")
    section = BiteSection(cell=e4, kind="issue", heading="Guide example", anchor="guide", body=text)
    return section.render_markup().errors


def test_the_guide_has_examples():
    assert len(BLOCKS) >= 8
    assert len(EXAMPLES) >= 7


@pytest.mark.parametrize("block", BLOCKS[1:], ids=lambda b: b.split("\n")[0][:40])
def test_every_example_block_renders_without_errors(block, e4):
    if block.startswith("label,"):
        return  # chart numbers, checked by the chart parser below
    # The passage names used in the guide's example about passages are its own.
    assert errors_for(block, e4) == {}


@pytest.mark.parametrize("link", EXAMPLES)
def test_every_example_link_resolves(link, e4):
    assert errors_for(link, e4) == {}


def test_the_guide_chart_numbers_parse():
    from matrix.charts import parse_data

    table = next(block for block in BLOCKS if block.startswith("label,"))
    data = parse_data(table)
    assert data.series == ["Intensive referral", "Standard referral"]
    assert data.groups[1] == ("Abstinent", [51.0, 41.0])
