"""Where a thing is shown: asked of the apps that show it.

A document does not know which cells, topics or charts cite it; those apps register a
provider for it here, in their ``hooks.py``. The document page asks the providers
that readers' pages use ("Where it appears"); the admin asks all of them before a document or
cell is hidden, to tell the editor every place that will stop showing it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    kind: str  # "cell", "hot topic", "featured in", "chart", "linked from"…
    title: str
    url: str = ""
    roles: tuple = ()
    headline: str = ""
    public: bool = True
    extra: dict = field(default_factory=dict, compare=False, hash=False)


_providers = []  # (model label or "*", provider, listed on readers' pages)


def register(model_label, provider, *, on_readers_pages=False):
    """``provider(obj, user)`` returns the Places where ``obj`` is shown to ``user``
    (``None`` means an anonymous reader)."""
    _providers.append((model_label, provider, on_readers_pages))


def places(obj, user=None, *, readers_pages_only=False):
    label = obj._meta.label_lower
    found = []
    for model_label, provider, on_readers_pages in _providers:
        if model_label not in (label, "*"):
            continue
        if readers_pages_only and not on_readers_pages:
            continue
        found.extend(provider(obj, user))
    return found
