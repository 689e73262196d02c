"""Abbreviations and variant spellings the search treats as one, added to the editors'
synonym list (they change it in the admin). A term may sit in several groups: a search
for it widens to all of them."""

from django.db import migrations

GROUPS = [
    ("rehab\nrehabilitation", "The short form people type for rehabilitation."),
    ("detox\ndetoxification\nmanaged withdrawal", "Medically supported withdrawal."),
    (
        "CBT\ncognitive behavioural therapy\ncognitive behavioral therapy\n"
        "cognitive-behavioural therapy",
        "The abbreviation and both spellings.",
    ),
    ("MI\nmotivational interviewing", "The abbreviation used in practice."),
    ("MET\nmotivational enhancement therapy", "The abbreviation used in trials."),
    (
        "SBI\nscreening and brief intervention\nIBA\nidentification and brief advice",
        "The UK and US names for finding and advising risky drinkers.",
    ),
    (
        "OST\nOAT\nopioid substitution treatment\nopioid substitution therapy\n"
        "opioid agonist treatment\nopiate substitution treatment",
        "Older and newer names for prescribing methadone or buprenorphine.",
    ),
    ("AA\nAlcoholics Anonymous", "The fellowship by its initials."),
    ("NA\nNarcotics Anonymous", "The fellowship by its initials."),
    ("CM\ncontingency management", "Incentives for progress, by its initials."),
    ("TC\ntherapeutic community\ntherapeutic communities", "Residential communities."),
    ("GP\ngeneral practitioner\nfamily doctor", "The doctor in primary care."),
    ("RCT\nrandomised controlled trial\nrandomized controlled trial", "Both spellings."),
    ("randomised\nrandomized", "British and American spelling."),
    ("behavioural\nbehavioral", "British and American spelling."),
    ("counselling\ncounseling", "British and American spelling."),
    ("programme\nprogram", "British and American spelling."),
    ("AUD\nalcohol use disorder\nalcohol use disorders", "The diagnosis by its initials."),
    ("SUD\nsubstance use disorder\nsubstance use disorders", "The diagnosis by its initials."),
    ("OUD\nopioid use disorder\nopioid use disorders", "The diagnosis by its initials."),
    ("NSP\nneedle and syringe programme\nneedle exchange", "Harm reduction services."),
    ("HCV\nhepatitis C", "The virus by its initials."),
]


def add_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    first_terms = {
        g.terms.splitlines()[0].strip().lower() for g in SynonymGroup.objects.all() if g.terms
    }
    SynonymGroup.objects.bulk_create(
        SynonymGroup(terms=terms, note=note)
        for terms, note in GROUPS
        if terms.splitlines()[0].lower() not in first_terms
    )


def remove_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    SynonymGroup.objects.filter(terms__in=[terms for terms, _ in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0009_ranking")]

    operations = [migrations.RunPython(add_groups, remove_groups)]
