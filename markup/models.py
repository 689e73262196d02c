"""Stored markup: the registries of anchors and links, and the mixin for models with texts."""

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Q

import hooks

from .render import render_texts, size_error
from .texts import normalise_text_fields

# Who is told when an object's texts are rendered again and stored with an update (which
# sends no signal): the write path registers its listener (editorial/hooks.py), so the
# pages showing the texts are dropped. ``listener(owner)``.
rendered_again = hooks.Registry(
    "listener to texts rendered again", name_of=lambda f: f"{f.__module__}.{f.__qualname__}"
)


class Anchor(models.Model):
    """A named place on a page (``cell:alcohol/E4`` + ``about``) that links may point to."""

    page = models.CharField(max_length=200, db_index=True)
    name = models.CharField(max_length=80)
    source = models.CharField(max_length=100, db_index=True, help_text="What defines it.")
    label = models.CharField(max_length=300, blank=True, help_text="What defines it, named.")
    public = models.BooleanField(
        default=True, help_text="Whether readers see what defines it (an entry of a draft no)."
    )

    class Meta:
        indexes = [models.Index(fields=["page", "name"])]

    def __str__(self):
        return f"{self.page}#{self.name}"


class Link(models.Model):
    """A link a text makes to a page, passage or chart, so that removing the target can be
    refused while something still links to it, and hiding it re-renders the text."""

    source = models.CharField(max_length=100, db_index=True, help_text="The linking text.")
    page = models.CharField(max_length=200, help_text="Where the linking text is shown.")
    label = models.CharField(max_length=300, help_text="The linking text, named for editors.")
    target = models.CharField(max_length=300, db_index=True)

    def __str__(self):
        return f"{self.label} → {self.target}"


def links_into(targets, *, exclude_sources=(), exclude_page=None):
    """Links from elsewhere into any of ``targets`` (keys like ``doc:slug``, ``cell:…#x``)."""
    links = Link.objects.filter(target__in=set(targets)).exclude(source__in=exclude_sources)
    if exclude_page:
        links = links.exclude(page=exclude_page)
    return links.order_by("label", "target")


def links_into_page(page):
    """Links to a page or to any anchor on it."""
    return Link.objects.filter(Q(target=page) | Q(target__startswith=f"{page}#"))


def describe_links(links):
    return [f"“{link.target}” is linked from {link.label}" for link in links]


def owner_of(source):
    """The object a registry ``source`` key (``matrix.cellentry:12``) names, or None."""
    label, _, pk = source.rpartition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model._default_manager.filter(pk=pk).first()


def refresh_texts(sources):
    """Re-render the texts of each registry source (after something they show changed);
    return the objects whose texts were."""
    owners = []
    for source in sorted(set(sources)):
        owner = owner_of(source)
        if owner is not None:
            owner.refresh_markup()
            owners.append(owner)
    return owners


