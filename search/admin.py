from django.contrib import admin

from .models import SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ("__str__", "note", "updated")
    search_fields = ("terms", "note")
