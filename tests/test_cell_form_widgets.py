"""The cell form's widgets are written in Python (matrix.widgets) for speed: what they write
must be what Django's widget templates write, escaping included, and a widget with a template
of its own must still be drawn by it."""

import re

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget

from matrix.admin import CellEntryForm
from matrix.widgets import WrittenInPython, write_widgets_in_python
from tests.factories import get_cell, make_document, make_entry

HOSTILE = "</textarea><script>alert('x')</script> & \"quoted\""


def squeezed(html):
    """Whitespace between tags and runs of it do not matter to a browser here."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


class EveryKind(forms.Form):
    text = forms.CharField(initial=HOSTILE, help_text="Helps.")
    number = forms.IntegerField(initial=3)
    hidden = forms.CharField(widget=forms.HiddenInput, initial=HOSTILE)
    ticked = forms.BooleanField(initial=True)
    unticked = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea, initial=HOSTILE)
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("a", "A & a"), ("b", HOSTILE)], initial="b")
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")], initial="y"
    )
    several = forms.MultipleChoiceField(
        choices=[("s", "Seminal"), ("k", HOSTILE)],
        widget=forms.CheckboxSelectMultiple,
        initial=["k"],
    )
    radio = forms.ChoiceField(choices=[("1", "One")], widget=forms.RadioSelect)
    when = forms.DateField(widget=AdminDateWidget)


def as_templates_and_python(form):
    by_templates = {name: squeezed(form[name]) for name in form.fields}
    write_widgets_in_python(form)
    by_python = {name: squeezed(form[name]) for name in form.fields}
    return by_templates, by_python


def test_python_writes_what_the_templates_write_for_every_kind_of_widget():
    by_templates, by_python = as_templates_and_python(EveryKind())
    assert by_python == by_templates
    # The hostile text is escaped, not obeyed.
    assert "<script>" not in by_python["notes"] and "&lt;/textarea&gt;" in by_python["notes"]


def test_a_bound_form_with_errors_is_written_the_same():
    form = EveryKind(data={"text": HOSTILE, "number": "many", "several": ["k", "nope"]})
    assert not form.is_valid()
    by_templates, by_python = as_templates_and_python(form)
    assert by_python == by_templates


def test_an_entry_row_is_written_the_same(demo):
    entry = make_entry(get_cell("alcohol", "E4"), make_document(title=HOSTILE), roles="SG")
    entry.annotation = HOSTILE
    by_templates, by_python = as_templates_and_python(CellEntryForm(instance=entry))
    assert by_python == by_templates
    assert 'value="S" id="id_roles_0" checked' in by_python["roles"]


def test_widgets_with_templates_of_their_own_keep_them():
    form = EveryKind()
    write_widgets_in_python(form)
    assert isinstance(form.fields["text"].widget, WrittenInPython)
    # Radio buttons and the admin's date widget are drawn by their own templates still.
    assert 'type="radio"' in str(form["radio"])
    assert "vDateField" in str(form["when"])
    assert form.fields["when"].widget.media._js == AdminDateWidget().media._js


@pytest.mark.django_db
def test_the_cell_forms_check_box_groups_name_their_help(editor_client, e4):
    """Django ties a group's help to "_helptext", which is nothing; ours to the group's own."""
    html = editor_client.get(f"/admin/matrix/cell/{e4.pk}/change/").content.decode()
    assert 'aria-describedby="_helptext"' not in html.split('id="entries-group"')[1]
    assert 'aria-describedby="id_entries-0-roles_helptext"' in html
    assert 'class="help" id="id_entries-0-roles_helptext"' in html
