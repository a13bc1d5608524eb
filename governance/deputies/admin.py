from django.contrib import admin

from governance.deputies.models import DeputyAppointment


@admin.register(DeputyAppointment)
class DeputyAppointmentAdmin(admin.ModelAdmin):
    """Read-only: deputies are appointed and ended in the app, each change audited."""

    list_display = ("deputy", "principal", "organisation", "valid_from", "valid_to", "ended_at")
    list_filter = ("organisation",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
