from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from taggit.admin import TagAdmin
from taggit.models import Tag

from .models import Subject, SubjectRedirect
from .services import merge_subjects


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(), widget=forms.RadioSelect, label="Keep this subject"
    )


# Merging deletes the subjects merged away: only for those who may change and delete.
@admin.action(description="Merge the selected subjects into one…", permissions=["change", "delete"])
def merge_selected(modeladmin, request, queryset):
    subjects = list(queryset.order_by("name"))
    if len(subjects) < 2:
        messages.error(request, "Select at least two subjects to merge.")
        return None
    form = MergeForm(request.POST if "merge" in request.POST else None)
    form.fields["target"].queryset = queryset
    if form.is_valid():
        target = form.cleaned_data["target"]
        count = merge_subjects(target, [s for s in subjects if s.pk != target.pk])
        messages.success(
            request,
            f"Merged {len(subjects) - 1} subject(s) into “{target.name}” ({count} document(s) "
            "moved). Their old addresses now redirect to it.",
        )
        return None
    return TemplateResponse(
        request,
        "admin/subjects/merge.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Merge subjects",
            "subjects": subjects,
            "form": form,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class SubjectRedirectInline(admin.TabularInline):
    model = SubjectRedirect
    extra = 0
    fields = ("old_slug", "created")
    readonly_fields = ("created",)
    verbose_name = "old address"
    verbose_name_plural = "old addresses (they redirect here)"


admin.site.unregister(Tag)


@admin.register(Subject)
class SubjectAdmin(TagAdmin):
    """Subjects (tags). Renaming one, or changing its slug, keeps its old address working;
    merging moves documents to the subject kept and redirects the others' addresses."""

    actions = [merge_selected]
    inlines = [SubjectRedirectInline]
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
