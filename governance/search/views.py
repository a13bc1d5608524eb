"""The search pages: ``/search/`` (signed in) and ``/public/search/`` (anybody, public
records only). One box, a filter by kind, ranked and paged hits with snippets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from governance.search.query import PER_PAGE, search


def _page_number(value) -> int:
    return int(value) if str(value or "").isdigit() and 0 < int(value) < 10_000 else 1


def _render(request, *, public: bool):
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    number = _page_number(request.GET.get("page"))
    results = search(request.user, q, kind=kind, page=number, public=public)
    page = Paginator(range(results.total), PER_PAGE).get_page(results.page)
    query = urlencode({k: v for k, v in (("q", results.query), ("kind", results.kind)) if v})
    return render(
        request,
        "search/search.html",
        {
            "results": results,
            "public": public,
            "page": page,
            "query": query,
            "action": "/public/search/" if public else "/search/",
            "kinds": [k for k in results.kind_counts if not public or k[0] in PUBLIC_KINDS],
        },
    )


PUBLIC_KINDS = {"decision", "paper", "minutes"}


@login_required
def search_page(request):
    return _render(request, public=False)


def public_search(request):
    return _render(request, public=True)
