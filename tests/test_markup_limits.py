"""The linear processors give exactly the stock processors' output; limits say what they are."""

from unittest import mock

import pytest
from django.apps import apps

from markup.models import MarkupOwner
from markup.render import _render, render

pytestmark = pytest.mark.django_db

SHAPES = [
    "*a* " * 300,
    '[x](https://example.org) and [y](doc:some-document "a note") ' * 100,
    "[x]^[n] " * 200,
    "[" * 500 + "x",
    "[x](" * 300,
    "[outer [inner] text](https://example.org) [a [b [c]] d](#here)",
    "[ref link][r] and [short ref]\n\n[r]: https://example.org\n[short ref]: https://e.org",
    "- item *one*\n- item [two](#x)\n    - nested `code` item\n" * 40,
    '> quoted [link](https://e.org "t")\n> > deeper *em*\n\n' * 20,
    "Text with **strong**, _under_, `code`, and a <tag> & ampersand.\n\n" * 30,
    '[link (with parens)](https://e.org/a_(b)) [t](https://e.org "title (x)")',
]


def stock_render(text, page):
    with mock.patch("markup.extensions.make_linear", lambda md: None):
        _render.cache_clear()
        try:
            return render(text, page)
        finally:
            _render.cache_clear()


@pytest.mark.parametrize("text", SHAPES, ids=lambda t: t[:20])
def test_linear_processors_give_the_stock_output(text):
    _render.cache_clear()
    ours = render(text, "doc:some-document")
    theirs = stock_render(text, "doc:some-document")
    assert ours.html == theirs.html
    assert ours.errors == theirs.errors


def test_every_demo_text_renders_as_the_stock_processors_render_it(demo):
    checked = 0
    for model in apps.get_models():
        if not issubclass(model, MarkupOwner):
            continue
        for owner in model.objects.all():
            for name in owner.markup_fields:
                text = getattr(owner, name)
                if not text:
                    continue
                _render.cache_clear()
                assert render(text, owner.markup_key()).html == (
                    stock_render(text, owner.markup_key()).html
                ), f"{owner} {name}"
                checked += 1
    assert checked > 80


def test_a_text_over_the_size_limit_is_not_rendered(settings):
    settings.MARKUP_MAX_BYTES = 1_000
    rendered = render("word " * 400)
    assert rendered.html == ""
    assert rendered.errors == [
        "This text is 2.0 KB; the limit is 1.0 KB. Split it, or move part of it to a "
        "document of its own."
    ]
