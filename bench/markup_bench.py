"""Markup rendering against text size: realistic texts and hostile shapes (make bench).

A text is rendered and validated as the admin does it (``full_clean`` of a bite section),
at 50, 100 and 200 KB. Linear means each doubling of the text doubles the time: a doubling's
ratio is time / time at half the size, and should stay near 2. Python-Markdown's stock
processors are timed side by side on the same texts at 8 KB (at 50 KB some take hours).

Each shape is timed in ``BENCH_MARKUP_ROUNDS`` rounds (5), the sizes in alternating order
round by round and ours alternating with stock, so each ratio is taken within one round;
printed: the median time, and the median of each round's ratio with its min and max.
"""

import os
import re
import statistics
import time
from pathlib import Path
from unittest import mock

import yaml

from markup.render import _render

SIZES = (50_000, 100_000, 200_000)
ROUNDS = max(3, int(os.environ.get("BENCH_MARKUP_ROUNDS", "5")))
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


def spread(ratios):
    return f"{statistics.median(ratios):5.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


def run():
    from matrix.models import BiteSection, Cell

    cell = Cell.objects.with_labels().by_key("alcohol", "E3")
    section = BiteSection(cell=cell, kind="about", anchor="bench")
    print(
        f"\nMarkup: render and validate one text; median ms of {ROUNDS} rounds, and each "
        "doubling's ratio (time / time at half the size) as the median of the rounds' "
        "ratios (min–max)"
    )
    print(
        f"{'text':22} {'50 KB':>6} {'100 KB':>7} {'200 KB':>7} {'50→100 KB':>18} "
        f"{'100→200 KB':>18} {'8 KB':>6} {'stock':>7} {'ours/stock':>18}"
    )
    shapes = {"realistic (E4 texts)": realistic_source() + "\n\n"} | HOSTILE
    for name, unit in shapes.items():
        texts = {size: sized(unit, size) for size in SIZES}
        small = sized(unit, STOCK_SIZE)
        times = {size: [] for size in SIZES}
        first, second, ours, theirs, versus = [], [], [], [], []
        for round_ in range(ROUNDS):
            order = SIZES if round_ % 2 == 0 else tuple(reversed(SIZES))
            took = {size: time_clean(section, texts[size]) * 1000 for size in order}
            for size in SIZES:
                times[size].append(took[size])
            first.append(took[SIZES[1]] / took[SIZES[0]])
            second.append(took[SIZES[2]] / took[SIZES[1]])
            if round_ % 2 == 0:
                a = time_clean(section, small) * 1000
                b = stock(section, small) * 1000
            else:
                b = stock(section, small) * 1000
                a = time_clean(section, small) * 1000
            ours.append(a)
            theirs.append(b)
            versus.append(a / b)
        median = {size: statistics.median(times[size]) for size in SIZES}
        print(
            f"{name:22} {median[SIZES[0]]:6.0f} {median[SIZES[1]]:7.0f} {median[SIZES[2]]:7.0f} "
            f"{spread(first):>18} {spread(second):>18} {statistics.median(ours):6.0f} "
            f"{statistics.median(theirs):7.0f} {spread(versus):>18}",
            flush=True,
        )
