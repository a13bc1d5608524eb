"""Admin: pooled budgets are read-only here. Funds, allocations and contributions change
only through the app's services (validated and audited); ledger entries never change."""

from __future__ import annotations

from django.contrib import admin

from budgets.models import (
    Allocation,
    Contribution,
    ContributionChange,
    LedgerEntry,
    PooledFund,
    SchemeLine,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SchemeLineInline(admin.TabularInline):
    model = SchemeLine
    extra = 0
    fields = ("code", "name", "budget", "forecast_outturn")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ContributionInline(SchemeLineInline):
    model = Contribution
    fields = ("organisation", "fixed_share")
    readonly_fields = fields


@admin.register(PooledFund)
class PooledFundAdmin(ReadOnlyAdmin):
    list_display = ("reference", "name", "financial_year", "host_organisation", "status")
    list_filter = ("status", "financial_year")
    search_fields = ("reference", "name", "agreement_reference")
    inlines = [SchemeLineInline, ContributionInline]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "fund", "recipient", "amount", "status")
    list_filter = ("status",)
    search_fields = ("reference", "purpose")


@admin.register(ContributionChange)
class ContributionChangeAdmin(ReadOnlyAdmin):
    list_display = ("reference", "contribution", "amount_before", "new_amount", "status")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "fund", "kind", "amount", "reference", "actor")
    list_filter = ("kind",)
    search_fields = ("reference", "memo")

    def get_actions(self, request):
        return {}  # no bulk delete
