"""Messages from readers to the editors: comments, queries and suggested documents."""

from django.db import models


class EditorMessageQuerySet(models.QuerySet):
    def unhandled(self):
        return self.filter(handled=False).select_related(
            "cell__matrix", "cell__column", "cell__row", "document"
        )


class EditorMessage(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment or query"
        SUGGESTION = "suggestion", "Suggested document"
        CONSULTATION = "consultation", "Consultation response"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    cell = models.ForeignKey(
        "matrix.Cell", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    document = models.ForeignKey(
        "studies.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    message = models.TextField()
    suggested_title = models.CharField(
        "title of the suggested document", max_length=400, blank=True
    )
    suggested_reference = models.CharField(
        "where to find it (DOI, URL or citation)", max_length=500, blank=True
    )
    received = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(default=False)

    objects = EditorMessageQuerySet.as_manager()

    class Meta:
        ordering = ["handled", "-received"]

    def __str__(self):
        about = self.cell or self.document or "the site"
        return f"{self.get_kind_display()} from {self.name} about {about}"
