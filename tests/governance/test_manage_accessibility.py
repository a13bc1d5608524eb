"""Structural accessibility of the Manage pages, by the project's common checks (one h1,
labelled controls, unique ids, captions, header scopes, legends), also when redisplayed
with errors."""

from __future__ import annotations

import pytest

from governance.organisations import services
from governance.organisations.models import Membership, OrganisationKind, Role
from governance.risks.services import categories as category_services
from tests.decisions.test_web_accessibility import check

pytestmark = pytest.mark.django_db


def test_manage_pages_are_structurally_accessible(client, superuser, make_user, icb):
    police = services.organisation_create(
        actor=superuser, name="Merseyside Police", identifier="", kind=OrganisationKind.POLICE
    )
    icb_sec = make_user(icb, Role.SECRETARIAT)
    police_sec = make_user(police, Role.SECRETARIAT)
    make_user(police, Role.AUDITOR)
    m = Membership.objects.get(user=make_user(police, Role.SIGNATORY))
    category = category_services.category_create(actor=superuser, code="finance", name="Finance")
    pages = {
        icb_sec: [
            "/manage/",
            "/manage/organisations/",
            "/manage/organisations/new/",
            f"/manage/organisations/{police.pk}/edit/",
            f"/manage/organisations/{police.pk}/deactivate/",
            f"/manage/organisations/{police.pk}/people/",
            f"/manage/organisations/{police.pk}/people/add/",
            f"/manage/memberships/{m.pk}/edit/",
            f"/manage/memberships/{m.pk}/end/",
            "/manage/risk-categories/",
            "/manage/risk-categories/new/",
            f"/manage/risk-categories/{category.pk}/edit/",
            f"/manage/risk-categories/{category.pk}/retire/",
        ],
        police_sec: ["/manage/", f"/manage/organisations/{police.pk}/people/?ended=1"],
    }
    for who, urls in pages.items():
        client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            check(response.content.decode())
    client.force_login(icb_sec)
    for url, data in [
        ("/manage/organisations/new/", {"name": "", "kind": "nhs_trust", "identifier": "X"}),
        (f"/manage/organisations/{police.pk}/people/add/", {"email": "nope"}),
        (f"/manage/memberships/{m.pk}/end/", {"end_date": "1999-01-01"}),
        ("/manage/risk-categories/new/", {"name": "Finance", "code": "Bad code"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors, url
        check(response.content.decode())
