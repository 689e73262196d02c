"""Filling in admin change forms as an editor's browser would."""

from django.contrib.auth.models import Group, User
from django.test import Client


def form_data(response):
    """The POST an unchanged admin change form would send, inlines included."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple) and getattr(
                # The admin wraps a related field's widget (its add and change links).
                getattr(bound.field.widget, "widget", bound.field.widget),
                "allow_multiple_selected",
                False,
            ):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, list | tuple):
                # One text box holding several values (a document's subjects): as rendered.
                data[bound.html_name] = bound.field.widget.format_value(value) or ""
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            bound = formset.management_form[name]
            data[bound.html_name] = bound.value()
        for form in formset.forms:
            add(form)
    return data


def cell_change_url(cell):
    return f"/admin/matrix/cell/{cell.pk}/change/"


def entry_index(data, entry):
    for key, value in data.items():
        if key.startswith("entries-") and key.endswith("-id") and value == str(entry.pk):
            return key.split("-")[1]
    raise AssertionError("entry not in the form")


def editor_named(name):
    """A signed-in client of a new member of the Editors group."""
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client
