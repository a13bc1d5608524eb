"""Pages of long lists that cost the same at any size: the page's keys first, then its rows.

A page of a permission-scoped list (``visible_to(user)`` with its joins) asked in one
query makes the database join and sort *every* visible row, with all its columns and
the joined tables' columns, to keep fifty: on 20,000 proposals that sort dominated
the request. ``DeferredJoinPaginator`` asks for the page's primary keys alone (the
list's own filter and order, none of the joins it only needs for display), then for
those rows with their joins and prefetches, by primary key, in the same order. One
query more per page; the wide rows are read for the page only.

``DeferredJoinPagination`` is DRF's ``PageNumberPagination`` (same parameters, same
response and schema) with that paginator.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from rest_framework.pagination import PageNumberPagination


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
    """``list(queryset[bottom:top])``, read as keys first, then rows by key."""
    if not _keys_first(queryset):
        return list(queryset[bottom:top])
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not ids:
        return []
    # still the scoped queryset (its filter again, now over the page's keys only)
    by_pk = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


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
