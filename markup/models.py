"""Stored markup: the registries of anchors and links, and the mixin for models with texts."""

import contextvars

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from . import references
from .render import render

# Anchors that are about to exist (e.g. bite sections submitted in the same admin form).
pending_anchors = contextvars.ContextVar("pending_anchors", default=frozenset())


class Anchor(models.Model):
    """A named place on a page (``cell:alcohol/E4`` + ``about``) that links may point to."""

    page = models.CharField(max_length=200, db_index=True)
    name = models.CharField(max_length=80)
    source = models.CharField(max_length=100, db_index=True, help_text="What defines it.")

    class Meta:
        indexes = [models.Index(fields=["page", "name"])]

    def __str__(self):
        return f"{self.page}#{self.name}"


class Link(models.Model):
    """A link a text makes to a page, passage or chart, so that removing the target can be
    refused while something still links to it."""

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


def describe_links(links):
    return [f"“{link.target}” is linked from {link.label}" for link in links]


class MarkupOwner(models.Model):
    """A model with markup fields ``x`` rendered on save into ``x_html``.

    Subclasses list ``markup_fields`` and say which page they appear on (``markup_page``).
    """

    markup_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        rendered = self.render_markup()
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.sync_registry(rendered)

    def markup_page(self):
        raise NotImplementedError

    def own_anchors(self):
        """Anchors this object defines besides the passages in its texts."""
        return []

    def anchor_source(self):
        return f"{self._meta.label_lower}:{self.pk}"

    def link_label(self):
        return f"{self._meta.verbose_name} “{self}” ({self.markup_page()})"

    def is_page(self):
        """Whether this object is the page its texts are on (a document, cell, topic…)."""
        return False

    def link_targets(self):
        """What links elsewhere may point at and would lose if this object were deleted."""
        if self.is_page():
            page = self.markup_page()
            names = Anchor.objects.filter(page=page).values_list("name", flat=True)
            return [page] + [f"{page}#{name}" for name in names]
        anchors = Anchor.objects.filter(source=self.anchor_source())
        return [f"{a.page}#{a.name}" for a in anchors]

    def links_in_the_way(self):
        """Links from other texts that deleting this object would break."""
        if self.is_page():
            return links_into(self.link_targets(), exclude_page=self.markup_page())
        return links_into(self.link_targets(), exclude_sources=[self.anchor_source()])

    def dropped_anchor_errors(self, rendered):
        """Anchors this object defined, is about to stop defining, and other texts link to."""
        if not self.pk:
            return []
        page = self.markup_page()
        keeps = set(self.own_anchors())
        for r in rendered.values():
            keeps.update(r.anchors)
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

    def render_markup(self):
        page = self.markup_page()
        rendered = {name: render(getattr(self, name), page) for name in self.markup_fields}
        charts = {slug for r in rendered.values() for slug in r.charts}
        if charts:
            from matrix.charts import place_charts

            for r in rendered.values():
                r.html = place_charts(r.html, charts)
        for name, r in rendered.items():
            setattr(self, f"{name}_html", r.html)
        return rendered

    def markup_errors(self, rendered):
        """Errors per field for broken markup and references that do not resolve."""
        page = self.markup_page()
        defined = set(self.own_anchors())
        for r in rendered.values():
            defined.update(r.anchors)
        pending = pending_anchors.get()
        wanted_refs, wanted_anchors = [], set()
        for r in rendered.values():
            for ref in r.references:
                wanted_refs.append(ref)
                if ref.anchor and not (ref.page == page and ref.anchor in defined):
                    wanted_anchors.add((ref.page, ref.anchor))
            wanted_refs.extend(references.Reference("chart", slug) for slug in r.charts)
            wanted_anchors.update((page, name) for name in r.local_anchors if name not in defined)
        wanted_anchors = {a for a in wanted_anchors if a not in pending}
        found = references.existing_keys(
            wanted_refs, wanted_anchors, exclude_source=self.anchor_source() if self.pk else None
        )
        errors = {}
        for name, r in rendered.items():
            messages = list(r.errors)
            for ref in r.references + [references.Reference("chart", s) for s in r.charts]:
                if ref.page not in found:
                    messages.append(f"Broken link '{ref}': there is no {ref.describe()}.")
                elif (
                    ref.anchor
                    and (ref.page, ref.anchor) in wanted_anchors
                    and (f"{ref.page}#{ref.anchor}" not in found)
                ):
                    messages.append(
                        f"Broken link '{ref}': there is no passage '{ref.anchor}' on the "
                        f"page of {ref.describe()}."
                    )
            for anchor in r.local_anchors:
                if (page, anchor) in wanted_anchors and f"{page}#{anchor}" not in found:
                    messages.append(
                        f"Broken link '#{anchor}': there is no passage '{anchor}' on this page."
                    )
            if messages:
                errors[name] = list(dict.fromkeys(messages))
        return errors

    def clean(self):
        super().clean()
        rendered = self.render_markup()
        errors = self.markup_errors(rendered)
        dropped = self.dropped_anchor_errors(rendered)
        if dropped:
            errors[NON_FIELD_ERRORS] = dropped
        if errors:
            raise ValidationError(errors)

    def sync_registry(self, rendered):
        """Record the anchors this object defines and the links its texts make."""
        source = self.anchor_source()
        page = self.markup_page()
        names = list(
            dict.fromkeys(self.own_anchors() + [a for r in rendered.values() for a in r.anchors])
        )
        Anchor.objects.filter(source=source).delete()
        Anchor.objects.bulk_create(Anchor(page=page, name=n, source=source) for n in names)
        targets = set()
        for r in rendered.values():
            targets.update(str(ref) for ref in r.references)
            targets.update(f"{page}#{name}" for name in r.local_anchors)
            targets.update(f"chart:{slug}" for slug in r.charts)
        label = self.link_label()[:300]
        Link.objects.filter(source=source).delete()
        Link.objects.bulk_create(
            Link(source=source, page=page, label=label, target=t) for t in sorted(targets)
        )
