"""Every list of the API, found from the URL conf (every route named ``…-list`` under
/api/), filters through a django-filter FilterSet and orders over an allow-list:

- each declares ``filterset_class`` and a non-empty ``ordering_fields``;
- every allowed ordering, ascending and descending, answers 200; an unknown one a JSON
  400 naming ``ordering``;
- a bad value for a typed filter (an id, a choice, a number, a date) answers a JSON 400
  naming the parameter;
- on the demo ICS, one real filter per list keeps only matching rows and narrows the
  list (``EXAMPLES``; a new list without an example fails here).
"""

from __future__ import annotations

import django_filters
import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from governance.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _lists() -> dict[str, tuple[str, type]]:
    """url name -> (path, view class) of every API list route."""
    found = {}
    for route, entry in _walk(get_resolver()):
        cls = getattr(entry.callback, "cls", None)
        if route.startswith("api/") and (entry.name or "").endswith("-list") and cls:
            path = "/" + route.replace("^", "").replace("$", "").replace("\\", "")
            found[entry.name] = (path, cls)
    return found


LISTS = _lists()


def _org(identifier: str) -> int:
    return Organisation.objects.get(identifier=identifier).pk


def _committee(name: str) -> int:
    from governance.meetings.models import Committee

    return Committee.objects.get(name=name).pk


def _type(code: str) -> int:
    from decisions.models import DecisionType

    return DecisionType.objects.get(code=code).pk


def field(name):
    return lambda row, value: row[name] == value


def ref(name):
    return lambda row, value: row[name]["id"] == value


# url name -> (username, parameter, a value some rows have, a value fewer rows have,
# what each returned row must satisfy). Values may be callables (looked up in the demo).
EXAMPLES = {
    "api-organisation-list": ("icb.auditor", "kind", "local_authority", "police", field("kind")),
    "api-membership-list": ("icb.auditor", "role", "signatory", "auditor", field("role")),
    "api-interest-list": (
        "icb.auditor",
        "interest_type",
        "indirect",
        "financial",
        field("interest_type"),
    ),
    "api-proposal-list": (
        "icb.auditor",
        "decision_type",
        lambda: _type("provider-collaborative"),
        lambda: _type("place-calder"),
        lambda row, value: row["decision_type"]["id"] == value,
    ),
    "api-decision-list": ("icb.auditor", "outcome", "approved", "rejected", field("outcome")),
    "api-decision-type-list": (
        "icb.auditor",
        "code",
        "place-calder",
        "provider-collaborative",
        field("code"),
    ),
    "api-sord-version-list": ("icb.auditor", "status", "approved", "draft", field("status")),
    "api-fund-list": (
        "icb.auditor",
        "host_organisation",
        lambda: _org("E06000901"),
        lambda: _org("RZ1"),
        ref("host_organisation"),
    ),
    "api-allocation-list": ("icb.auditor", "status", "committed", "returned", field("status")),
    "api-envelope-list": ("icb.auditor", "financial_year", 2026, 2025, field("financial_year")),
    "api-envelope-submission-list": ("icb.auditor", "month", 1, 2, field("month")),
    "api-capital-scheme-list": (
        "icb.auditor",
        "status",
        "approved",
        "not_funded",
        field("status"),
    ),
    "api-risk-list": ("icb.auditor", "status", "open", "closed", field("status")),
    "api-risk-escalation-list": ("icb.auditor", "status", "open", "responded", field("status")),
    "api-risk-category-list": ("icb.auditor", "code", "finance", "quality", field("code")),
    "committee-list": ("icb.auditor", "kind", "board", "committee", field("kind")),
    "meeting-list": (
        "icb.auditor",
        "committee",
        lambda: _committee("NHS Northmere and Calder ICB Board"),
        lambda: _committee("Quality and Safety Committee"),
        field("committee"),
    ),
    "action-list": ("icb.auditor", "status", "open", "done", field("status")),
    "api-signoff-list": (
        "northmere.signatory",
        "organisation",
        lambda: _org("E08000901"),
        lambda: _org("RZ2"),
        ref("organisation"),
    ),
}
# ``status=open`` of actions means still to do: open or in progress
EXAMPLES["action-list"] = (
    *EXAMPLES["action-list"][:4],
    lambda row, value: row["status"] in ({"open", "in_progress"} if value == "open" else {value}),
)


@pytest.fixture
def demo(demo_module):
    """The demo ICS, loaded once for the module (``tests/conftest.py``)."""


def _as(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def test_the_url_conf_has_the_lists_we_know():
    assert len(LISTS) >= 19
    assert set(LISTS) == set(EXAMPLES), "give each new API list an example filter here"


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_declares_a_filterset_and_an_ordering_allow_list(name):
    path, view = LISTS[name]
    assert issubclass(getattr(view, "filterset_class", None) or object, django_filters.FilterSet)
    fields = getattr(view, "ordering_fields", None)
    assert fields and fields != "__all__" and all(isinstance(f, str) for f in fields), path


def _bad_value(flt) -> str | None:
    if isinstance(flt, django_filters.ChoiceFilter):
        return "no-such-choice"
    if isinstance(flt, django_filters.NumberFilter):
        return "twelve"
    if isinstance(flt, django_filters.DateFilter):
        return "31/02/2026"
    return None


@pytest.mark.parametrize("name", sorted(LISTS))
def test_orderings_and_bad_filter_values(demo, name):
    path, view = LISTS[name]
    api = _as(EXAMPLES[name][0])
    for ordering in view.ordering_fields:
        for value in (ordering, f"-{ordering}"):
            response = api.get(path, {"ordering": value})
            assert response.status_code == 200, (path, value, response.content[:300])
    response = api.get(path, {"ordering": "password"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "ordering" in response.json()["errors"]
    typed = {
        param: _bad_value(flt)
        for param, flt in view.filterset_class.base_filters.items()
        if _bad_value(flt)
    }
    assert typed, f"{path}: no filter that a bad value could fail"
    for param, bad in typed.items():
        response = api.get(path, {param: bad})
        assert response.status_code == 400, (path, param, response.content[:300])
        assert response["Content-Type"] == "application/json"
        assert param in response.json()["errors"], (path, param, response.json())


def _value(value):
    return value() if callable(value) else value


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_one_real_filter_narrows_each_list(demo, name):
    path, view = LISTS[name]
    username, param, many, few, check = EXAMPLES[name]
    assert param in view.filterset_class.base_filters
    api = _as(username)
    everything = api.get(path).json()["count"]
    kept = api.get(path, {param: _value(many)}).json()
    fewer = api.get(path, {param: _value(few)}).json()
    assert kept["count"] >= 1, (path, param)
    assert all(check(row, _value(many)) for row in kept["results"]), kept["results"]
    assert all(check(row, _value(few)) for row in fewer["results"]), fewer["results"]
    assert fewer["count"] < everything, (path, param, fewer["count"], everything)
