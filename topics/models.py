"""Hot topics: short essays that gather the bank's documents on a live question."""

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse

from markup.models import MarkupOwner


class HotTopicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def search(self, query):
        """Published topics whose title or standfirst mentions the query."""
        return self.published().filter(Q(title__icontains=query) | Q(standfirst__icontains=query))

    def for_topic_page(self):
        from studies.models import Document

        return self.published().prefetch_related(
            Prefetch(
                "topic_documents",
                queryset=TopicDocument.objects.filter(document__in=Document.objects.published())
                .select_related("document")
                .order_by("position", "pk"),
            )
        )


class HotTopic(MarkupOwner):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    standfirst = models.TextField(blank=True)
    standfirst_html = models.TextField(blank=True, editable=False)
    essay = models.TextField(blank=True)
    essay_html = models.TextField(blank=True, editable=False)
    search_query = models.CharField(
        max_length=200, help_text="What the GO button searches the bank for."
    )
    documents = models.ManyToManyField(
        "studies.Document", through="TopicDocument", related_name="hot_topics", blank=True
    )
    published = models.BooleanField(default=True)
    last_revised = models.DateField(null=True, blank=True)

    markup_fields = ("standfirst", "essay")
    objects = HotTopicQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topics:topic", args=[self.slug])

    def markup_page(self):
        return f"topic:{self.slug}"

    def is_page(self):
        return True


class TopicDocument(models.Model):
    topic = models.ForeignKey(HotTopic, on_delete=models.CASCADE, related_name="topic_documents")
    document = models.ForeignKey("studies.Document", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["topic", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "document"], name="unique_topic_document")
        ]

    def __str__(self):
        return str(self.document)
