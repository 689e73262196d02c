from django.contrib import admin

from editorial.admin import EditorialAdmin
from markup.admin import MarkupAdminMixin, ProtectLinkedAdminMixin

from .models import HotTopic, TopicDocument


class TopicDocumentInline(admin.TabularInline):
    model = TopicDocument
    extra = 0
    autocomplete_fields = ["document"]
    ordering = ["position", "pk"]


@admin.register(HotTopic)
class HotTopicAdmin(ProtectLinkedAdminMixin, MarkupAdminMixin, EditorialAdmin):
    preview = True
    list_display = ("title", "search_query", "published", "last_revised")
    list_filter = ("published",)
    search_fields = ("title", "standfirst", "essay")
    inlines = [TopicDocumentInline]

    def get_readonly_fields(self, request, obj=None):
        return ("slug",) if obj else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ("title",)}
