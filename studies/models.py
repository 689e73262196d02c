"""The bank: studies, reviews, guidance and the site's own analyses."""

import re
from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from taggit.managers import TaggableManager

from editorial.left_out import left_out
from editorial.places import places
from editorial.visibility import VisibleQuerySet, Workflow
from markup.models import MarkupOwner


class DocumentQuerySet(VisibleQuerySet):
    def latest_additions(self, user, count=6):
        return self.visible_to(user).order_by("-first_published", "-pk")[:count]

    def document_page(self, user, slug):
        """The document page: the document with its authors, sections, featured studies
        (those the user may see), translations and subjects, and where it appears (asked of
        the apps that show documents). Raises Document.DoesNotExist."""
        document = (
            self.visible_to(user)
            .prefetch_related(
                Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk")),
                Prefetch("sections", queryset=DocumentSection.objects.order_by("order", "pk")),
                Prefetch(
                    "featured_links",
                    queryset=FeaturedStudy.objects.filter(
                        study__in=Document.objects.visible_to(user)
                    )
                    .select_related("study")
                    .order_by("position", "pk"),
                ),
                "translations",
                "tags",
            )
            .get(slug=slug)
        )
        return DocumentPage(
            document=document,
            authors=document.author_names(),
            featured=[link.study for link in document.featured_links.all()],
            appearances=places(document, user, readers_pages_only=True),
        )

    def for_pickers(self, words, limit=12):
        """Documents an editor may mean by ``words`` (title, slug, author or DOI), with what
        ``picker_label`` shows, in one query."""
        condition = Q()
        for word in words.split():
            condition &= (
                Q(title__icontains=word)
                | Q(slug__icontains=word)
                | Q(doi__icontains=word)
                | Q(authorships__name__istartswith=word)
            )
        matches = self.filter(condition).values("pk")
        return (
            self.filter(pk__in=matches)
            .prefetch_related(
                Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position"))
            )
            .order_by("-year", "title")[:limit]
        )


@dataclass
class DocumentPage:
    document: "Document"
    authors: list
    featured: list
    appearances: list


