"""Hot topics: short essays that gather the bank's documents on a live question."""

from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse

from editorial.left_out import left_out
from editorial.visibility import Publishable, VisibleQuerySet, prefixed
from markup.models import MarkupOwner
from studies.models import Document


class HotTopicQuerySet(VisibleQuerySet):
    def topic_list(self, user):
        return self.visible_to(user).order_by("title")

    def topic_page(self, user, slug, unsaved=None):
        """A topic with the documents on it that ``user`` may see. Raises DoesNotExist.
        ``unsaved``: a topic held in memory with its rows as this query reads them
        (``editorial.preview``), drawn in place of the stored one."""
        topic = unsaved or (
            self.visible_to(user)
            .prefetch_related(
                Prefetch(
                    "topic_documents",
                    queryset=TopicDocument.objects.filter(
                        document__in=Document.objects.visible_to(user)
                    )
                    .select_related("document")
                    .order_by("position", "pk"),
                )
            )
            .get(slug=slug)
        )
        return TopicPage(
            topic=topic, documents=[link.document for link in topic.topic_documents.all()]
        )


@dataclass
class TopicPage:
    topic: "HotTopic"
    documents: list


class HotTopic(Publishable, MarkupOwner):
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
    visibility_fields = ("published",)
    objects = HotTopicQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topics:topic", args=[self.slug])

    @classmethod
    def public_q(cls, prefix=""):
        return prefixed(prefix, published=True)

    @property
    def is_public(self):
        return self.published

    def left_out_for_readers(self):
        """What the preview of this topic would not list for readers, and why: read from the
        documents it holds in memory, in their order (``editorial.preview``)."""
        hidden = [link.document for link in self.topic_documents.all()]
        names = [f"“{document.title}”" for document in hidden if not document.is_public]
        return left_out(names, ("document", "documents"), ("it is a draft", "they are drafts"))

    def markup_key(self):
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
