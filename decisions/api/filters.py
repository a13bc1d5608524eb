"""Filters of the decisions API's lists (django-filter; ``governance.api.filters``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from decisions.models import DecisionEntry, DecisionOutcome, DecisionType, Proposal


class ProposalFilter(django_filters.FilterSet):
    """``status`` is checked by the view (its message names the statuses)."""

    organisation = django_filters.NumberFilter(
        method="by_organisation", label="Raised by, hosted by or affecting this organisation (id)"
    )
    decision_type = django_filters.NumberFilter(field_name="decision_type_id")
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Raised on or after"
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Raised on or before"
    )

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
    decided_after = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label="Decided on or after"
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label="Decided on or before"
    )
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
