"""The bank: studies, reviews, guidance and the site's own analyses."""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils.dateformat import format as format_date
from django.utils.text import smart_split, unescape_string_literal
from taggit.managers import TaggableManager

from citations.dates import PartialDate
from editorial.left_out import left_out
from editorial.places import places
from editorial.visibility import VisibleQuerySet, Workflow
from markup.models import MarkupOwner
from ops.addresses import address

from .appraisal import (  # noqa: F401 (the appraisal's models are the bank's)
    Country,
    Design,
    EffectDirection,
    EffectMeasure,
    Population,
    RiskOfBias,
    Setting,
)


class DocumentQuerySet(VisibleQuerySet):
    def latest_additions(self, user, count=6):
        return self.visible_to(user).order_by("-first_published", "-pk")[:count]

    def newest_changes(self, user, count=50):
        """The documents feed: ``count`` documents newest first by when they were added to
        the bank or last revised (the later of the two; without either, the day the row was
        made), each with ``changed``.

        Sorting the whole bank on that computed date grew with the bank (150 ms at 100,000
        documents). A document's date is one of its own two, and one placed in the first
        ``count`` by it is placed there by that date alone (any document before it by that
        date is before it overall), so the first ``count`` by each date, read from its
        index, hold them all."""
        visible = self.visible_to(user)
        firsts = [
            visible.filter(last_revised__isnull=False).order_by("-last_revised", "-pk"),
            visible.filter(first_published__isnull=False).order_by("-first_published", "-pk"),
            visible.filter(last_revised__isnull=True, first_published__isnull=True).order_by(
                "-created", "-pk"
            ),
        ]
        candidates = set()
        for ordered in firsts:
            candidates.update(ordered.values_list("pk", flat=True)[:count])
        changed = Coalesce(
            Greatest("last_revised", "first_published"), "first_published", "last_revised",
            F("created__date"),
        )  # fmt: skip
        return (
            self.filter(pk__in=candidates)
            .annotate(changed=changed)
            .prefetch_related(
                Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk"))
            )
            .order_by("-changed", "-pk")[:count]
        )

    def document_page(self, user, slug, unsaved=None):
        """The document page: the document with its authors, sections, featured studies
        (those the user may see), translations, subjects and appraisal (countries, settings,
        populations, effect measures), and where it appears (asked of the apps that show
        documents). Raises Document.DoesNotExist. ``unsaved``: a document held in memory with
        its rows as this query reads them (``editorial.preview``), drawn in place of the
        stored one."""
        document = unsaved or (
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
                    .prefetch_related(
                        Prefetch(
                            "study__authorships",
                            queryset=DocumentAuthor.objects.order_by("position", "pk"),
                        )
                    )
                    .order_by("position", "pk"),
                ),
                "translations",
                "tags",
                # The appraisal: where, in what settings, for whom, and its effects.
                "countries",
                "care_settings",
                "populations",
                "effect_measures",
            )
            .get(slug=slug)
        )
        return DocumentPage(
            document=document,
            authors=document.author_names(),
            featured=[link.study for link in document.featured_links.all()],
            appearances=places(document, user, readers_pages_only=True),
        )

    def matching(self, search):
        """The editors' search (the document list and the document picker): every word of
        ``search`` in the title, DOI, source or an author's name, or typed whole as the
        slug, PMID or accession number. A document comes once however many of its authors
        match, so no DISTINCT is needed."""
        queryset = self
        for word in smart_split(search):
            if word[0] in "\"'" and word[0] == word[-1]:
                word = unescape_string_literal(word)  # "a quoted phrase", as Django's admin
            if word.strip():
                queryset = queryset.filter(self._word_condition(word))
        return queryset

    # A word more documents than this match is found by reading the list in its order (the
    # first page's matches come soon); a rarer one from the trigram indexes (on PostgreSQL;
    # migration 0009_admin_indexes).
    COMMON_WORD = 2000

    def _word_condition(self, word):
        in_documents = (
            Q(title__icontains=word)
            | Q(doi__icontains=word)
            | Q(source__icontains=word)
            | Q(slug=word.lower())
            | Q(pmid=word)
            | Q(accession_number=word)
        )
        if len(word) < 3:
            # Too short for a trigram, and a "contains" would match most names: an author
            # whose cited name starts with it ("Li X.", "Wu Y.").
            by_author = Q(name__istartswith=f"{word} ")
        else:
            by_author = Q(name__icontains=word) | Q(given__icontains=word)
        authors = DocumentAuthor.objects.filter(by_author)
        connection = connections[self.db]
        if connection.vendor == "postgresql" and len(word) >= 3:
            documents = Document.objects.filter(in_documents).values("pk")
            by_authors = authors.values("document_id")
            if not self._common(connection, documents, by_authors):
                # Rare: the ids from the indexes, each document read once.
                return Q(pk__in=documents.union(by_authors, all=True))
        # Common (or no trigram indexes): each document in the list's order is tested,
        # authors through EXISTS, until the page is full.
        return in_documents | Exists(authors.filter(document=OuterRef("pk")))

    def _common(self, connection, *branches):
        """Whether one of ``branches`` (querysets) has more than COMMON_WORD rows: at most
        that many read from each."""
        parts, params = [], []
        for branch in branches:
            sql, branch_params = branch.order_by()[: self.COMMON_WORD + 1].query.sql_with_params()
            parts.append(f"(SELECT count(*) FROM ({sql}) AS branch)")
            params.extend(branch_params)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT GREATEST({', '.join(parts)})", params)
            return cursor.fetchone()[0] > self.COMMON_WORD

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
                | Q(authorships__given__istartswith=word)
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


