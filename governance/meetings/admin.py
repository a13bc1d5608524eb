"""Committees and their members in the admin: read-only. The ICB secretariat manages them
in the app (/meetings/committees/…), through services that validate and audit."""

from django.contrib import admin

from governance.meetings.models import (
    Committee,
    CommitteeInCommon,
    CommitteeMember,
    CommitteeOrganisation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = CommitteeMember
    fields = ("user", "organisation", "role", "title", "is_voting", "valid_from", "valid_to")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrganisationInline(MemberInline):
    model = CommitteeOrganisation
    fields = ("organisation",)
    readonly_fields = fields


class BodyInline(MemberInline):
    model = CommitteeInCommon
    fk_name = "group"
    fields = ("body",)
    readonly_fields = fields


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "place", "organisation", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "place")
    inlines = [OrganisationInline, BodyInline, MemberInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ("user", "committee", "organisation", "role", "is_voting", "valid_from")
    list_filter = ("role", "committee")
    search_fields = ("user__username", "user__last_name", "committee__name")
