"""Every list page and list endpoint costs the same number of queries at any size.

On the demo ICS, each list is requested after N more of its rows are added, then after
5N more: the number of queries must not change (no query per row) and stays within
``BUDGET``. The API list endpoints are found in the URL configuration (every route
named ``…-list`` under ``/api/``), so a new endpoint is pinned without editing this
file; its extra rows are copies of the records the endpoint itself returned.

Rows are copied with the ORM (unique fields varied), not written through services:
what is measured is reading them.
"""

from __future__ import annotations

import copy
import datetime
import itertools
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

BUDGET = 15
# The inbox answers five lists (sign-offs, tasks, blocked, chair's, counts) and loads
# the records signed off once per kind on the page (proposals, allocations, risks…).
BUDGETS = {"/inbox/": 16}
N = 3
_counter = itertools.count(1)


# --- copying rows -----------------------------------------------------------------------


def _unique_groups(model) -> list[tuple[str, ...]]:
    groups = [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    groups += [tuple(u) for u in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            groups.append(tuple(constraint.fields))
    return groups


# Never copied to make room: who may see a row depends on these being the same.
SHARED = {"contenttypes.ContentType", "auth.User", "organisations.Organisation"}


def _vary(obj, field, n: int, kind: str) -> bool:
    """Give ``obj`` a new value of ``field`` if it is of ``kind``."""
    value = getattr(obj, field.attname)
    if kind == "text" and isinstance(field, models.CharField | models.SlugField):
        if field.choices:
            return False
        suffix = f"-q{n}"
        setattr(obj, field.attname, (str(value or ""))[: field.max_length - len(suffix)] + suffix)
        return True
    if kind == "time" and isinstance(field, models.DateTimeField):
        start = value or datetime.datetime.now(datetime.UTC)
        setattr(obj, field.attname, start + datetime.timedelta(seconds=n))
        return True
    if kind == "time" and isinstance(field, models.DateField):
        start = value or datetime.date(2026, 1, 1)
        setattr(obj, field.attname, start + datetime.timedelta(days=n))
        return True
    if (
        kind == "link"
        and isinstance(field, models.ForeignKey)
        and value is not None
        and field.related_model._meta.label not in SHARED
    ):
        parent = getattr(obj, field.name)
        setattr(obj, field.name, clone(parent))
        return True
    if kind == "number" and isinstance(field, models.IntegerField) and not field.choices:
        setattr(obj, field.attname, (value or 0) + n)
        return True
    return False


def _within_condition(model, obj, group: tuple[str, ...]) -> bool:
    """False when ``group`` is a partial unique constraint (e.g. one open draft SoRD
    version) whose condition ``obj`` does not meet."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and tuple(constraint.fields) == group
            and constraint.condition is not None
        ):
            values = {f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            return constraint.condition.check(values)
    return True


def clone(obj):
    """A copy of ``obj`` (same organisation, status and links; unique fields varied, a
    record it must be the only one for copied too), so whoever sees ``obj`` sees it."""
    model = type(obj)
    fields = {f.name: f for f in model._meta.concrete_fields}
    n = next(_counter)
    new = copy.copy(obj)
    new.pk = None
    new._state = copy.copy(obj._state)
    new._state.adding = True
    new._state.fields_cache = {}
    for group in _unique_groups(model):
        names = [fields[name] for name in group if name in fields]
        if any(getattr(new, f.attname) is None for f in names):
            continue  # NULLs never clash
        if not _within_condition(model, new, group):
            continue  # a partial unique constraint the copy is outside of
        tries = [(kind, f) for kind in ("text", "time", "link") for f in names]
        tries += [("number", f) for f in reversed(names)]  # a round before a record's id
        if not any(_vary(new, f, n, kind) for kind, f in tries):
            pytest.fail(f"cannot copy a {model.__name__}: nothing to vary in {group}")
    new.save(force_insert=True)
    return new


def grow(queryset, times: int) -> None:
    rows = list(queryset[:5])
    assert rows, f"the demo has no {queryset.model.__name__} to copy"
    for i in range(times):
        clone(rows[i % len(rows)])


# --- what is measured --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url_name: str
    user: object  # demo username, or () -> one; None: anonymous
    rows: object  # () -> the queryset whose rows the page lists


def _model(label):
    return apps.get_model(label)


def _pending_signoffs():
    from governance.signoffs.models import SignOff, SignOffStatus

    return SignOff.objects.filter(status=SignOffStatus.PENDING, organisation=_inbox_org())


def _inbox_org():
    """The organisation with the most open sign-offs in the demo."""
    from django.db.models import Count

    from governance.signoffs.models import SignOff, SignOffStatus

    return (
        SignOff.objects.filter(status=SignOffStatus.PENDING)
        .values_list("organisation", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )


def _inbox_signatory() -> str:
    """A signatory of that organisation; one with no declared interests if there is one
    (for someone with interests, the parties of each listed record are also looked up:
    once per record, so a page of 25 sign-offs costs at most 25 more)."""
    from governance.interests.models import Interest
    from governance.organisations.models import Membership, Role

    signatories = Membership.objects.filter(organisation=_inbox_org(), role=Role.SIGNATORY)
    free = signatories.exclude(user__in=Interest.objects.values("person"))
    return (free if free.exists() else signatories).values_list("user__username", flat=True)[0]


PAGES = {
    "inbox": Page("signoffs:inbox", _inbox_signatory, _pending_signoffs),
    "public": Page("meetings:public", None, lambda: _model("meetings.Committee").objects.all()),
    "risks": Page("risks:list", "icb.secretariat", lambda: _model("risks.Risk").objects.all()),
    "decisions": Page(
        "decisions:register",
        None,
        lambda: _model("decisions.DecisionEntry").objects.filter(is_confidential=False),
    ),
    "proposals": Page(
        "decisions:proposal-list",
        "icb.secretariat",
        lambda: _model("decisions.Proposal").objects.all(),
    ),
    "funds": Page(
        "budgets:funds", "icb.secretariat", lambda: _model("budgets.PooledFund").objects.all()
    ),
    "meetings": Page(
        "meetings:index", "icb.secretariat", lambda: _model("meetings.Meeting").objects.all()
    ),
    "interests": Page(
        "interests:register", None, lambda: _model("interests.Interest").objects.all()
    ),
}


def api_list_names() -> list[str]:
    """Names of every list route under /api/ in the URL configuration."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and p.name.endswith("-list"):
                name = prefix + p.name
                if reverse(name).startswith("/api/"):
                    found.append(name)

    walk(get_resolver().url_patterns)
    return sorted(set(found))


# --- the demo, loaded once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_module):
    """The demo ICS, loaded once for the module (``tests/conftest.py::demo_module``)."""


def _client(username) -> Client:
    client = Client()
    if callable(username):
        username = username()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(ctx.captured_queries)


def _check(url: str, client: Client, add) -> None:
    global _counter
    _counter = itertools.count(1)  # each test's rows are rolled back: small steps suffice
    add(N)
    small = _queries(client, url)
    add(5 * N)
    large = _queries(client, url)
    assert small == large, f"{url}: {small} queries, then {large} with {5 * N} more rows"
    budget = BUDGETS.get(url, BUDGET)
    assert large <= budget, f"{url}: {large} queries (budget {budget})"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_page_queries_do_not_grow_with_rows(demo, db, page):
    spec = PAGES[page]
    _check(reverse(spec.url_name), _client(spec.user), lambda k: grow(spec.rows(), k))


def test_audit_trail_queries_do_not_grow_with_events(demo, db):
    from governance.audit.services import audit_bulk_append

    def add(k):
        now = datetime.datetime.now(datetime.UTC)
        audit_bulk_append(
            {
                "timestamp": now,
                "actor": "seed",
                "verb": "organisation.updated",
                "target_type": "organisations.organisation",
                "target_id": "1",
                "target_label": "copy",
                "changes": {},
            }
            for _ in range(k)
        )

    _check(reverse("audit-trail"), _client("icb.secretariat"), add)


@pytest.mark.parametrize("name", api_list_names())
def test_api_list_queries_do_not_grow_with_rows(demo, db, name):
    url = reverse(name)
    match = get_resolver().resolve(url)
    view = match.func.cls(action="list", request=None, format_kwarg=None, kwargs={})
    model = view.get_serializer_class().Meta.model
    for user in ("icb.auditor", _inbox_signatory()):  # the second: lists of one's own
        client = _client(user)
        body = client.get(url).json()
        items = body["results"] if isinstance(body, dict) and "results" in body else body
        if items:
            break
    lookup = getattr(view, "lookup_field", "pk")
    keys = [item.get(lookup, item.get("id")) for item in items if isinstance(item, dict)]
    shown = model._default_manager.filter(**{f"{lookup if lookup != 'pk' else 'pk'}__in": keys})
    if not keys:
        pytest.skip(f"{url}: the demo shows the auditor and a signatory none")
    _check(url, client, lambda k: grow(shown, k))
