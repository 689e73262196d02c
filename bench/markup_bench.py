"""Markup rendering against text size: realistic texts and hostile shapes (make bench).

A text is rendered and validated as the admin does it (``full_clean`` of a bite section),
at 50, 100 and 200 KB. Linear means each doubling of the text doubles the time: the ratio
column is time / time at half the size, and should stay near 2. Python-Markdown's stock
processors are timed side by side on the same texts at 8 KB (at 50 KB some take hours).
"""

import re
import time
from pathlib import Path
from unittest import mock

import yaml

from markup.render import _render

SIZES = (50_000, 100_000, 200_000)
STOCK_SIZE = 8_000
HOSTILE = {
    "dense emphasis": "*a* ",
    "dense links": "[x](https://example.org) ",
    "dense notes": "[x]^[n] ",
    "unclosed brackets": "[",
    "unclosed links": "[x](",
    "long list": "- item\n",
    "nested quotes": "> ",
}


def realistic_source():
    """E4's annotations and bite sections, passage names removed so repeats do not clash."""
    path = Path(__file__).resolve().parent.parent / "fixtures" / "cells" / "alcohol-E4.yaml"
    cell = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = [e.get("annotation") or "" for e in cell["entries"]] + [b["body"] for b in cell["bite"]]
    texts = [re.sub(r"\s*\{#[^}]+\}|\[\[chart:[^\]]+\]\]", "", t) for t in texts]
    return "\n\n".join(texts)


def sized(unit, size):
    text = (unit * (size // len(unit) + 1))[:size]
    return text[: text.rfind("\n\n")] if "\n\n" in text else text


def time_clean(section, text):
    section.body = text
    _render.cache_clear()
    start = time.perf_counter()
    try:
        section.full_clean()
    except Exception:  # noqa: BLE001 - hostile texts may carry markup errors; we time them
        pass
    return time.perf_counter() - start


def stock(section, text):
    """The same, with Python-Markdown's own processors."""
    with mock.patch("markup.extensions.make_linear", lambda md: None):
        return time_clean(section, text)


def run():
    from matrix.models import BiteSection, Cell

    cell = Cell.objects.with_labels().by_key("alcohol", "E3")
    section = BiteSection(cell=cell, kind="about", anchor="bench")
    print("\nMarkup: render and validate one text (ms); ratio = time / time at half the size")
    print(
        f"{'text':22} {'50 KB':>7} {'100 KB':>7} {'ratio':>6} {'200 KB':>7} {'ratio':>6}"
        f" {'8 KB':>6} {'stock 8 KB':>11} {'ours/stock':>11}"
    )
    shapes = {"realistic (E4 texts)": realistic_source() + "\n\n"} | HOSTILE
    for name, unit in shapes.items():
        times = [time_clean(section, sized(unit, size)) * 1000 for size in SIZES]
        small = sized(unit, STOCK_SIZE)
        ours, theirs = time_clean(section, small) * 1000, stock(section, small) * 1000
        print(
            f"{name:22} {times[0]:7.0f} {times[1]:7.0f} {times[1] / times[0]:6.2f} "
            f"{times[2]:7.0f} {times[2] / times[1]:6.2f} {ours:6.0f} {theirs:11.0f} "
            f"{ours / theirs:11.2f}"
        )