class PartialDateField(models.CharField):
    """A date only as precise as its source, stored as ISO 8601 at that precision: "2002",
    "2002-03" or "2002-03-15". Editors may type it in any form the importers read ("March
    2002", "2002/3/15"); it is stored in the ISO form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_default", "")
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        from citations.dates import DateProblem, parse_date

        value = super().to_python(value)
        if not value or not value.strip():
            return ""
        try:
            found = parse_date(value)
        except DateProblem as problem:
            raise ValidationError(
                f"{problem}. Write the date only as precisely as the source gives it: "
                "2002, 2002-03 or 2002-03-15.",
                code="invalid",
            ) from None
        return found.iso if found else ""


@dataclass(frozen=True)
class DateLine:
    """A date as a page shows it: its label, ISO form for <time datetime>, and its words."""

    label: str
    iso: str
    text: str


def date_words(partial):
    """ "15 March 2002", "March 2002" or "2002": only as precise as the date is."""
    if partial.precision == "year":
        return str(partial.year)
    day = datetime.date(partial.year, partial.month, partial.day or 1)
    return format_date(day, "j F Y" if partial.precision == "day" else "F Y")


class Notice(models.TextChoices):
    """A publisher's notice about a document, most serious first (the one shown)."""

    RETRACTION = "retraction", "Retracted"
    WITHDRAWAL = "withdrawal", "Withdrawn by its publisher"
    CONCERN = "expression_of_concern", "Expression of concern"
    CORRECTION = "correction", "Corrected"


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
    issued = PartialDateField(
        "publication date",
        help_text="Of the issue it appeared in (or of the report), only as precise as the "
        "source: 2002, 2002-03 or 2002-03-15. Its year is the year above.",
    )
    published_online = PartialDateField(
        "published online",
        help_text="When it first appeared online (an e-publication date), as precise as the "
        "source gives it.",
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
    # A publisher's notice (found by the literature watch, or typed by an editor): shown to
    # readers on the document and wherever it is listed in a cell.
    notice = models.CharField(
        max_length=30,
        blank=True,
        choices=Notice.choices,
        db_default="",
        default="",
        help_text="A retraction, withdrawal, expression of concern or correction.",
    )
    notice_doi = models.CharField(
        "notice DOI", max_length=255, blank=True, db_default="", default=""
    )
    notice_date = models.CharField(
        max_length=10, blank=True, db_default="", default="", help_text="As precise as given."
    )
    notice_source = models.CharField(
        max_length=40,
        blank=True,
        db_default="",
        default="",
        help_text="Who reported it: Crossref, Retraction Watch (through Crossref), OpenAlex.",
    )
    notice_found_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,  # the dashboard's notices of the month, at any size of bank
        help_text="When the literature watch found it.",
    )
    # db_default: rows written without these columns (the release before, raw SQL) are valid.
    accession_number = models.CharField(
        max_length=60,
        blank=True,
        db_default="",
        default="",
        help_text="The record's number in the database named next.",
    )
    accession_database = models.CharField(
        max_length=100,
        blank=True,
        db_default="",
        default="",
        help_text='Where the accession number is from: "APA PsycInfo".',
    )
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

    # The appraisal: what kind of evidence it is, how big, where, for whom, with what effect
    # and how far to trust it. Every field is optional: empty where the source does not say.
    design = models.CharField(
        max_length=32, choices=Design.choices, blank=True, db_default="", default=""
    )
    participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many took part (for a study)."
    )
    studies_included = models.PositiveIntegerField(
        "studies", null=True, blank=True, help_text="For a review: how many studies it includes."
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="documents",
        help_text="Where it was done (for guidance: where it applies). England, Scotland, "
        "Wales and Northern Ireland are parts of the United Kingdom.",
    )
    care_settings = models.ManyToManyField(
        Setting, blank=True, related_name="documents", verbose_name="settings"
    )
    populations = models.ManyToManyField(Population, blank=True, related_name="documents")
    substances = models.CharField(max_length=200, blank=True, db_default="", default="")
    comparison = models.CharField(
        max_length=300, blank=True, db_default="", default="", help_text="Compared with what."
    )
    follow_up = models.CharField(
        "follow-up", max_length=100, blank=True, db_default="", default="",
        help_text='How long after treatment outcomes were last measured: "12 months".',
    )  # fmt: skip
    outcomes = models.TextField(
        "outcomes measured", blank=True, db_default="", default="", help_text="One per line."
    )
    effect_direction = models.CharField(
        max_length=24, choices=EffectDirection.choices, blank=True, db_default="", default=""
    )
    risk_of_bias = models.CharField(
        max_length=16, choices=RiskOfBias.choices, blank=True, db_default="", default=""
    )
    risk_of_bias_note = models.TextField(blank=True, db_default="", default="")
    funding = models.TextField(
        "funding", blank=True, db_default="", default="", help_text="Who paid for it."
    )
    conflicts = models.TextField(
        "conflicts of interest", blank=True, db_default="", default="",
        help_text="As the authors declared them.",
    )  # fmt: skip

    markup_fields = ("standfirst", "key_points", "abstract", "commentary")
    first_public_field = "first_published"
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        indexes = [
            # The newest on the home page, and the documents feed's three first pages
            # (``newest_changes``), each read in its order with the key breaking ties (many
            # documents share a day: without the key, all of that day's were sorted).
            models.Index(fields=["-first_published", "-id"], name="document_first_published"),
            models.Index(fields=["-last_revised", "-id"], name="document_last_revised"),
            models.Index(
                fields=["-created", "-id"],
                name="document_created_undated",
                condition=models.Q(last_revised__isnull=True, first_published__isnull=True),
            ),
            # The admin's list, in its order (the pk last makes it total): a page of 100 is
            # read from the index, not sorted out of the whole table.
            models.Index(fields=["-year", "title", "-id"], name="document_list_order"),
            # The editors' search finds a PMID or accession number typed whole.
            models.Index(fields=["pmid"], name="document_pmid"),
            models.Index(fields=["accession_number"], name="document_accession_number"),
            # The editors' dashboard: out for consultation, and scheduled (a few of the bank).
            models.Index(
                fields=["consultation_closes"],
                condition=Q(status="consultation"),
                name="document_in_consultation",
            ),
            models.Index(
                fields=["publish_at"],
                condition=Q(publish_at__isnull=False),
                name="document_scheduled",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def clean(self):
        super().clean()
        issued = self.issue_date if self.issued else None
        if issued and self.year and issued.year != self.year:
            raise ValidationError(
                {"issued": f"This date is in {issued.year}, but the year above is {self.year}."}
            )

    def save(self, *args, **kwargs):
        from citations.normalise import normalise_doi, normalise_title

        self.title_key = normalise_title(self.title)
        self.doi = normalise_doi(self.doi or "")
        issued = self.issue_date if self.issued else None
        if issued and not self.year:
            self.year = issued.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.address(self.slug)

    @staticmethod
    def address(slug):
        return address("studies:document", (slug,), ("zq0slug",))

    def left_out_for_readers(self):
        """What the preview of this document would not show readers, and why: read from the
        featured studies it holds in memory, in their order (``editorial.preview``)."""
        hidden = [link.study for link in self.featured_links.all() if not link.study.is_public]
        names = [f"“{study.title}”" for study in hidden]
        return left_out(
            names, ("featured study", "featured studies"), ("it is a draft", "they are drafts")
        )

    def markup_key(self):
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
    def size(self):
        """ "1,726 participants" or "27 studies": how big, in the unit its design counts."""
        if self.studies_included and (self.design in Design.reviews() or not self.participants):
            n = self.studies_included
            return f"{n:,} {'study' if n == 1 else 'studies'}"
        if self.participants:
            n = self.participants
            return f"{n:,} {'participant' if n == 1 else 'participants'}"
        return ""

    @property
    def outcome_list(self):
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    @property
    def issuer(self):
        """Issuing body with its jurisdiction, as guidance is cited: "[UK] NICE"."""
        if self.jurisdiction:
            return f"[{self.jurisdiction}] {self.source}"
        return self.source

    @property
    def doi_url(self):
        # The DOI handbook's advice: escape what a URL would read otherwise ("#", "?"…).
        return f"https://doi.org/{quote(self.doi, safe="/:;,()!$&'*+=@-._~")}" if self.doi else ""

    @property
    def issue_date(self):
        """The publication (issue) date as a PartialDate: as precise as it was given, else
        the year alone; None when neither is known."""
        found = PartialDate.from_iso(self.issued)
        return found or (PartialDate(self.year) if self.year else None)

    @property
    def online_date(self):
        return PartialDate.from_iso(self.published_online)

    @property
    def last_updated(self):
        """What a reader is told of the page's freshness: the last revision marked for
        readers, else when the bank first carried it (internal saves do not count)."""
        return self.last_revised or self.first_published

    def page_dates(self):
        """The document page's dates, each only as precise as it is known."""
        lines = []
        for label, partial in (
            ("Published", self.issue_date),
            ("Published online", self.online_date),
        ):
            if partial:
                lines.append(DateLine(label, partial.iso, date_words(partial)))
        for label, day in (
            ("Added to the bank", self.first_published),
            ("Last updated", self.last_updated),
        ):
            if day:
                lines.append(DateLine(label, day.isoformat(), format_date(day, "j F Y")))
        return lines

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
    """An author as the source gave the name: family name and given names (or only the
    initials, when that is all it gives), or an organisation's whole name. ``name`` is
    the cited form on the site's pages ("Timko C."), made from the parts on save; set on
    its own (by older code, or an old revision restored), it is read back into them."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="authorships")
    name = models.CharField(max_length=300, help_text='As cited on the site: "Timko C."')
    # db_default: rows written with the cited name alone (the release before, raw SQL) are
    # valid, and read back into their parts (see as_name).
    family = models.CharField(
        "family name",
        max_length=300,
        blank=True,
        db_default="",
        default="",
        help_text="Or an organisation's whole name.",
    )
    given = models.CharField(
        "given names",
        max_length=200,
        blank=True,
        db_default="",
        default="",
        help_text='As the source gives them: "Christine", or only initials, "W. R.".',
    )
    suffix = models.CharField(
        max_length=20, blank=True, db_default="", default="", help_text='"Jr.", "III".'
    )
    corporate = models.BooleanField(
        "an organisation",
        default=False,
        db_default=False,
        help_text="An issuing body or group, named whole.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    PARTS = ("family", "given", "suffix", "corporate")

    class Meta:
        ordering = ["document", "position", "pk"]
        verbose_name = "author"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from citations.names import parse_name

        loaded = getattr(self, "_as_loaded", None)
        name_changed_alone = (
            loaded is not None
            and self.name != loaded[-1]
            and self._parts_and_name()[:-1] == loaded[:-1]
        )
        if (not self.family or name_changed_alone) and self.name:
            self.set_parts(parse_name(self.name, corporate_check=True) or self.as_name())
        elif self.family:
            self.set_parts(self.as_name())
        super().save(*args, **kwargs)
        self._as_loaded = self._parts_and_name()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        if all(name in field_names for name in (*cls.PARTS, "name")):
            instance._as_loaded = instance._parts_and_name()
        return instance

    @classmethod
    def of(cls, document, person, position=0):
        """An unsaved author of ``document`` from a Name, its cited form filled in (for
        bulk_create, which does not call save)."""
        author = cls(document=document, position=position)
        author.set_parts(person)
        return author

    def _parts_and_name(self):
        return (*(getattr(self, part) for part in self.PARTS), self.name)

    def set_parts(self, person):
        self.family, self.given = person.family, person.given
        self.suffix, self.corporate = person.suffix, person.corporate
        self.name = person.cited[: self._meta.get_field("name").max_length]

    def as_name(self):
        """The author as a Name; from the cited form when the parts are missing (a row
        restored from a revision made before the parts were kept)."""
        from citations.names import Name, parse_name

        if self.family:
            return Name(self.family, self.given, self.suffix, self.corporate)
        return parse_name(self.name) or Name(self.name)


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

    def markup_key(self):
        return self.document.markup_key()

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
