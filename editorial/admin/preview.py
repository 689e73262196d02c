"""Preview: the unsaved change form drawn as readers will see it (admins of models with a
page of their own set ``preview = True``), from objects built in memory: nothing is written
(``editorial.preview``)."""

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..preview import render_for_readers, unsaved


def _errors_of(form):
    return [
        f"{form.fields[name].label or name}: {message}" if name in form.fields else str(message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]


class PreviewMixin:
    preview = False

    def get_urls(self):
        urls = super().get_urls()
        if not self.preview:
            return urls
        opts = self.model._meta
        info = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", view, name=f"{info}_preview_new"),
            path("<path:object_id>/preview/", view, name=f"{info}_preview"),
            *urls,
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if self.preview:
            opts = self.model._meta
            name = f"admin:{opts.app_label}_{opts.model_name}_preview"
            url = reverse(name, args=[object_id]) if object_id else reverse(f"{name}_new")
            extra_context = {"preview_url": url, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def preview_forms(self, request, obj):
        """The change form and its inline formsets, bound to the posted data, as a save
        would build them (``get_formsets_with_inlines``, ``get_formset_kwargs``)."""
        fieldsets = self.get_fieldsets(request, obj)
        ModelForm = self.get_form(
            request,
            obj,
            change=obj is not None,
            fields=flatten_fieldsets(fieldsets),
        )
        form = ModelForm(request.POST, request.FILES, instance=obj)
        formsets, prefixes = [], {}
        args = (request, form.instance) if obj is not None else (request,)
        for FormSet, inline in self.get_formsets_with_inlines(*args):
            # The prefixes the change form gave them (a second inline of one model is "-2").
            prefix = FormSet.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            kwargs = self.get_formset_kwargs(request, form.instance, inline, prefix)
            formsets.append(FormSet(**kwargs))
        return form, formsets

    def preview_view(self, request, object_id=None):
        """Draw the page from the posted form, unsaved: nothing is written.

        The form and its inlines are validated as a save would validate them; the object is
        built from them in memory, published for the moment so the page shows as readers
        will see it, and the public view draws it for an anonymous reader
        (``editorial.preview``). Errors are listed above the page; links that do not
        resolve show as plain text, as they would to readers; rows the page leaves out (the
        model's ``left_out_for_readers()``: entries whose document is a draft) are named.
        """
        if request.method != "POST":
            return redirect(request.path.rsplit("preview/", 1)[0] or "../")
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            raise PermissionDenied
        if not (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        ):
            raise PermissionDenied
        form, formsets = self.preview_forms(request, obj)
        form.is_valid()
        errors = _errors_of(form)
        for formset in formsets:
            formset.is_valid()
            for inline_form in formset.forms:
                errors += _errors_of(inline_form)
            errors += [str(e) for e in formset.non_form_errors()]
        html, left_out = None, []
        try:
            draft = unsaved(form, formsets)
            html, left_out = render_for_readers(draft.obj), draft.left_out
        except Exception as exc:  # noqa: BLE001 - anything undrawable is reported, not raised
            errors.append(f"The preview could not be drawn from this form: {exc}")
        context = {"page_html": html, "errors": list(dict.fromkeys(errors)), "left_out": left_out}
        return TemplateResponse(
            request, "admin/editorial/preview.html", {**context, "opts": self.model._meta}
        )