class MarkupOwner(models.Model):
    """A model with markup fields ``x`` rendered on save into ``x_html``.

    Subclasses list ``markup_fields`` and say which page they appear on (``markup_key``).
    """

    markup_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        normalise_text_fields(self)  # rendered as it is stored
        texts = self._texts_for_save()
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.sync_registry(texts)

    def refresh_markup(self):
        """Render the texts again and store only the HTML: what they show has changed (a
        target was hidden or published, a chart was redrawn); the text itself has not."""
        texts = self.render_markup()
        html = {f"{name}_html": texts.html[name] for name in self.markup_fields}
        with transaction.atomic():
            type(self)._default_manager.filter(pk=self.pk).update(**html)
            self.sync_registry(texts)
        for listener in rendered_again:
            listener(self)
        return texts

    def markup_key(self):
        """The key of the page its texts are on: ``cell:alcohol/E4``, ``doc:slug``."""
        raise NotImplementedError

    def own_anchors(self):
        """Anchors this object defines besides the passages in its texts."""
        return []

    def anchors_public(self):
        """Whether readers see what this object defines (an entry of a draft: no)."""
        return True

    def anchor_source(self):
        return f"{self._meta.label_lower}:{self.pk}"

    def link_label(self):
        return f"{self._meta.verbose_name} “{self}” ({self.markup_key()})"

    def is_page(self):
        """Whether this object is the page its texts are on (a document, cell, topic…)."""
        return False

    def link_targets(self):
        """What links elsewhere may point at and would lose if this object were deleted."""
        if self.is_page():
            page = self.markup_key()
            names = Anchor.objects.filter(page=page).values_list("name", flat=True)
            return [page] + [f"{page}#{name}" for name in names]
        anchors = Anchor.objects.filter(source=self.anchor_source())
        return [f"{a.page}#{a.name}" for a in anchors]

    def links_in_the_way(self):
        """Links from other texts that deleting this object would break."""
        if self.is_page():
            return links_into(self.link_targets(), exclude_page=self.markup_key())
        return links_into(self.link_targets(), exclude_sources=[self.anchor_source()])

    def deletion_problems(self):
        """Why deleting this would break other texts (for restoring an older revision)."""
        return [
            f"{link}, and {self._meta.verbose_name} “{self}” would go."
            for link in describe_links(self.links_in_the_way())
        ]

    def restore_problems(self):
        """Why this object, as restored, would break links (its own or others')."""
        texts = self.render_markup()
        problems = [
            f"{self._meta.verbose_name} “{self}”: {message}"
            for messages in texts.errors.values()
            for message in messages
        ]
        return problems + self.dropped_anchor_errors(texts)

    def after_restore(self):
        self.refresh_markup()

    def dropped_anchor_errors(self, texts):
        """Anchors this object defined, is about to stop defining, and other texts link to."""
        if not self.pk:
            return []
        page = self.markup_key()
        keeps = set(texts.anchors)
        dropped = [
            f"{a_page}#{name}"
            for a_page, name in Anchor.objects.filter(source=self.anchor_source()).values_list(
                "page", "name"
            )
            if a_page != page or name not in keeps
        ]
        if not dropped:
            return []
        links = links_into(dropped, exclude_sources=[self.anchor_source()])
        return [f"{m}; change that link first." for m in describe_links(links)]

    def _sources(self):
        return {name: getattr(self, name) for name in self.markup_fields}

    def render_markup(self, pending=frozenset()):
        """Render every text, settle its references in one query, and set ``x_html``.
        ``pending``: (key, name) of anchors about to exist (bite sections submitted in the
        same form), which links may already point to."""
        texts = render_texts(
            self._sources(),
            self.markup_key(),
            source=self.anchor_source() if self.pk else None,
            own_anchors=self.own_anchors(),
            pending=pending,
        )
        for name in self.markup_fields:
            setattr(self, f"{name}_html", texts.html[name])
        self._rendered = (self._render_key(), texts)
        return texts

    def _render_key(self):
        return (self.pk, self.markup_key(), tuple(self.own_anchors()), *self._sources().values())

    def _texts_for_save(self):
        # clean() has just rendered the same texts (the admin validates before saving).
        cached = getattr(self, "_rendered", None)
        if cached and cached[0] == self._render_key():
            return cached[1]
        return self.render_markup(pending=getattr(self, "pending_anchors", frozenset()))

    def render_in_memory(self):
        """Set ``x_html`` as a save would store it, writing nothing (the admin's preview):
        the texts normalised and rendered with the anchors the form submits with them
        (``pending_anchors``), reusing what ``clean()`` rendered if they are unchanged since.
        A text too big to render keeps the HTML it had (its form says why)."""
        normalise_text_fields(self)
        if not any(size_error(getattr(self, name)) for name in self.markup_fields):
            self._texts_for_save()

    def clean(self):
        super().clean()
        # The admin's forms hand over the anchors submitted with them (markup.admin).
        self.validate_markup(pending=getattr(self, "pending_anchors", frozenset()))

    def validate_markup(self, pending=frozenset()):
        """Step 1 of the write path: render the texts; raise ValidationError if a text is too
        big, names a missing target, or would break a link elsewhere."""
        normalise_text_fields(self)
        errors = {}
        for name in self.markup_fields:
            problem = size_error(getattr(self, name))
            if problem:
                errors[name] = [problem]
        if errors:
            # Too big to render in reasonable time; say so before trying.
            raise ValidationError(errors)
        texts = self.render_markup(pending=pending)
        errors = dict(texts.errors)
        problems = self.dropped_anchor_errors(texts)
        for name in self.own_anchors():
            if name in texts.taken:
                problems.append(
                    f"The name '{name}' is already used on this page by {texts.taken[name]}; "
                    "choose another."
                )
        if problems:
            errors[NON_FIELD_ERRORS] = problems
        if errors:
            raise ValidationError(errors)

    def sync_registry(self, texts):
        """Record the anchors this object defines and the links its texts make; re-render
        the texts linking to anchors it stopped defining or whose visibility changed."""
        source = self.anchor_source()
        page = self.markup_key()
        public = self.anchors_public()
        label = self.link_label()[:300]
        before = dict(Anchor.objects.filter(source=source).values_list("name", "public").order_by())
        Anchor.objects.filter(source=source).delete()
        Anchor.objects.bulk_create(
            Anchor(page=page, name=name, source=source, label=label, public=public)
            for name in texts.anchors
        )
        Link.objects.filter(source=source).delete()
        Link.objects.bulk_create(
            Link(source=source, page=page, label=label, target=target)
            for target in sorted(texts.targets)
        )
        changed = [n for n, was in before.items() if was != public and n in texts.anchors]
        if changed:
            targets = [f"{page}#{name}" for name in changed]
            refresh_texts(
                links_into(targets, exclude_sources=[source]).values_list("source", flat=True)
            )
