"""Admin: appetite and strategic objectives are edited here through audited services;
risk categories (managed in the app's Manage area), risks and their history are
read-only (they change only through the app's services)."""

from __future__ import annotations

from django.contrib import admin

from governance.risks import policy, services
from governance.risks.models import (
    Assessment,
    Escalation,
    ReviewTask,
    Risk,
    RiskAppetite,
    RiskCategory,
    StrategicObjective,
)
from governance.risks.services.framework import CATEGORY_FIELDS, OBJECTIVE_FIELDS


class FrameworkAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return policy.can_change_framework(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_change_framework(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskCategory)
class RiskCategoryAdmin(admin.ModelAdmin):
    """Read-only: the ICB secretariat manages categories in the app (``/manage/``)."""

    list_display = ("name", "code", "responsible_committee", "appetite", "position", "is_active")
    list_filter = ("is_active",)
    fields = (*CATEGORY_FIELDS, "is_active")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskAppetite)
class RiskAppetiteAdmin(FrameworkAdmin):
    list_display = ("category", "level", "max_score")
    fields = ("category", "level", "max_score", "statement")

    def get_readonly_fields(self, request, obj=None):
        return ("category",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return policy.can_change_framework(request.user)

    def save_model(self, request, obj, form, change):
        saved = services.appetite_set(
            actor=request.user,
            category=obj.category,
            level=form.cleaned_data["level"],
            max_score=form.cleaned_data["max_score"],
            statement=form.cleaned_data.get("statement", ""),
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.appetite_remove(actor=request.user, category=obj.category)

    def delete_queryset(self, request, queryset):
        for appetite in queryset.select_related("category"):
            services.appetite_remove(actor=request.user, category=appetite.category)


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(FrameworkAdmin):
    list_display = ("code", "title", "executive_lead", "is_active")
    fields = OBJECTIVE_FIELDS

    def save_model(self, request, obj, form, change):
        original = StrategicObjective.objects.get(pk=obj.pk) if change else None
        saved = services.objective_save(
            actor=request.user,
            objective=original,
            **{f: form.cleaned_data[f] for f in OBJECTIVE_FIELDS},
        )
        obj.pk = saved.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "owning_organisation", "status", "current_score")
    list_filter = ("status", "category")
    search_fields = ("reference", "title")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("risk", "kind", "assessed_on", "likelihood", "consequence", "score")


@admin.register(ReviewTask)
class ReviewTaskAdmin(ReadOnlyAdmin):
    list_display = ("risk", "due_date", "status", "assignee")
    list_filter = ("status",)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("risk", "destination", "score", "status", "outcome", "raised_at")
    list_filter = ("status", "escalated_to")
