"""The admin site editors work in: their dashboard, pickers that tell documents apart, the
markup guide with live examples, and a search for what to link to."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.validators import MaxLengthValidator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme

from markup.guide import guide_parts
from markup.lookup import find_targets

from .dashboard import editors_dashboard
from .editors import EDITORS


class PickerJsonView(AutocompleteJsonView):
    """Autocomplete answers naming documents by title, first author, year and DOI."""

    def serialize_result(self, obj, to_field_name):
        label = getattr(obj, "picker_label", None) or str(obj)
        return {"id": str(getattr(obj, to_field_name)), "text": label}

    def get_queryset(self):
        queryset = super().get_queryset()
        if hasattr(queryset.model, "picker_label") and hasattr(queryset.model, "authorships"):
            queryset = queryset.prefetch_related("authorships")
        return queryset


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in, with the user name's length checked before anyone is asked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets max_length after the field is built, so it is never checked, and a 10 KB
        # name reached django-axes (255 characters in its table). No account can have a longer
        # name, so refusing one uncounted lets no guess at a password through.
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class OwnEmailForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="Where tests of bulletins and the editors' notices reach you.",
    )


class EvidenceAdminSite(admin.AdminSite):
    site_header = "Evidence Bank editors"
    site_title = "Evidence Bank editors"
    index_title = "Editors' dashboard"
    index_template = "admin/editors_index.html"
    login_form = SignInForm

    def autocomplete_view(self, request):
        return PickerJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        return [
            path("guide/markup/", self.admin_view(self.markup_guide), name="markup_guide"),
            path("guide/links/", self.admin_view(self.link_lookup), name="link_lookup"),
            path("account/email/", self.admin_view(self.own_email), name="own_email"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        user = request.user
        if user.is_superuser or user.groups.filter(name=EDITORS).exists():
            extra_context = {"dashboard": editors_dashboard(), **(extra_context or {})}
        return super().index(request, extra_context)

    def markup_guide(self, request):
        context = {
            **self.each_context(request),
            "title": "The editors' markup",
            "parts": guide_parts(),
        }
        return TemplateResponse(request, "admin/markup_guide.html", context)

    def own_email(self, request):
        """Any signed-in editor sets their own email address here (changing user accounts
        is an administrator's permission; this is one's own address only)."""
        user = request.user
        form = OwnEmailForm(request.POST or None, initial={"email": user.email})
        back = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = ""
        if request.method == "POST" and form.is_valid():
            user.email = form.cleaned_data["email"]
            user.save(update_fields=["email"])
            messages.success(request, f"Your email address is now {user.email}.")
            return redirect(back or "admin:index")
        context = {
            **self.each_context(request),
            "title": "Your email address",
            "form": form,
            "back": back,
        }
        return TemplateResponse(request, "admin/own_email.html", context)

    def link_lookup(self, request):
        query = request.GET.get("q", "")[:100]
        targets = find_targets(query)
        if request.GET.get("format") == "json":
            return JsonResponse(
                {"results": [t.__dict__ for t in targets]}, json_dumps_params={"indent": 0}
            )
        context = {
            **self.each_context(request),
            "title": "Find something to link to",
            "query": query,
            "targets": targets,
        }
        return TemplateResponse(request, "admin/link_lookup.html", context)
