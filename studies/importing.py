"""Importing citation records in the admin: paste or upload, check prefilled forms, create.

Step one reads the records (any mix of the formats ``citations.importing`` knows, pasted or in
files) into one prefilled form each; step two creates a draft per form the editor keeps,
each in its own transaction, or merges it into the document it duplicates, or skips it.
Forms with problems come back with what was typed; the others are done.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.html import format_html

from citations.importing import FORMAT_NAMES, UnreadableFile, decode, parse

from .appraisal import Design
from .duplicates import find_duplicates
from .models import Document
from .services import create_draft, merge_into

MAX_UPLOAD = 5_000_000


class ReadRecordsForm(forms.Form):
    records = forms.CharField(
        label="Paste records",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=(
            "RIS, BibTeX, PubMed/MEDLINE, CSL-JSON, Crossref JSON or Semantic Scholar-style "
            "JSON, one record or many, pasted as they are."
        ),
    )


def read_records(text, files):
    """(records, errors): every record in the pasted text and the uploaded files."""
    records, errors = [], []
    sources = [("pasted text", text, None)] if text.strip() else []
    for upload in files:
        if upload.size > MAX_UPLOAD:
            errors.append(f"{upload.name}: the file is over {MAX_UPLOAD // 1_000_000} MB.")
            continue
        try:
            content = decode(upload.read())
        except UnreadableFile as problem:
            errors.append(f"{upload.name}: not read: {problem}.")
            continue
        sources.append((upload.name, content, upload.name))
    if not sources:
        errors.append("Paste some records or choose a file to read.")
    for where, content, filename in sources:
        result = parse(content, filename=filename)
        name = FORMAT_NAMES.get(result.format, "unknown format")
        for error in result.errors:
            errors.append(f"{where} ({name}): {error.message}")
        records.extend(result.records)
    return records, errors


class ImportRecordForm(forms.Form):
    include = forms.BooleanField(label="Import this record", required=False, initial=True)
    label = forms.CharField(widget=forms.HiddenInput, required=False)
    left_out = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(choices=Document.Kind.choices)
    design = forms.ChoiceField(
        choices=[("", "Not known")] + Design.choices,
        required=False,
        help_text="From the record's publication types or its source, when they say; "
        "otherwise left for the appraisal.",
    )
    title = forms.CharField(max_length=400, widget=forms.TextInput(attrs={"size": 90}))
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text="One per line, in order, as the source gives them: “Timko, Christine”, "
        "“Miller, W. R.”; an organisation’s whole name.",
    )
    authors_et_al = forms.BooleanField(label="Author list cut short (et al.)", required=False)
    year = forms.IntegerField(required=False, min_value=1800, max_value=2100)
    issued = forms.CharField(
        label="Publication date",
        required=False,
        max_length=20,
        help_text="As precise as the source: 2002, 2002-03 or 2002-03-15.",
    )
    published_online = forms.CharField(
        label="Published online", required=False, max_length=20, help_text="The same way."
    )
    source = forms.CharField(label="Journal or issuer", required=False, max_length=300)
    volume = forms.CharField(required=False, max_length=20)
    issue = forms.CharField(required=False, max_length=20)
    pages = forms.CharField(required=False, max_length=30)
    doi = forms.CharField(label="DOI", required=False, max_length=200)
    pmid = forms.CharField(label="PMID", required=False, max_length=20)
    accession_number = forms.CharField(required=False, max_length=60)
    accession_database = forms.CharField(
        label="Accession number's database", required=False, max_length=100
    )
    url = forms.URLField(label="URL", required=False, max_length=500)
    free_url = forms.URLField(label="Free full text", required=False, max_length=500)
    affiliations = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    abstract = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 100}),
        help_text="In the editors' markup, converted from the record (no HTML tags).",
    )
    tags = forms.CharField(label="Subjects", required=False, help_text="Separated by commas.")
    duplicate = forms.CharField(
        label="It looks like a document already in the bank",
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why add it anyway",
        required=False,
        max_length=300,
        help_text="Needed only to add a record that looks like one already in the bank.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = []
        fields = self._fields_from(self.data if self.is_bound else self.initial)
        if fields["title"]:
            self.duplicates = find_duplicates(
                doi=fields["doi"],
                pmid=fields["pmid"],
                title=fields["title"],
                year=fields["year"],
            )
        choices = [
            ("add", "Add it as a new document anyway (say why below)"),
            ("skip", "Do not import it"),
        ]
        for duplicate in self.duplicates:
            document = duplicate.document
            choices.insert(
                1,
                (
                    f"merge:{document.pk}",
                    format_html(
                        "Merge its fields into “{}” ({}): fill what that document lacks",
                        document.picker_label,
                        duplicate.reason,
                    ),
                ),
            )
        self.fields["duplicate"].widget.choices = choices

    def _fields_from(self, data):
        def value(name):
            key = self.add_prefix(name) if self.is_bound else name
            return (data.get(key) or "") if hasattr(data, "get") else ""

        year = value("year")
        return {
            "title": value("title"),
            "doi": value("doi"),
            "pmid": value("pmid"),
            "year": int(year) if str(year).isdigit() else None,
        }

    def _clean_date(self, name):
        return Document._meta.get_field(name).clean(self.cleaned_data.get(name, ""), None)

    def clean_issued(self):
        return self._clean_date("issued")

    def clean_published_online(self):
        return self._clean_date("published_online")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("include"):
            return cleaned
        choice = cleaned.get("duplicate") or ""
        if self.duplicates and not choice:
            self.add_error("duplicate", "Choose what to do with this likely duplicate.")
        elif choice == "add" and self.duplicates and not cleaned.get("reason"):
            self.add_error("reason", "Say why it should be added although it looks the same.")
        return cleaned

    def document_fields(self):
        data = dict(self.cleaned_data)
        data["authors"] = [line.strip() for line in data["authors"].splitlines() if line.strip()]
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        return data

    @classmethod
    def initial_from(cls, record):
        fields = record.as_document_fields()
        return {
            **fields,
            "include": True,
            "label": record.label,
            "left_out": "; ".join(record.left_out),
            "authors": "\n".join(name.inverted for name in fields["authors"]),
            "tags": ", ".join(fields["tags"]),
        }


ImportFormSet = formset_factory(ImportRecordForm, extra=0)


def import_forms(formset, editor):
    """Create, merge or skip each kept form; return (done, forms still to fix)."""
    done = []
    for form in formset.forms:
        if not form["include"].value():
            continue
        if not form.is_valid():
            continue
        fields = form.document_fields()
        choice = fields.get("duplicate") or "add"
        label = fields.get("label") or fields["title"]
        try:
            if choice == "skip":
                done.append(("skipped", label, None))
            elif choice.startswith("merge:"):
                document = Document.objects.get(pk=choice.split(":", 1)[1])
                filled = merge_into(document, fields, editor=editor)
                done.append((f"merged ({', '.join(filled) or 'nothing new'})", label, document))
            else:
                note = f"Imported from a citation record: {label}."
                if fields.get("left_out"):
                    note += f" Not kept from the record: {fields['left_out']}."
                if fields.get("reason"):
                    note += f" Added although it looks like one in the bank: {fields['reason']}"
                document = create_draft(fields, editor=editor, note=note)
                done.append(("created", label, document))
            form.imported = True
        except (ValidationError, Document.DoesNotExist) as exc:
            for field, messages in getattr(exc, "message_dict", {"__all__": [str(exc)]}).items():
                form.add_error(field if field in form.fields else None, messages)
    remaining = [
        f for f in formset.forms if f["include"].value() and not getattr(f, "imported", False)
    ]
    return done, remaining
