"""How strong the evidence is, as data: the vocabularies an appraisal is written in.

A document's appraisal (its design, size, countries, setting, population, effect and risk of
bias) is kept on the document itself (see ``Document``), so it shares the document's history,
workflow and preview. Certainty belongs to a document's place in a cell and to a cell's
verdict (the matrices' concern), but its scale is the bank's, so search and the API name it
the same way everywhere.

Every slug here is part of the public contract: search, feeds, exports and the API take and
answer them (``design=randomised-trial``, ``certainty=moderate``, ``country=GB``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify


class Design(models.TextChoices):
    RANDOMISED_TRIAL = "randomised-trial", "Randomised controlled trial"
    CLUSTER_RANDOMISED_TRIAL = "cluster-randomised-trial", "Cluster-randomised trial"
    CONTROLLED_STUDY = "controlled-study", "Controlled study (not randomised)"
    COHORT_STUDY = "cohort-study", "Cohort study"
    CASE_CONTROL_STUDY = "case-control-study", "Case-control study"
    BEFORE_AFTER_STUDY = "before-after-study", "Before-and-after study"
    CROSS_SECTIONAL_STUDY = "cross-sectional-study", "Cross-sectional study"
    QUALITATIVE_STUDY = "qualitative-study", "Qualitative study"
    ECONOMIC_EVALUATION = "economic-evaluation", "Economic evaluation"
    POOLED_ANALYSIS = "pooled-analysis", "Pooled analysis"
    META_ANALYSIS = "meta-analysis", "Meta-analysis"
    SYSTEMATIC_REVIEW = "systematic-review", "Systematic review"
    NARRATIVE_REVIEW = "narrative-review", "Narrative review"
    GUIDELINE = "guideline", "Guideline"
    OTHER = "other", "Other design"

    @classmethod
    def reviews(cls):
        """Designs whose size is counted in studies rather than participants."""
        return {cls.META_ANALYSIS, cls.SYSTEMATIC_REVIEW, cls.NARRATIVE_REVIEW, cls.POOLED_ANALYSIS}


class EffectDirection(models.TextChoices):
    FAVOURS_INTERVENTION = "favours-intervention", "Favours the intervention"
    NO_CLEAR_DIFFERENCE = "no-clear-difference", "No clear difference"
    MIXED = "mixed", "Mixed"
    FAVOURS_COMPARISON = "favours-comparison", "Favours the comparison"


class RiskOfBias(models.TextChoices):
    LOW = "low", "Low"
    SOME_CONCERNS = "some-concerns", "Some concerns"
    HIGH = "high", "High"


class Certainty(models.TextChoices):
    """GRADE's four levels, and "not rated": always allowed, so nothing is given a precision
    its evidence does not have. Ordered strongest first."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"
    NOT_RATED = "not_rated", "Not rated"

    @property
    def rank(self):
        """4 for high down to 1 for very low; 0 when not rated."""
        return {"high": 4, "moderate": 3, "low": 2, "very_low": 1}.get(self.value, 0)

    @property
    def meaning(self):
        """What the level tells a reader, in GRADE's sense and our words."""
        return {
            "high": "Further research is very unlikely to change what we think the effect is.",
            "moderate": "Further research may well change the size of the effect we expect.",
            "low": "Further research is likely to change what we think the effect is.",
            "very_low": "We are very uncertain what the effect is.",
            "not_rated": "The editors have not judged it, or there is no basis to.",
        }[self.value]

    @classmethod
    def at_least(cls, value):
        """The levels at or above ``value`` ("moderate" gives high and moderate)."""
        floor = cls(value).rank
        return [level.value for level in cls if level.rank and level.rank >= floor]


