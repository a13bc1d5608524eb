"""Pages of long lists that cost the same at any size: the page's keys first, then its rows.

A page of a permission-scoped list (``visible_to(user)`` with its joins) asked as
``… ORDER BY … LIMIT 50`` makes the database join and sort *every* visible row, with
all its columns and the joined tables' columns, to keep fifty: on 8,000 register
entries or 20,000 proposals that sort dominated the request. ``DeferredJoinPaginator``
chooses the page's primary keys in a subquery (the list's own filter and order, none
of the joins it only needs for display) and reads those rows with their joins and
prefetches: the same number of queries, the wide rows read for the page only.

``DeferredJoinPagination`` is DRF's ``PageNumberPagination`` (same parameters, same
response and schema) with that paginator.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Lookup, QuerySet
from django.db.models.query import ModelIterable
from rest_framework.pagination import PageNumberPagination


class AnyOf(Lookup):
    """``lhs = ANY(rhs)`` (PostgreSQL), for ``rhs`` an array."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _keys_first(queryset) -> bool:
    """Can this list be read keys first? A queryset of model instances, not already
    sliced, not DISTINCT (its ORDER BY must be selected) nor a UNION."""
    query = getattr(queryset, "query", None)
    return (
        isinstance(queryset, QuerySet)
        and queryset._iterable_class is ModelIterable
        and not query.is_sliced
        and not query.distinct
        and not query.combinator
    )


def rows_of_slice(queryset: QuerySet, bottom: int, top: int) -> list:
    """``list(queryset[bottom:top])``, the page's keys chosen first: one query,
    ``… WHERE pk = ANY(ARRAY(SELECT pk … ORDER BY … LIMIT n OFFSET m)) ORDER BY …``
    (``pk IN (SELECT …)`` elsewhere than PostgreSQL), so the joins and wide columns are
    read for the page's rows only."""
    if not _keys_first(queryset):
        return list(queryset[bottom:top])
    keys = queryset.values("pk")[bottom:top]
    # the outer query is still the scoped queryset (its filter again, on the page only)
    if connections[queryset.db].vendor == "postgresql":
        # ``pk = ANY(ARRAY(…))``: the keys are an init plan, then one index look-up
        # each; with ``pk IN (…)`` PostgreSQL hash-joins every visible row first
        return list(queryset.filter(AnyOf(F("pk"), ArraySubquery(keys))))
    return list(queryset.filter(pk__in=keys))


class DeferredJoinPaginator(Paginator):
    """A ``Paginator`` whose pages are read keys first (``rows_of_slice``) when the
    list allows it (see ``_keys_first``), else as usual."""

    def page(self, number):
        if not _keys_first(self.object_list):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_of_slice(self.object_list, bottom, top), number, self)


class DeferredJoinPagination(PageNumberPagination):
    """The API's page-number pagination, pages read keys first."""

    django_paginator_class = DeferredJoinPaginator
