"""The Django admin is read-only for organisations, memberships and risk categories:
superusers can list and inspect them; nobody adds, changes or deletes them there (the
Manage area does, through audited services)."""

from __future__ import annotations

import pytest

from governance.audit.models import AuditEvent
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role
from governance.risks.models import RiskCategory
from governance.risks.services import categories as category_services


@pytest.fixture
def records(superuser, make_org, make_user):
    org = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RW4")
    make_user(org, Role.SIGNATORY, "alpha_sign")
    category = category_services.category_create(actor=superuser, code="finance", name="Finance")
    return {
        "organisation": org,
        "membership": Membership.objects.get(user__username="alpha_sign"),
        "riskcategory": category,
    }


URLS = {
    "organisation": "/admin/organisations/organisation/",
    "membership": "/admin/organisations/membership/",
    "riskcategory": "/admin/risks/riskcategory/",
}

POSTS = {
    "organisation": {"name": "Renamed", "identifier": "RW5", "kind": "nhs_trust", "is_active": ""},
    "membership": {"role": "auditor", "job_title": "X", "start_date": "2020-01-01", "end_date": ""},
    "riskcategory": {"code": "money", "name": "Money", "position": "1"},
}


def values(obj):
    obj = type(obj).objects.get(pk=obj.pk)
    return {f.name: getattr(obj, f.attname) for f in obj._meta.fields}


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", list(URLS))
def test_superuser_can_list_and_inspect(admin_client_, records, model):
    obj = records[model]
    listing = admin_client_.get(URLS[model])
    assert listing.status_code == 200
    assert not listing.context["has_add_permission"]
    detail = admin_client_.get(f"{URLS[model]}{obj.pk}/change/")
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert b'name="_save"' not in detail.content
    assert admin_client_.get(f"{URLS[model]}add/").status_code == 403


@pytest.mark.parametrize("model", list(URLS))
def test_superuser_post_to_the_admin_changes_nothing(admin_client_, records, model):
    obj = records[model]
    before, events = values(obj), AuditEvent.objects.count()
    counts = (
        Organisation.objects.count(),
        Membership.objects.count(),
        RiskCategory.objects.count(),
    )
    change = admin_client_.post(f"{URLS[model]}{obj.pk}/change/", POSTS[model])
    add = admin_client_.post(f"{URLS[model]}add/", POSTS[model])
    delete = admin_client_.post(f"{URLS[model]}{obj.pk}/delete/", {"post": "yes"})
    assert (change.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert values(obj) == before
    assert AuditEvent.objects.count() == events
    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        RiskCategory.objects.count(),
    ) == counts


def test_icb_secretariat_is_not_staff_and_cannot_use_the_admin(client, make_user, icb):
    secretariat = make_user(icb, Role.SECRETARIAT)
    client.force_login(secretariat)
    response = client.get(URLS["organisation"])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/manage/organisations/").status_code == 200
