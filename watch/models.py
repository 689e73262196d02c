"""Living evidence: each cell watches the literature, and editors screen what is new.

A **watch** is one cell's standing search at one source (PubMed, Crossref, OpenAlex): its
MORE search translated for the source, or "works citing the cell's S and K studies". Each
run is kept (``WatchRun``): when, the exact query, what it found and what was new, or why it
failed. What is new becomes a **candidate**, de-duplicated against the bank and against
earlier candidates (DOI, PMID, normalised title and year); editors include it (a draft
document), exclude it (with a reason) or leave it as maybe, each decision signed and dated
and undoable.
"""

from django.conf import settings
from django.db import models

from citations.normalise import normalise_doi, normalise_title


class Source(models.TextChoices):
    PUBMED = "pubmed", "PubMed"
    CROSSREF = "crossref", "Crossref"
    OPENALEX = "openalex", "OpenAlex"


class WatchSwitch(models.Model):
    """Whether the task worker runs the watches by themselves: off until an editor turns it
    on, and never while the ``WATCH_SCHEDULING`` setting is off (a machine with no internet
    runs ``make run`` without failed runs filling the log)."""

    on = models.BooleanField(
        default=False, help_text="Run each active watch on its schedule (daily check)."
    )
    changed_at = models.DateTimeField(auto_now=True)
    # The daily run that is due next: a run queued for another moment (a second chain, left
    # by turning scheduling off and on) finds it is not the one and does nothing.
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    notices_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the cells' documents were last checked for publishers' notices "
        "(weekly, when scheduling is on).",
    )

    class Meta:
        verbose_name = "watch scheduling"
        verbose_name_plural = "watch scheduling"

    def __str__(self):
        return "Scheduling " + ("on" if self.running else "off")

    @classmethod
    def current(cls):
        switch, _ = cls.objects.get_or_create(pk=1)
        return switch

    @property
    def allowed(self):
        return bool(getattr(settings, "WATCH_SCHEDULING", False))

    @property
    def running(self):
        return self.on and self.allowed


class Watch(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "search", "Search"
        CITING = "citing", "Works citing the cell's S and K studies"

    cell = models.ForeignKey(
        "matrix.Cell", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    topic = models.ForeignKey(
        "topics.HotTopic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="watches",
        help_text="A hot topic's watch (its search), instead of a cell's.",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SEARCH)
    query = models.TextField(
        blank=True,
        help_text="The search as this source reads it (PubMed's syntax for PubMed; words for "
        "Crossref). Made from the cell's MORE search; edit it to suit the source.",
    )
    every_days = models.PositiveSmallIntegerField(
        default=7, help_text="How often it runs when scheduling is on (7: weekly)."
    )
    active = models.BooleanField(default=True)
    last_success_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The next run searches from here."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cell", "source", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "source", "kind"], name="one_watch_per_kind"),
            models.UniqueConstraint(
                fields=["topic", "source", "kind"], name="one_topic_watch_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(cell__isnull=False, topic__isnull=True)
                | models.Q(cell__isnull=True, topic__isnull=False, kind="search"),
                name="watch_of_a_cell_or_a_topic",
            ),
        ]
        verbose_name_plural = "watches"

    def __str__(self):
        what = "citing its studies" if self.kind == self.Kind.CITING else "search"
        of = self.cell if self.cell_id else f"Hot topic: {self.topic}"
        return f"{of} · {self.get_source_display()} {what}"

    @property
    def words(self):
        """The words readers' search would use, for highlighting: the cell's or topic's."""
        if self.cell_id:
            return self.cell.more_query
        return self.topic.search_query if self.topic_id else ""


class WatchRun(models.Model):
    """One run of a watch, kept whether it worked or not."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateField(null=True, blank=True, help_text="Searched from this date.")
    query = models.TextField(help_text="Exactly what was sent.")
    found = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    in_bank = models.PositiveIntegerField(default=0)
    already_screened = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.watch}, {self.started_at:%d %b %Y %H:%M}"

    @property
    def failed(self):
        return bool(self.error)


class ExclusionReason(models.Model):
    """Why a candidate was left out: an editable list (population, design, …)."""

    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class CandidateQuerySet(models.QuerySet):
    def matching(self, *, doi="", pmid="", title_key="", year=None):
        """Earlier candidates that are the same work: by DOI, PMID, or title and year."""
        condition = models.Q(pk__in=[])
        if doi:
            condition |= models.Q(doi_key=doi.casefold())
        if pmid:
            condition |= models.Q(pmid=pmid)
        if title_key and year:
            condition |= models.Q(title_key=title_key, year=year)
        return self.filter(condition)

    def queue(self):
        """The screening queue: what no one has decided yet, oldest found first."""
        return self.filter(status=Candidate.Status.UNSCREENED).select_related(
            "cell__matrix", "cell__column", "cell__row", "watch"
        )


class Candidate(models.Model):
    class Status(models.TextChoices):
        UNSCREENED = "unscreened", "Not screened"
        INCLUDED = "included", "Included"
        EXCLUDED = "excluded", "Excluded"
        MAYBE = "maybe", "Maybe"

    title = models.TextField()
    authors = models.TextField(blank=True, help_text="As the record gives them, one per line.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    journal = models.CharField(max_length=300, blank=True)
    doi = models.CharField(max_length=255, blank=True)
    pmid = models.CharField(max_length=20, blank=True)
    abstract = models.TextField(blank=True, help_text="Markup, as imported.")
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    record = models.JSONField(
        default=dict, help_text="The record's fields, for the draft document if included."
    )
    # Where and why it was found.
    cell = models.ForeignKey(
        "matrix.Cell", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    watch = models.ForeignKey(
        Watch, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    run = models.ForeignKey(
        WatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    found_because = models.CharField(
        max_length=500, blank=True, help_text="The query it matched, or the study it cites."
    )
    found_at = models.DateTimeField(auto_now_add=True)
    # The decision.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNSCREENED)
    reason = models.ForeignKey(
        ExclusionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "studies.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The draft made when it was included.",
    )
    # For the duplicate check: the DOI case-folded, the title normalised.
    doi_key = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    title_key = models.CharField(max_length=500, blank=True, db_index=True, editable=False)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["found_at", "pk"]
        indexes = [models.Index(fields=["status", "cell"]), models.Index(fields=["pmid"])]

    def __str__(self):
        return self.title[:120]

    def save(self, *args, **kwargs):
        self.doi_key = normalise_doi(self.doi).casefold()
        self.title_key = normalise_title(self.title)[:500]
        super().save(*args, **kwargs)
