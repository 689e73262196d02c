"""Load ISO 3166 countries (and the UK's four nations, as parts of the UK), start the
settings and populations vocabularies, and give each document with a jurisdiction the
country it names."""

import pycountry
from django.db import migrations

UK_NATIONS = {
    "GB-ENG": "England",
    "GB-SCT": "Scotland",
    "GB-WLS": "Wales",
    "GB-NIR": "Northern Ireland",
}

SETTINGS = [
    ("Primary care", "General practice and other first-contact health services."),
    ("Specialist outpatient", "Community-based specialist addiction treatment, not residential."),
    ("Residential", "Residential rehabilitation and other live-in treatment."),
    ("Inpatient", "Hospital wards, including inpatient detoxification."),
    ("Criminal justice", "Prisons, probation, courts and police custody."),
    ("Community", "Mutual aid, recovery communities and other non-clinical settings."),
    ("Emergency department", "Hospital emergency and accident departments."),
]
POPULATIONS = [
    ("Women", ""),
    ("Young people", "Adolescents and young adults."),
    ("Offenders", "People in contact with the criminal justice system."),
    ("People who inject drugs", ""),
    ("Older people", ""),
    ("Homeless people", ""),
    ("Veterans", "People who have served in the armed forces."),
]
# The jurisdictions the bank held as words, and the country each names.
JURISDICTIONS = {
    "UK": "GB",
    "United Kingdom": "GB",
    "England": "GB-ENG",
    "Scotland": "GB-SCT",
    "Wales": "GB-WLS",
    "Northern Ireland": "GB-NIR",
    "US": "US",
    "USA": "US",
    "United States": "US",
    "Australia": "AU",
    "Canada": "CA",
    "Ireland": "IE",
    "New Zealand": "NZ",
    "EU": "",
    "International": "",
}


def forwards(apps, schema_editor):
    from django.utils.text import slugify

    Country = apps.get_model("studies", "Country")
    Country.objects.bulk_create(
        [
            Country(code=c.alpha_2, name=getattr(c, "common_name", None) or c.name)
            for c in pycountry.countries
        ],
        ignore_conflicts=True,
    )
    Country.objects.filter(code="GB").update(name="United Kingdom")
    Country.objects.bulk_create(
        [Country(code=code, name=name, part_of_id="GB") for code, name in UK_NATIONS.items()],
        ignore_conflicts=True,
    )
    for model, terms in (("Setting", SETTINGS), ("Population", POPULATIONS)):
        Model = apps.get_model("studies", model)
        for name, description in terms:
            Model.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": description}
            )
    Document = apps.get_model("studies", "Document")
    for document in Document.objects.exclude(jurisdiction=""):
        code = JURISDICTIONS.get(document.jurisdiction.strip())
        if code:
            document.countries.add(code)


class Migration(migrations.Migration):
    dependencies = [("studies", "0007_appraisal")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
