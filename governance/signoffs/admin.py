from django.contrib import admin

from governance.signoffs.models import ConflictDeclaration, SignOff


class ConflictInline(admin.TabularInline):
    model = ConflictDeclaration
    extra = 0
    can_delete = False
    readonly_fields = ("person", "interest", "description", "handling", "recorded_at")


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    """Read-only: sign-offs are made in the app, each one audited."""

    list_display = ("subject_type", "subject_id", "round", "organisation", "status", "signatory")
    list_filter = ("status", "subject_type")
    inlines = [ConflictInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
