"""The one rule for what readers may see.

Every model that readers can be kept from seeing says, once, which of its rows are public
(``public_q``), and its QuerySet answers ``visible_to(user)``. Every screen, feed, search,
email and API answer asks through it; nothing else decides.
"""

from django.db import models
from django.db.models import Q


def sees_unpublished(user):
    """Staff see everything (drafts and unpublished cells carry a marker); readers do not."""
    return bool(user is not None and user.is_active and user.is_staff)


class VisibleQuerySet(models.QuerySet):
    """A QuerySet for a model with a classmethod ``public_q(prefix="")``."""

    def public(self):
        return self.filter(self.model.public_q())

    def visible_to(self, user):
        return self.all() if sees_unpublished(user) else self.public()


def prefixed(prefix, **lookups):
    """``Q(**lookups)`` with every lookup reached through ``prefix`` (``"document__"``)."""
    return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})


class Publishable(models.Model):
    """A model readers can be kept from seeing.

    Subclasses say which rows are public (``public_q``, a Q usable through a relation with
    ``prefix``) and whether this one is (``is_public``). A write that changes it is a
    publication or a withdrawal to the refreshers (``editorial.refreshers.Write``).
    """

    visibility_fields = ()  # the fields ``is_public`` reads

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Whether readers saw it as last written: the next write compares with it
        # (``editorial.refreshers.publicity``).
        self._public_when_loaded = self.is_public

    @classmethod
    def public_q(cls, prefix=""):
        raise NotImplementedError

    @property
    def is_public(self):
        raise NotImplementedError

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        if all(name in field_names for name in cls.visibility_fields):
            instance._public_when_loaded = instance.is_public
        return instance


class Workflow(Publishable):
    """Draft → consultation draft → published, and back to draft when withdrawn.

    Consultation drafts are public: readers are asked to comment before a date. An editor may
    set a time at which a draft publishes itself (``editorial.tasks.publish_due``). "Last
    revised" moves only when an editor marks a change as one readers should know about, with a
    note saying what changed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Consultation draft"
        PUBLISHED = "published", "Published"

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        help_text="Leave empty to publish by hand. Set a time and it publishes itself then.",
    )
    consultation_closes = models.DateField(
        null=True, blank=True, help_text="For a consultation draft: the last day for comments."
    )
    last_revised = models.DateField(
        null=True, blank=True, help_text="Moves when a change is marked as a revision."
    )
    revision_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the last marked revision changed, as readers see it.",
    )

    visibility_fields = ("status",)
    first_public_field = None  # the date field set when it is first made public

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from django.utils import timezone

        from .tasks import schedule_publication

        if self.is_public and self.first_public_field:
            if not getattr(self, self.first_public_field):
                setattr(self, self.first_public_field, timezone.localdate())
        if self.status == self.Status.PUBLISHED:
            self.publish_at = None  # nothing left to schedule
        super().save(*args, **kwargs)
        if self.publish_at and self.publish_at != getattr(self, "_publish_at_when_loaded", None):
            schedule_publication(self.publish_at)
        self._publish_at_when_loaded = self.publish_at

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        if "publish_at" in field_names:
            instance._publish_at_when_loaded = instance.publish_at
        return instance

    @property
    def is_scheduled(self):
        return bool(self.publish_at) and self.status != self.Status.PUBLISHED

    @classmethod
    def public_q(cls, prefix=""):
        # Consultation drafts are public: readers are asked to comment on them.
        return ~prefixed(prefix, status=cls.Status.DRAFT)

    @property
    def is_public(self):
        return self.status_is_public(self.status)

    @classmethod
    def status_is_public(cls, status):
        """The rule of ``public_q`` for a status already in hand (a search index's copy)."""
        return status != cls.Status.DRAFT

    @property
    def is_consultation_draft(self):
        return self.status == self.Status.CONSULTATION

    @property
    def consultation_open(self):
        from django.utils import timezone

        closes = self.consultation_closes
        return self.is_consultation_draft and (closes is None or closes >= timezone.localdate())
