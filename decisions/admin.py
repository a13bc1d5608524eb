"""Admin: read-only. The SoRD changes only through its versions in the app (a draft the
board approves), proposals and the register only through the app's services, so
nothing here can bypass the versioning, the validation or the audit trail."""

from __future__ import annotations

from django.contrib import admin

from decisions.models import (
    ChairsAction,
    DecisionEntry,
    DecisionType,
    OfficerPost,
    PostHolder,
    Proposal,
    SordBand,
    SordVersion,
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


class SordBandInline(admin.TabularInline):
    model = SordBand
    extra = 0
    fields = (
        "decision_type",
        "min_value",
        "max_value",
        "decided_by",
        "committee",
        "officer_post",
        "signoff_rule",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SordVersion)
class SordVersionAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "effective_from", "approved_on")
    inlines = [SordBandInline]


@admin.register(DecisionType)
class DecisionTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "code")


@admin.register(SordBand)
class SordBandAdmin(ReadOnlyAdmin):
    list_display = ("version", "decision_type", "min_value", "max_value", "decided_by")
    list_filter = ("version", "decision_type")


@admin.register(OfficerPost)
class OfficerPostAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "is_active")


@admin.register(PostHolder)
class PostHolderAdmin(ReadOnlyAdmin):
    list_display = ("post", "user", "valid_from", "valid_to")


@admin.register(ChairsAction)
class ChairsActionAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "committee", "chair", "second_member", "outcome", "decided_on")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "status", "financial_value", "proposing_organisation")
    list_filter = ("status", "decision_type", "is_confidential")
    search_fields = ("reference", "title")


@admin.register(DecisionEntry)
class DecisionEntryAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "outcome", "decided_on", "route", "decided_by")
    list_filter = ("outcome", "route")
    search_fields = ("reference", "title")
