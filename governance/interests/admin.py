from django.contrib import admin

from governance.interests.models import Interest


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    """Read-only here: declarations are made through the app so each is audited."""

    list_display = ("person", "interest_type", "related_organisation", "valid_from", "valid_to")
    list_filter = ("interest_type",)
    search_fields = ("person__username", "person__last_name", "description")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
