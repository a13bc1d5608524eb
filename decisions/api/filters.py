"""Filters of the decisions API's lists (django-filter; ``governance.api.filters``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from decisions.models import DecisionEntry, DecisionOutcome, DecisionType, Proposal
from governance.api.filters import day_range


class ProposalFilter(django_filters.FilterSet):
    """``status`` is checked by the view (its message names the statuses)."""

    organisation = django_filters.NumberFilter(
        method="by_organisation", label="Raised by, hosted by or affecting this organisation (id)"
    )
    decision_type = django_filters.NumberFilter(field_name="decision_type_id")
    created_after, created_before = day_range("created_at", "Raised")

    class Meta:
        model = Proposal
        fields = ["organisation", "decision_type", "created_after", "created_before"]

    def by_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(proposing_organisation_id=value)
            | Q(host_organisation_id=value)
            | Q(affected_organisations__id=value)
        ).distinct()


class RegisterEntryFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=DecisionOutcome.choices)
    decided_after, decided_before = day_range("decided_on", "Decided", of_datetime=False)
    committee = django_filters.NumberFilter(field_name="committee_id")

    class Meta:
        model = DecisionEntry
        fields = ["outcome", "decided_after", "decided_before", "committee"]


class DecisionTypeFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    sord_version = django_filters.NumberFilter(
        method="in_version",
        min_value=1,
        label="Delegated by a band of this SoRD version (its number)",
    )

    class Meta:
        model = DecisionType
        fields = ["code", "name", "sord_version"]

    def in_version(self, queryset, name, value):
        return queryset.filter(bands__version__number=value).distinct()
