"""Stored markup: the anchor registry and the mixin every model with long texts uses."""

import contextvars

from django.core.exceptions import ValidationError
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
            self.sync_anchors(rendered)

    def markup_page(self):
        raise NotImplementedError

    def own_anchors(self):
        """Anchors this object defines besides the passages in its texts."""
        return []

    def anchor_source(self):
        return f"{self._meta.label_lower}:{self.pk}"

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
        errors = self.markup_errors(self.render_markup())
        if errors:
            raise ValidationError(errors)

    def sync_anchors(self, rendered=None):
        rendered = rendered if rendered is not None else self.render_markup()
        source = self.anchor_source()
        page = self.markup_page()
        names = list(
            dict.fromkeys(self.own_anchors() + [a for r in rendered.values() for a in r.anchors])
        )
        Anchor.objects.filter(source=source).delete()
        Anchor.objects.bulk_create(Anchor(page=page, name=n, source=source) for n in names)