class CertaintyReason(models.TextChoices):
    """Why certainty was lowered (the first five) or raised (the last two), after GRADE."""

    RISK_OF_BIAS = "risk-of-bias", "Risk of bias (lowered)"
    INCONSISTENCY = "inconsistency", "Inconsistency (lowered)"
    INDIRECTNESS = "indirectness", "Indirectness (lowered)"
    IMPRECISION = "imprecision", "Imprecision (lowered)"
    PUBLICATION_BIAS = "publication-bias", "Publication bias (lowered)"
    LARGE_EFFECT = "large-effect", "Large effect (raised)"
    DOSE_RESPONSE = "dose-response", "Dose-response (raised)"

    @property
    def short(self):
        return self.label.split(" (")[0]

    @property
    def raises(self):
        return self in (CertaintyReason.LARGE_EFFECT, CertaintyReason.DOSE_RESPONSE)


def reasons_in_words(values):
    """ "lowered for risk of bias and imprecision; raised for a large effect"."""
    reasons = [CertaintyReason(v) for v in values if v in CertaintyReason.values]
    parts = []
    for verb, group in (
        ("lowered for", [r for r in reasons if not r.raises]),
        ("raised for", [r for r in reasons if r.raises]),
    ):
        if group:
            names = [r.short.lower() for r in group]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            parts.append(f"{verb} {joined}")
    return "; ".join(parts)


# The UK's nations are parts of the UK (ISO 3166-2:GB), so asking for GB finds them too.
UK = "GB"
UK_NATIONS = {
    "GB-ENG": "England",
    "GB-SCT": "Scotland",
    "GB-WLS": "Wales",
    "GB-NIR": "Northern Ireland",
}


class CountryQuerySet(models.QuerySet):
    def codes_within(self, code):
        """``code`` with the codes of its parts: GB gives GB and its four nations."""
        code = code.upper()
        return [code, *self.filter(part_of=code).values_list("code", flat=True)]


class Country(models.Model):
    """A country by its ISO 3166-1 code, or one of the UK's nations by its ISO 3166-2 code,
    with the country it is part of. The list is loaded from ISO 3166 (pycountry) by a
    migration; editors pick from it, never type it."""

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=100)
    part_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name


class Vocabulary(models.Model):
    """A term of an editable vocabulary: its name, the slug search and the API use, and
    what it covers."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    description = models.TextField(blank=True, help_text="What the term covers.")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)


class Setting(Vocabulary):
    """Where treatment happens: primary care, specialist outpatient, residential…"""

    class Meta(Vocabulary.Meta):
        pass


class Population(Vocabulary):
    """Who it was for: women, young people, offenders, people who inject drugs…"""

    class Meta(Vocabulary.Meta):
        pass


class EffectMeasure(models.Model):
    """An effect as the document reports it: the outcome, the measure (risk ratio, mean
    difference…), its value and confidence interval. Only what the source reports."""

    document = models.ForeignKey(
        "studies.Document", on_delete=models.CASCADE, related_name="effect_measures"
    )
    outcome = models.CharField(max_length=200, help_text='e.g. "abstinent at 12 months".')
    measure = models.CharField(
        max_length=80, help_text='e.g. "risk ratio", "odds ratio", "mean difference".'
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    ci_low = models.DecimalField(
        "95% CI from", max_digits=14, decimal_places=4, null=True, blank=True
    )
    ci_high = models.DecimalField(
        "95% CI to", max_digits=14, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["document", "position", "pk"]

    def __str__(self):
        return f"{self.outcome}: {self.in_words}"

    def clean(self):
        low, high = self.ci_low, self.ci_high
        if (low is None) != (high is None):
            raise ValidationError("Give both ends of the confidence interval, or neither.")
        if low is not None and self.value is not None and not low <= self.value <= high:
            raise ValidationError(
                "The value should lie within its confidence interval (from ≤ value ≤ to)."
            )

    @property
    def in_words(self):
        """ "risk ratio 0.85 (95% CI 0.72 to 0.99)"."""

        def plain(number):
            return f"{number.normalize():f}" if number is not None else ""

        text = f"{self.measure} {plain(self.value)}"
        if self.ci_low is not None and self.ci_high is not None:
            text += f" (95% CI {plain(self.ci_low)} to {plain(self.ci_high)})"
        return text
