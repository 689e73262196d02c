"""The cell form's widgets, written by Python instead of through Django's widget templates.

A cell's change form draws some 200 widgets for a page of entries, and each of Django's
widget templates includes others (the attributes, every option): rendering them was over half
of the form's time. These write the same HTML as Django's templates (``django/forms/widgets``)
from the same context (``get_context`` is Django's, untouched), escaping as the templates do.
A widget whose template is not one of those below (the admin's date widgets, anything custom)
is rendered by its template as before.
"""

import html
from functools import cache

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = {
    f"{WIDGETS}{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "checkbox",
        "search",
        "tel",
        "color",
    )
}
OPTION = f"{WIDGETS}select_option.html"


def esc(value):
    """Django's conditional_escape, without its lazy-string wrapper (a quarter of the time
    here): what is already safe stays as it is; anything else is escaped as text."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def attributes(attrs):
    """django/forms/widgets/attrs.html: True writes the bare name, False leaves it out."""
    return "".join(
        f" {esc(name)}" if value is True else f' {esc(name)}="{esc(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def write_input(widget):
    value = widget["value"]
    shown = "" if value is None else f' value="{esc(value)}"'
    return (
        f'<input type="{esc(widget["type"])}" '
        f'name="{esc(widget["name"])}"{shown}{attributes(widget["attrs"])}>'
    )


def write_textarea(widget):
    value = esc(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{esc(widget["name"])}"{attributes(widget["attrs"])}>\n{value}</textarea>'
    )


def write_select(widget):
    parts = [f'<select name="{esc(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None  # an option drawn its own way: the template, then
            parts.append(
                f'\n  <option value="{esc(option["value"])}"'
                f"{attributes(option['attrs'])}>{esc(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def write_checkboxes(widget):
    """A list of check boxes, each in its own labelled <div> (Django's multiple_input.html,
    ungrouped: the cell form's choices have no groups)."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{esc(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{esc(attrs["class"])}"')
    parts.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            return None
        for option in options:
            if option["template_name"] != f"{WIDGETS}checkbox_option.html":
                return None
            label_for = option["attrs"].get("id")
            parts.append(
                "<div>\n    <label"
                + (f' for="{esc(label_for)}"' if label_for else "")
                + ">"
                + write_input(option)
                + f" {esc(option['label'])}</label></div>"
            )
    parts.append("\n</div>")
    return "".join(parts)


WRITERS = {
    **dict.fromkeys(INPUTS, write_input),
    f"{WIDGETS}textarea.html": write_textarea,
    f"{WIDGETS}select.html": write_select,
    f"{WIDGETS}checkbox_select.html": write_checkboxes,
}


class WrittenInPython:
    """Renders the widget templates above in Python; any other by its template."""

    def _render(self, template_name, context, renderer=None):
        writer = WRITERS.get(template_name)
        html = writer(context["widget"]) if writer else None
        if html is None:
            return super()._render(template_name, context, renderer)
        return mark_safe(html)


@cache
def written_in_python(widget_class):
    """The widget class, rendered in Python: its own subclass, so its media and behaviour are
    the class's own."""
    return type(widget_class)(
        widget_class.__name__,
        (WrittenInPython, widget_class),
        {"__module__": widget_class.__module__, "media": widget_class.media},
    )


def write_widgets_in_python(form):
    """Every widget of a form (those inside the admin's add/change links included)."""
    for field in form.fields.values():
        widget = field.widget
        widgets = (
            [widget, widget.widget] if isinstance(widget, RelatedFieldWidgetWrapper) else [widget]
        )
        for each in widgets:
            if isinstance(each, forms.Widget) and not isinstance(each, WrittenInPython):
                each.__class__ = written_in_python(type(each))
