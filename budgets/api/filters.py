"""Filters of the budgets API's lists (django-filter; see ``governance.api.filters``).

Each list view names its FilterSet (``filterset_class``) and its ordering allow-list
(``ordering_fields``); a bad value answers a JSON 400 by parameter. The filters only
narrow the caller's permission-scoped queryset, never widen it.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q

from budgets.models import (
    Allocation,
    AllocationStatus,
    CapitalCategory,
    CapitalScheme,
    EnvelopeStatus,
    FundStatus,
    MonthlyReturn,
    MonthlyReturnStatus,
    PooledFund,
    SchemeStatus,
    SystemEnvelope,
)
from governance.api.filters import IdFilter, day_range


class FundFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FundStatus.choices)
    financial_year = django_filters.NumberFilter(
        label="Financial year, by the year it starts (2026 = 2026/27)"
    )
    host_organisation = IdFilter(field_name="host_organisation_id")
    partner = IdFilter(
        method="by_partner", label="Hosted by or contributed to by this organisation (id)"
    )

    class Meta:
        model = PooledFund
        fields = ["status", "financial_year", "host_organisation", "partner"]

    def by_partner(self, queryset, name, value):
        return queryset.filter(
            Q(host_organisation_id=value) | Q(contributions__organisation_id=value)
        ).distinct()


class AllocationFilter(django_filters.FilterSet):
    fund = IdFilter(field_name="fund_id", label="Only this fund's")
    status = django_filters.ChoiceFilter(choices=AllocationStatus.choices)
    recipient = IdFilter(field_name="recipient_id")
    requesting_organisation = IdFilter(field_name="requesting_organisation_id")
    scheme_line = IdFilter(field_name="scheme_line_id")
    min_amount = django_filters.NumberFilter(
        field_name="amount", lookup_expr="gte", label="Amount at least (£)"
    )
    max_amount = django_filters.NumberFilter(
        field_name="amount", lookup_expr="lte", label="Amount at most (£)"
    )
    created_after, created_before = day_range("created_at", "Requested")

    class Meta:
        model = Allocation
        fields = [
            "fund",
            "status",
            "recipient",
            "requesting_organisation",
            "scheme_line",
            "min_amount",
            "max_amount",
            "created_after",
            "created_before",
        ]


class EnvelopeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EnvelopeStatus.choices)
    financial_year = django_filters.NumberFilter(
        label="Financial year, by the year it starts (2026 = 2026/27)"
    )

    class Meta:
        model = SystemEnvelope
        fields = ["status", "financial_year"]


class SubmissionFilter(django_filters.FilterSet):
    envelope = IdFilter(field_name="month__envelope_id")
    month = django_filters.NumberFilter(
        field_name="month__month", label="Month of the financial year: 1 (April) to 12 (March)"
    )
    status = django_filters.ChoiceFilter(choices=MonthlyReturnStatus.choices)
    organisation = IdFilter(
        field_name="line__organisation_id", label="The partner's returns only (id)"
    )
    is_late = django_filters.BooleanFilter()

    class Meta:
        model = MonthlyReturn
        fields = ["envelope", "month", "status", "organisation", "is_late"]


class CapitalSchemeFilter(django_filters.FilterSet):
    envelope = IdFilter(field_name="envelope_id")
    organisation = IdFilter(field_name="organisation_id")
    status = django_filters.ChoiceFilter(choices=SchemeStatus.choices)
    category = django_filters.ChoiceFilter(choices=CapitalCategory.choices)
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label="Prioritisation score at least"
    )

    class Meta:
        model = CapitalScheme
        fields = ["envelope", "organisation", "status", "category", "min_score"]
