"""Filters of the risks API's lists (django-filter; see ``governance.api.filters``).

The register's filters are the web register's and the heat map's
(``governance.risks.selectors.RegisterFilter``): ``RiskFilter`` declares them for
django-filter (validation, the published schema); the view narrows through that one class, so
the three never disagree. A bad value answers a JSON 400 by parameter.
"""

from __future__ import annotations

import django_filters

from governance.api.filters import IdFilter, day_range
from governance.risks.models import (
    EscalatedTo,
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    Risk,
    RiskCategory,
    RiskStatus,
)
from governance.risks.selectors import RegisterFilter


def _rating(label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(label=label, min_value=1, max_value=5)


def _score(label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(label=label, min_value=1, max_value=25)


class RiskFilter(django_filters.FilterSet):
    """Without any of these parameters the list is the live register (open, treated,
    tolerated); ``status=all`` lists every status."""

    organisation = django_filters.CharFilter(label="Owned by or shared with (id or code)")
    category = django_filters.CharFilter(label="Category id or code")
    status = django_filters.ChoiceFilter(
        choices=[*RiskStatus.choices, (RegisterFilter.STATUS_ALL, "Every status")],
        label="Default: the register (open, treated, tolerated)",
    )
    score = _score("Current score exactly")
    min_score = _score("Current score at least")
    max_score = _score("Current score at most")
    likelihood = _rating("Current likelihood (1–5)")
    consequence = _rating("Current consequence (1–5)")
    objective = IdFilter(label="Strategic objective id")

    class Meta:
        model = Risk
        fields = [
            "organisation",
            "category",
            "status",
            "score",
            "min_score",
            "max_score",
            "likelihood",
            "consequence",
            "objective",
        ]

    def filter_queryset(self, queryset):
        # The view narrows the list through RegisterFilter itself (its default is the
        # live register, with or without parameters); this FilterSet validates them.
        return queryset


class EscalationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EscalationStatus.choices)
    outcome = django_filters.ChoiceFilter(choices=EscalationOutcome.choices)
    escalated_to = django_filters.ChoiceFilter(choices=EscalatedTo.choices)
    risk = IdFilter(field_name="risk_id")
    organisation = IdFilter(
        field_name="risk__owning_organisation_id", label="Of risks this organisation owns (id)"
    )
    raised_after, raised_before = day_range("raised_at", "Raised")

    class Meta:
        model = Escalation
        fields = [
            "status",
            "outcome",
            "escalated_to",
            "risk",
            "organisation",
            "raised_after",
            "raised_before",
        ]


class RiskCategoryFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    is_active = django_filters.BooleanFilter()
    max_appetite = django_filters.NumberFilter(
        field_name="appetite__max_score",
        lookup_expr="lte",
        min_value=1,
        max_value=25,
        label="Appetite (the highest acceptable score) at most",
    )

    class Meta:
        model = RiskCategory
        fields = ["code", "is_active", "max_appetite"]
