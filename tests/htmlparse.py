"""A tiny HTML tree for assertions (standard library only): find elements, attributes, text."""

from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []  # Nodes and strings

    def __getitem__(self, name):
        return self.attrs[name]

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def has_class(self, name):
        return name in (self.attrs.get("class") or "").split()

    @property
    def text(self):
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return "".join(parts)

    @property
    def clean_text(self):
        return " ".join(self.text.split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, class_=None, **attrs):
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if class_ and not node.has_class(class_):
                continue
            if any(node.attrs.get(name.rstrip("_")) != value for name, value in attrs.items()):
                continue
            found.append(node)
        return found

    def find(self, tag=None, class_=None, **attrs):
        found = self.find_all(tag, class_, **attrs)
        assert found, f"no <{tag or '*'}> with class={class_!r} {attrs} in the page"
        return found[0]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: ("" if value is None else value) for name, value in attrs})
        node.parent = self.current
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    if not isinstance(html, str):
        html = html.decode()
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(response):
    """The parsed body of a test-client response."""
    return parse(response.content.decode())


def ids(html_or_tree):
    tree = parse(html_or_tree) if isinstance(html_or_tree, str | bytes) else html_or_tree
    return [node.attrs["id"] for node in tree.iter() if "id" in node.attrs]
