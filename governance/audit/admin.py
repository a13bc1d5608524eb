"""The audit trail in the admin: read-only."""

from django.contrib import admin

from governance.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "timestamp", "actor_label", "organisation", "verb", "target_label")
    list_filter = ("verb", "target_type")
    search_fields = ("target_label", "actor_label", "reason", "request_id")
    ordering = ("-seq",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
