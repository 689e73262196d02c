"""The "what changed" record: new publications and marked revisions, for readers.

One row per change readers may hear about: a document or cell published, a marked revision
with the editor's note, a withdrawal, a change in the certainty of a cell's evidence (with the
levels it went from and to, and why). Feeds and update bulletins read it; its own
``visible_to`` applies the one visibility rule twice over: the change must have been public
when it was made, and what it concerns must still be visible now.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from .visibility import Publishable, sees_unpublished


class ChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if sees_unpublished(user):
            return self.all()
        condition = Q(pk__in=[])
        for content_type in ContentType.objects.filter(
            pk__in=self.values("content_type").distinct()
        ):
            model = content_type.model_class()
            if model is None:
                continue
            visible = model._default_manager.all()
            if issubclass(model, Publishable):
                visible = visible.filter(model.public_q())
            condition |= Q(content_type=content_type, object_id__in=visible.values("pk"))
        return self.filter(condition, public=True)

    def since(self, moment):
        return self.filter(at__gt=moment)

    def about(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Change(models.Model):
    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        REVISED = "revised", "Revised"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CERTAINTY = "certainty", "Certainty changed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=400, help_text="What changed, named as readers know it.")
    url = models.CharField(max_length=500, blank=True, help_text="Where it is on the site.")
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="A marked revision's note for readers; never an editor's note for the history.",
    )
    was = models.CharField(
        max_length=40, blank=True, help_text="A certainty change: the level before, in words."
    )
    now = models.CharField(
        max_length=40, blank=True, help_text="A certainty change: the level after, in words."
    )
    bite = models.BooleanField(
        default=False, help_text="The change is to a cell's Matrix Bite (its essay)."
    )
    at = models.DateTimeField(db_index=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    public = models.BooleanField(
        default=True, help_text="Whether readers could see it once the change was made."
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def headline(self):
        """The change in one line, as bulletins and feeds name it."""
        if self.kind == self.Kind.CERTAINTY:
            return (
                f"Certainty of the evidence in {self.title} changed from {self.was.lower()} "
                f"to {self.now.lower()}"
            )
        return self.title
