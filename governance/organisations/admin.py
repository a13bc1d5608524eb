"""Admin pages for organisations and memberships; every save goes through a service."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from governance.forms import add_service_errors
from governance.organisations import services
from governance.organisations.models import Membership, Organisation

ORG_FIELDS = ("name", "identifier", "kind", "is_active")
MEMBERSHIP_EDITABLE = ("role", "job_title", "start_date", "end_date")


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORG_FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Organisation(pk=self.instance.pk, **{f: data.get(f) for f in ORG_FIELDS})
        try:
            services.organisation_validate(candidate)
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "organisation", *MEMBERSHIP_EDITABLE)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Membership(
            user=data.get("user") or self.instance.user,
            organisation=data.get("organisation") or self.instance.organisation,
            **{f: data.get(f) for f in MEMBERSHIP_EDITABLE},
        )
        try:
            services.membership_validate(candidate)
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data


class ServiceAdminMixin:
    """Route the admin's saves through services so each leaves its audit event."""

    def has_delete_permission(self, request, obj=None):
        return False  # history matters: deactivate or end instead

    def _run(self, request, func, **kwargs):
        try:
            return func(actor=request.user, reason="Changed in the admin", **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, f"Not saved: {exc}", level=messages.ERROR)
            raise


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "job_title", "start_date", "end_date")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "identifier", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "identifier")
    form = OrganisationAdminForm
    fields = ORG_FIELDS
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ORG_FIELDS}
        if change:
            saved = self._run(request, services.organisation_update, organisation=obj, **data)
        else:
            saved = self._run(request, services.organisation_create, **data)
        obj.pk = saved.pk


@admin.register(Membership)
class MembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "job_title", "start_date", "end_date")
    list_filter = ("role", "organisation")
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("organisation",)
    form = MembershipAdminForm

    def get_readonly_fields(self, request, obj=None):
        return ("user", "organisation") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            data = {f: form.cleaned_data[f] for f in MEMBERSHIP_EDITABLE}
            saved = self._run(request, services.membership_update, membership=obj, **data)
        else:
            saved = self._run(
                request,
                services.membership_create,
                user=form.cleaned_data["user"],
                organisation=form.cleaned_data["organisation"],
                **{f: form.cleaned_data[f] for f in MEMBERSHIP_EDITABLE},
            )
        obj.pk = saved.pk
