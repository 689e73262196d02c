from django.contrib import admin

from .models import EditorMessage


@admin.register(EditorMessage)
class EditorMessageAdmin(admin.ModelAdmin):
    list_display = ("received", "kind", "name", "email", "about", "handled")
    list_filter = ("kind", "handled")
    search_fields = ("name", "email", "message", "suggested_title")
    list_select_related = ("cell__matrix", "cell__column", "cell__row", "document")
    readonly_fields = (
        "kind",
        "cell",
        "document",
        "name",
        "email",
        "message",
        "suggested_title",
        "suggested_reference",
        "received",
    )
    actions = ["mark_handled"]
    date_hierarchy = "received"

    def has_add_permission(self, request):
        return False  # messages come from readers through the site's forms

    @admin.display(description="About")
    def about(self, message):
        return message.cell or message.document or "—"

    @admin.action(description="Mark the selected messages as handled")
    def mark_handled(self, request, queryset):
        updated = queryset.update(handled=True)
        self.message_user(request, f"{updated} message(s) marked as handled.")
