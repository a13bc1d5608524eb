"""Admin pages for organisations and memberships: read-only.

Organisations and people are managed in the app itself (``/manage/``) by role: the ICB
secretariat and each partner's secretariat, through audited services. A superuser can
still list and inspect the records here, but not add, change or delete them.
"""

from __future__ import annotations

from django.contrib import admin

from governance.organisations.models import Membership, Organisation


class ReadOnlyAdmin(admin.ModelAdmin):
    """List and detail views only."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "job_title", "start_date", "end_date")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "identifier", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "identifier")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "job_title", "start_date", "end_date")
    list_filter = ("role", "organisation")
    search_fields = ("user__username", "user__email", "organisation__name")