class Document(Workflow, MarkupOwner):
    class Kind(models.TextChoices):
        STUDY = "study", "Study"
        REVIEW = "review", "Review"
        GUIDANCE = "guidance", "Guidance"
        ANALYSIS = "analysis", "Analysis"

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Leave empty: it is made from the first author, the year and the title.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=400)
    title_key = models.CharField(
        max_length=400, blank=True, editable=False, db_index=True,
        help_text="The title normalised, to find the same document twice.",
    )  # fmt: skip
    authors_et_al = models.BooleanField("author list is cut short (et al.)", default=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(
        "publication date",
        null=True,
        blank=True,
        help_text="The full date of publication when the record gives one.",
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="Journal, publisher or issuing body."
    )
    jurisdiction = models.CharField(
        max_length=40, blank=True, help_text='For guidance: "UK", "US", "Scotland"…'
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    free_url = models.URLField("free source URL", max_length=500, blank=True)
    affiliations = models.TextField(blank=True)
    standfirst = models.TextField(blank=True, help_text="Summary shown first (markup).")
    standfirst_html = models.TextField(blank=True, editable=False)
    key_points = models.TextField(blank=True, help_text="Markup, usually a bulleted list.")
    key_points_html = models.TextField(blank=True, editable=False)
    abstract = models.TextField(
        blank=True,
        help_text="Markup. Structured abstracts: paragraphs starting **Background** etc.",
    )
    abstract_html = models.TextField(blank=True, editable=False)
    commentary = models.TextField(blank=True)
    commentary_html = models.TextField(blank=True, editable=False)
    first_published = models.DateField(
        "added to the bank", null=True, blank=True, help_text="Set when it is first published."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    tags = TaggableManager(blank=True)
    # The tag links themselves, so a document's history keeps and restores its subjects.
    tagged_items = GenericRelation("taggit.TaggedItem", related_query_name="document")
    featured = models.ManyToManyField(
        "self", through="FeaturedStudy", symmetrical=False, related_name="featured_in", blank=True
    )

    markup_fields = ("standfirst", "key_points", "abstract", "commentary")
    first_public_field = "first_published"
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["-first_published"])]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        from .citations import normalise_doi, normalise_title

        self.title_key = normalise_title(self.title)
        self.doi = normalise_doi(self.doi or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.address(self.slug)

    @staticmethod
    def address(slug):
        return reverse("studies:document", args=[slug])

    def left_out_for_readers(self):
        """What the preview of this document would not show readers, and why."""
        hidden = self.featured_links.exclude(Document.public_q("study__")).select_related("study")
        names = [f"“{link.study.title}”" for link in hidden.order_by("position", "pk")]
        return left_out(
            names, ("featured study", "featured studies"), ("it is a draft", "they are drafts")
        )

    def markup_page(self):
        return f"doc:{self.slug}"

    def is_page(self):
        return True

    @property
    def picker_label(self):
        """How pickers name it, so two documents with one title can be told apart."""
        authors = [a.name for a in self.authorships.all()]
        who = (
            authors[0] + (" et al." if len(authors) > 1 or self.authors_et_al else "")
            if authors
            else self.source
        )
        parts = [self.title, ", ".join(filter(None, [who, str(self.year or "")]))]
        if self.doi:
            parts.append(f"doi:{self.doi}")
        return " · ".join(p for p in parts if p)

    @property
    def issuer(self):
        """Issuing body with its jurisdiction, as guidance is cited: "[UK] NICE"."""
        if self.jurisdiction:
            return f"[{self.jurisdiction}] {self.source}"
        return self.source

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    def author_names(self):
        names = [a.name for a in self.authorships.all()]
        if self.authors_et_al:
            names.append("et al.")
        return names

    @property
    def short_citation(self):
        """Authors (or issuing body) and year, for charts and lists."""
        names = [a.name for a in self.authorships.all()]
        who = (
            names[0] + (" et al." if len(names) > 2 or self.authors_et_al else "") if names else ""
        )
        if len(names) == 2 and not self.authors_et_al:
            who = f"{names[0]} and {names[1]}"
        who = who or self.issuer or self.title
        return f"{who} {self.year}" if self.year else who


class DocumentAuthor(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="authorships")
    name = models.CharField(max_length=120, help_text='As cited: "Humphreys K."')
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["document", "position", "pk"]
        verbose_name = "author"

    def __str__(self):
        return self.name


class DocumentSection(MarkupOwner):
    """A section of an analysis (Findings, In context, Practice implications…)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(max_length=80)
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    order = models.PositiveSmallIntegerField(default=0)

    markup_fields = ("body",)

    class Meta:
        ordering = ["document", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "anchor"], name="unique_section_anchor")
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    def markup_page(self):
        return self.document.markup_page()

    def own_anchors(self):
        return [self.anchor] if self.anchor else []


class FeaturedStudy(models.Model):
    """A study an analysis features, numbered in order."""

    analysis = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="featured_links")
    study = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["analysis", "position", "pk"]
        verbose_name_plural = "featured studies"
        constraints = [
            models.UniqueConstraint(fields=["analysis", "study"], name="unique_featured_study")
        ]

    def __str__(self):
        return str(self.study)


STRUCTURED_LABEL_RE = re.compile(r"^\*\*(?P<label>[^*]+)\*\*\s*")


class AbstractTranslation(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=20, help_text='Language code, e.g. "zh-hans", "es".')
    text = models.TextField()

    class Meta:
        ordering = ["document", "language"]
        constraints = [
            models.UniqueConstraint(fields=["document", "language"], name="unique_translation")
        ]

    def __str__(self):
        return f"{self.document.slug} [{self.language}]"

    @property
    def language_name(self):
        from django.utils.translation import get_language_info

        try:
            return get_language_info(self.language)["name"]
        except KeyError:
            return self.language

    @property
    def paragraphs(self):
        """(label, text) per paragraph: "**Background** ..." in a structured abstract gives
        its label, shown in bold as in the original abstract (not as literal asterisks)."""
        paragraphs = []
        for line in self.text.split("\n"):
            line = line.strip()
            if line:
                m = STRUCTURED_LABEL_RE.match(line)
                paragraphs.append((m["label"], line[m.end() :]) if m else ("", line))
        return paragraphs
