"""How the apps add to the layers below them: one convention, discovered in one place.

Each app that adds something to a lower layer (a reference kind to the markup, a refresher
to the write path, an export format, a search facet, an email, a place) does it in its own
``hooks.py`` module. :class:`HooksConfig` imports every app's ``hooks.py`` once, when Django
starts (``autodiscover_modules``, as the admin finds ``admin.py`` and wagtail finds
``wagtail_hooks.py``), so there is one place to look for what an app registers.

A registry is a :class:`Registry`: ordered, keyed by name, with ``temporarily()`` for tests.
The typed registries live with the layer that reads them (``markup.registry``,
``editorial.refreshers``, ``citations.exporting.formats``, ``search.facets``...).
"""

from contextlib import contextmanager


class Registry:
    """Things registered by name, in the order they were registered.

    ``name_of`` gives an item's name (its ``name`` attribute by default). Registering a
    second item under a name already taken is a mistake, and says so, unless ``replace``.
    """

    def __init__(self, what, name_of=None):
        self.what = what
        self._name_of = name_of or (lambda item: item.name)
        self._items = {}

    def register(self, item, *, replace=False):
        name = self._name_of(item)
        if name in self._items and not replace:
            raise ValueError(f"{self.what} {name!r} is already registered")
        self._items[name] = item
        return item

    def unregister(self, name):
        del self._items[name]

    @contextmanager
    def temporarily(self, item):
        """Register ``item`` for the length of a ``with`` block (tests)."""
        name = self._name_of(item)
        before = self._items.get(name)
        self.register(item, replace=True)
        try:
            yield item
        finally:
            if before is None:
                self._items.pop(name, None)
            else:
                self._items[name] = before

    def get(self, name, default=None):
        return self._items.get(name, default)

    def __getitem__(self, name):
        return self._items[name]

    def __contains__(self, name):
        return name in self._items

    def __iter__(self):
        return iter(list(self._items.values()))

    def __len__(self):
        return len(self._items)

    def names(self):
        return list(self._items)
