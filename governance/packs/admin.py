"""Read-only view of background jobs for administrators (changes go through services)."""

from django.contrib import admin

from governance.packs.models import RenderJob


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress", "created_by", "created_at", "duration_ms")
    list_filter = ("status", "kind")
    search_fields = ("kind", "message", "result_name")
    readonly_fields = [f.name for f in RenderJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
