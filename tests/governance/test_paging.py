"""Pages read keys first (governance.paging): the same rows in the same order as a plain
slice, from the same permission-scoped list, with the joins and prefetches of the list;
lists it cannot read that way (values, DISTINCT, UNION, already sliced) are paged as
usual; the API keeps its documented page shape."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.organisations.models import Organisation, OrganisationKind
from governance.paging import DeferredJoinPaginator, rows_of_slice

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return [
        Organisation.objects.create(
            name=f"Primary Care Network {n:02d}", identifier=f"U{n:05d}", kind=OrganisationKind.PCN
        )
        for n in range(12)
    ]


def test_same_rows_same_order_as_a_plain_slice(orgs):
    qs = Organisation.objects.filter(kind=OrganisationKind.PCN).order_by("-name")
    for bottom, top in [(0, 5), (5, 10), (10, 15), (20, 25)]:
        assert rows_of_slice(qs, bottom, top) == list(qs[bottom:top])


def test_the_page_chooses_its_keys_in_a_subquery(orgs):
    qs = Organisation.objects.filter(kind=OrganisationKind.PCN).order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page = DeferredJoinPaginator(qs, 5).page(2)
        rows = list(page.object_list)
    assert [o.name for o in rows] == [f"Primary Care Network {n:02d}" for n in range(5, 10)]
    count, page_sql = (q["sql"] for q in queries.captured_queries)  # no query more
    assert "COUNT(*)" in count
    # pk IN (SELECT …), or pk = ANY(ARRAY(SELECT …)) on PostgreSQL
    outer, keys = page_sql.split("(SELECT ", 1)
    assert '"name"' in outer.split("FROM")[0]  # the page's rows, wide
    assert '"name"' not in keys.split("FROM")[0] and "LIMIT 5 OFFSET 5" in keys  # keys alone
    # the same as Django's own paginator gives
    assert rows == list(Paginator(qs, 5).page(2).object_list)


def test_the_rows_are_read_from_the_same_scoped_list(orgs):
    """The outer query repeats the list's own filter (never a row the list does not
    hold, even one that left it since the keys were chosen)."""
    qs = Organisation.objects.filter(kind=OrganisationKind.PCN, is_active=True).order_by("name")
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of_slice(qs, 0, 3)
    (sql,) = (q["sql"] for q in queries.captured_queries)
    outer_where = sql.split("WHERE", 1)[1].split("(SELECT ", 1)[0]
    assert '"is_active"' in outer_where and '"kind"' in outer_where
    assert len(rows) == 3


@pytest.mark.parametrize(
    "make",
    [
        lambda qs: qs.values("pk", "name"),
        lambda qs: qs.distinct(),
        lambda qs: qs.order_by().union(qs.order_by()).order_by("name"),
        lambda qs: qs[:7],
    ],
    ids=["values", "distinct", "union", "sliced"],
)
def test_lists_it_cannot_read_keys_first_are_paged_as_usual(orgs, make):
    qs = make(Organisation.objects.filter(kind=OrganisationKind.PCN).order_by("name"))
    assert list(DeferredJoinPaginator(qs, 5).page(1).object_list) == list(
        Paginator(qs, 5).page(1).object_list
    )
    assert rows_of_slice(qs, 0, 5) == list(qs[0:5])


def test_an_empty_page_and_a_plain_list(orgs):
    qs = Organisation.objects.filter(kind=OrganisationKind.VCSE)
    assert rows_of_slice(qs, 0, 5) == []
    assert list(DeferredJoinPaginator(["a", "b", "c"], 2).page(2).object_list) == ["c"]


def test_the_api_pages_keys_first_with_its_documented_shape(client, superuser):
    from django.conf import settings

    assert (
        settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]
        == "governance.paging.DeferredJoinPagination"
    )
    client.force_login(superuser)
    body = client.get("/api/v1/organisations/").json()
    assert set(body) == {"count", "next", "previous", "results"}
