"""Filtering and ordering shared by every list endpoint.

Filters are django-filter FilterSets (``filterset_class`` on the view; a bad value
answers 400 with the message by parameter). Ordering is ``?ordering=field`` or
``?ordering=-field``, only over the view's explicit ``ordering_fields`` allow-list: a
view without one offers no ordering (never "every serializer field").
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter


class AllowListOrdering(OrderingFilter):
    """``?ordering=`` over the view's ``ordering_fields`` only; unknown fields are 400."""

    def get_valid_fields(self, queryset, view, context=None):
        fields = getattr(view, "ordering_fields", None)
        if not fields or fields == "__all__":
            return []
        return [(f, f) for f in fields]

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        valid = {name for name, _ in self.get_valid_fields(queryset, view)}
        if params and valid:
            wanted = [p.strip() for p in params.split(",") if p.strip()]
            unknown = [p for p in wanted if p.lstrip("-") not in valid]
            if unknown:
                raise ValidationError(
                    {self.ordering_param: f"Order by one of: {', '.join(sorted(valid))}."}
                )
            return [*wanted, *self.tie_breaker(view)]
        return self.get_default_ordering(view)

    @staticmethod
    def tie_breaker(view) -> list[str]:
        return ["pk"]

    def get_schema_operation_parameters(self, view):
        fields = getattr(view, "ordering_fields", None)
        if not fields or fields == "__all__":
            return []
        return super().get_schema_operation_parameters(view)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number (``fund=1.5`` or ``fund=abc`` is a 400, not a
    silent rounding); ids out of range answer 404 (``governance.api.middleware``)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


def day_range(
    field_name: str, verb: str, *, of_datetime: bool = True
) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """The ``…_after`` and ``…_before`` pair of a list: ``verb`` on or after / on or
    before a day (both inclusive; a datetime field is compared by its UK date).

    ``created_after, created_before = day_range("created_at", "Raised")``
    """
    lookup = "date__" if of_datetime else ""
    return (
        django_filters.DateFilter(
            field_name=field_name, lookup_expr=f"{lookup}gte", label=f"{verb} on or after"
        ),
        django_filters.DateFilter(
            field_name=field_name, lookup_expr=f"{lookup}lte", label=f"{verb} on or before"
        ),
    )
