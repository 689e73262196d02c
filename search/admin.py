from django.contrib import admin, messages
from django.db import transaction

from .models import RankingBoosts, SynonymGroup
from .tasks import rescore_documents


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ("__str__", "note", "updated")
    search_fields = ("terms", "note")


@admin.register(RankingBoosts)
class RankingBoostsAdmin(admin.ModelAdmin):
    """One row: how much a document's standing adds to its relevance in every search."""

    list_display = ("__str__", "seminal", "key", "review", "guidance", "recency", "updated")
    fieldsets = [
        ("Roles and kinds", {"fields": ["seminal", "key", "review", "guidance"]}),
        ("Age", {"fields": ["recency"]}),
        ("Certainty of evidence", {"fields": ["high_certainty", "moderate_certainty"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RankingBoosts.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(rescore_documents.enqueue)
        messages.info(
            request,
            "Every document's ranking is being worked out again in the background; searches "
            "use the new boosts within a minute or two on a large bank.",
        )
