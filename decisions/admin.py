"""Admin: the SoRD is edited here (bands of a type validated together); proposals and
the register are read-only (they change only through the app's services)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from decisions import sord, sord_services
from decisions.models import DecisionEntry, DecisionType, Proposal, SordBand


class BandFormSet(forms.BaseInlineFormSet):
    """Validate the bands of one decision type as a whole: no overlaps, no gaps."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        bands = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]
        sord.validate_bands(bands)


class SordBandInline(admin.TabularInline):
    model = SordBand
    formset = BandFormSet
    extra = 0
    fields = sord_services.BAND_FIELDS


@admin.register(DecisionType)
class DecisionTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    inlines = [SordBandInline]

    def save_model(self, request, obj, form, change):
        if not change:
            saved = sord_services.decision_type_create(
                actor=request.user, code=obj.code, name=obj.name, description=obj.description
            )
            obj.pk = saved.pk
        else:
            obj.save()

    def save_related(self, request, form, formsets, change):
        # Bands go through the service so the whole set is validated and audited.
        form.save_m2m()
        for formset in formsets:
            bands = [
                {k: f.cleaned_data.get(k) for k in sord_services.BAND_FIELDS}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
            ]
            try:
                sord_services.sord_bands_replace(
                    actor=request.user,
                    decision_type=form.instance,
                    bands=bands,
                    reason="Changed in the admin",
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"SoRD not changed: {exc}", level=messages.ERROR)
                raise


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "status", "financial_value", "proposing_organisation")
    list_filter = ("status", "decision_type", "is_confidential")
    search_fields = ("reference", "title")


@admin.register(DecisionEntry)
class DecisionEntryAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "outcome", "decided_on", "decided_by")
    list_filter = ("outcome",)
    search_fields = ("reference", "title")
