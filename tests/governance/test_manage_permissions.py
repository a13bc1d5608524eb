"""Who may use each page of the Manage area, GET and POST.

The ICB secretariat manages organisations, risk categories and everyone's people; a
partner's secretariat manages only its own organisation's people (never auditors);
signatories, members and auditors manage nothing; anonymous visitors are sent to sign in.
Another organisation's pages answer 404; pages the user may not use answer 403. A refused
POST writes nothing (no audit event, no row changed); an allowed one writes its audit event.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from governance.audit.models import AuditEvent
from governance.organisations import services
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role
from governance.risks.models import RiskCategory
from governance.risks.services import categories as category_services

TODAY = datetime.date.today().isoformat()
ACTORS = ["icb_sec", "partner_sec", "signatory", "member", "auditor", "anonymous"]


@pytest.fixture
def world(superuser, make_org, make_user, icb):
    """The ICB; a police force with no code (A) whose secretariat manages its people; an
    NHS trust (B); an inactive council (C); three risk categories (one retired)."""
    a = services.organisation_create(
        actor=superuser, name="Merseyside Police", identifier="", kind=OrganisationKind.POLICE
    )
    b = make_org("Mersey Acute Trust", OrganisationKind.NHS_TRUST, "RQ1")
    c = make_org("Old Council", OrganisationKind.LOCAL_AUTHORITY, "E08000099")
    services.organisation_update(actor=superuser, organisation=c, is_active=False)
    people = {
        "icb_sec": make_user(icb, Role.SECRETARIAT, "icb_sec"),
        "partner_sec": make_user(a, Role.SECRETARIAT, "partner_sec"),
        "signatory": make_user(a, Role.SIGNATORY, "signatory"),
        "member": make_user(a, Role.MEMBER, "member"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "a_person": make_user(a, Role.MEMBER, "a_person"),
        "b_person": make_user(b, Role.MEMBER, "b_person"),
        "a_auditor": make_user(a, Role.AUDITOR, "a_auditor"),
    }
    cats = {
        "finance": category_services.category_create(
            actor=superuser, code="finance", name="Finance"
        ),
        "quality": category_services.category_create(
            actor=superuser, code="quality", name="Quality and safety"
        ),
        "old": category_services.category_create(actor=superuser, code="old", name="Old"),
    }
    category_services.category_retire(actor=superuser, category=cats["old"], reason="Merged")

    def membership(key):
        return Membership.objects.get(user=people[key])

    return {
        "a": a,
        "b": b,
        "c": c,
        **people,
        "m_a": membership("a_person"),
        "m_b": membership("b_person"),
        "m_aud": membership("a_auditor"),
        **cats,
    }


def invite_data(n: str, role="member"):
    return {
        "first_name": "Alex",
        "last_name": f"Jones {n}",
        "email": f"alex.jones.{n}@merseyside.police.example",
        "role": role,
        "job_title": "Partnership Inspector",
        "start_date": TODAY,
        "end_date": "",
        "reason": "",
    }


def membership_data(role="signatory"):
    return {
        "role": role,
        "job_title": "Chief Inspector",
        "start_date": "2020-01-01",
        "end_date": "",
        "reason": "Promoted",
    }


CATEGORY_DATA = {
    "name": "Partnership working",
    "code": "partnership",
    "description": "",
    "responsible_committee": "",
    "position": "5",
    "reason": "",
}

# name -> (url builder, POST data or None for read-only pages, who may use it)
ICB = {"icb_sec"}
OWN_ORG = {"icb_sec", "partner_sec"}
PAGES = {
    "index": (lambda w: "/manage/", None, OWN_ORG),
    "organisations": (lambda w: "/manage/organisations/", None, ICB),
    "organisation_new": (
        lambda w: "/manage/organisations/new/",
        {"name": "Merseyside Fire and Rescue Service", "kind": "fire_and_rescue"},
        ICB,
    ),
    "organisation_edit": (
        lambda w: f"/manage/organisations/{w['a'].pk}/edit/",
        {"name": "Merseyside Police Force", "kind": "police", "identifier": ""},
        ICB,
    ),
    "organisation_deactivate": (
        lambda w: f"/manage/organisations/{w['b'].pk}/deactivate/",
        {"reason": "Merged into another trust"},
        ICB,
    ),
    "organisation_reactivate": (
        lambda w: f"/manage/organisations/{w['c'].pk}/reactivate/",
        {"reason": "Rejoined the partnership"},
        ICB,
    ),
    "people_own": (lambda w: f"/manage/organisations/{w['a'].pk}/people/", None, OWN_ORG),
    "people_other": (lambda w: f"/manage/organisations/{w['b'].pk}/people/", None, ICB),
    "invite_own": (
        lambda w: f"/manage/organisations/{w['a'].pk}/people/add/",
        invite_data("own"),
        OWN_ORG,
    ),
    "invite_other": (
        lambda w: f"/manage/organisations/{w['b'].pk}/people/add/",
        invite_data("other"),
        ICB,
    ),
    "membership_edit_own": (
        lambda w: f"/manage/memberships/{w['m_a'].pk}/edit/",
        membership_data(),
        OWN_ORG,
    ),
    "membership_edit_other": (
        lambda w: f"/manage/memberships/{w['m_b'].pk}/edit/",
        membership_data(),
        ICB,
    ),
    "membership_edit_auditor": (
        lambda w: f"/manage/memberships/{w['m_aud'].pk}/edit/",
        membership_data(role="auditor"),
        ICB,
    ),
    "membership_end_own": (
        lambda w: f"/manage/memberships/{w['m_a'].pk}/end/",
        {"end_date": TODAY, "reason": "Left the force"},
        OWN_ORG,
    ),
    "membership_end_other": (
        lambda w: f"/manage/memberships/{w['m_b'].pk}/end/",
        {"end_date": TODAY, "reason": ""},
        ICB,
    ),
    "membership_end_auditor": (
        lambda w: f"/manage/memberships/{w['m_aud'].pk}/end/",
        {"end_date": TODAY, "reason": ""},
        ICB,
    ),
    "categories": (lambda w: "/manage/risk-categories/", None, ICB),
    "category_new": (lambda w: "/manage/risk-categories/new/", CATEGORY_DATA, ICB),
    "category_edit": (
        lambda w: f"/manage/risk-categories/{w['finance'].pk}/edit/",
        {**CATEGORY_DATA, "name": "Finance and use of resources", "code": "finance"},
        ICB,
    ),
    "category_retire": (
        lambda w: f"/manage/risk-categories/{w['quality'].pk}/retire/",
        {"reason": "Merged into Finance"},
        ICB,
    ),
    "category_reinstate": (
        lambda w: f"/manage/risk-categories/{w['old'].pk}/reinstate/",
        {"reason": ""},
        ICB,
    ),
}


def refusal(actor: str, page: str) -> int:
    """The status a user who may not use ``page`` gets: another organisation's records
    are not shown at all (404); an auditor's membership in one's own organisation, and
    pages that are not organisation records, are refused (403)."""
    org_scoped_other = page.endswith("_other")
    if actor == "partner_sec":
        return 404 if org_scoped_other else 403
    if actor in ("signatory", "member", "auditor"):
        return 404 if ("people" in page or "invite" in page or "membership" in page) else 403
    raise AssertionError(actor)


def snapshot_db():
    return (
        AuditEvent.objects.count(),
        list(Organisation.objects.order_by("pk").values_list("name", "identifier", "is_active")),
        list(Membership.objects.order_by("pk").values_list("role", "start_date", "end_date")),
        get_user_model().objects.count(),
        list(RiskCategory.objects.order_by("pk").values_list("name", "is_active")),
    )


def client_for(client, world, actor):
    if actor != "anonymous":
        client.force_login(world[actor])
    return client


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_get(client, world, actor, page):
    url_of, _data, allowed = PAGES[page]
    response = client_for(client, world, actor).get(url_of(world))
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif actor in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == refusal(actor, page)


@pytest.mark.parametrize("page", [p for p, (_u, data, _a) in PAGES.items() if data is not None])
@pytest.mark.parametrize("actor", ACTORS)
def test_post(client, world, actor, page):
    url_of, data, allowed = PAGES[page]
    before = snapshot_db()
    response = client_for(client, world, actor).post(url_of(world), data)
    if actor in allowed:
        assert response.status_code == 302, response.content.decode()[:3000]
        after = snapshot_db()
        assert after != before
        assert after[0] > before[0]  # audited
        new_events = AuditEvent.objects.filter(seq__gt=before[0])
        assert set(new_events.values_list("actor", flat=True)) == {world[actor].pk}
    else:
        expected = 302 if actor == "anonymous" else refusal(actor, page)
        if actor == "auditor":
            expected = 403  # a read-only role's change is refused before any page is looked up
        assert response.status_code == expected
        assert snapshot_db() == before


def test_partner_secretariat_cannot_appoint_an_auditor(client, world):
    client.force_login(world["partner_sec"])
    url = f"/manage/organisations/{world['a'].pk}/people/add/"
    page = client.get(url).content.decode()
    assert 'value="auditor"' not in page and 'value="signatory"' in page
    before = snapshot_db()
    response = client.post(url, invite_data("aud", role="auditor"))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert snapshot_db() == before
    # Nor turn one of its people into an auditor.
    response = client.post(
        f"/manage/memberships/{world['m_a'].pk}/edit/", membership_data(role="auditor")
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert snapshot_db() == before


def test_the_icb_secretariat_appoints_auditors(client, world):
    client.force_login(world["icb_sec"])
    url = f"/manage/organisations/{world['a'].pk}/people/add/"
    assert 'value="auditor"' in client.get(url).content.decode()
    response = client.post(url, invite_data("aud", role="auditor"))
    assert response.status_code == 302
    person = get_user_model().objects.get(email="alex.jones.aud@merseyside.police.example")
    assert Membership.objects.get(user=person).role == Role.AUDITOR


def test_partner_secretariat_of_an_inactive_organisation_manages_nothing(client, world, superuser):
    services.organisation_deactivate(
        actor=superuser, organisation=world["a"], reason="Left the partnership"
    )
    client.force_login(world["partner_sec"])
    assert client.get("/manage/").status_code == 403
    assert client.get(f"/manage/organisations/{world['a'].pk}/people/").status_code == 404


def test_people_list_is_scoped_to_the_organisation(client, world):
    client.force_login(world["partner_sec"])
    response = client.get(f"/manage/organisations/{world['a'].pk}/people/")
    page = response.content.decode()
    names = {row["m"].user.username for row in response.context["rows"]}
    assert names == {"partner_sec", "signatory", "member", "a_person", "a_auditor"}
    assert "b_person" not in page
    # Links only to what the partner secretariat may do: not the auditor's membership.
    assert f"/manage/memberships/{world['m_a'].pk}/edit/" in page
    assert f"/manage/memberships/{world['m_aud'].pk}/edit/" not in page
    assert "/manage/organisations/new/" not in page


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        ("icb_sec", True),
        ("partner_sec", True),
        ("signatory", False),
        ("member", False),
        ("auditor", False),
    ],
)
def test_manage_link_only_for_those_who_can_use_it(client, world, actor, shown):
    client.force_login(world[actor])
    page = client.get("/interests/").content.decode()
    assert ('href="/manage/"' in page) is shown


def test_index_links_by_role(client, world):
    client.force_login(world["icb_sec"])
    page = client.get("/manage/").content.decode()
    assert "/manage/organisations/" in page and "/manage/risk-categories/" in page
    client.force_login(world["partner_sec"])
    page = client.get("/manage/").content.decode()
    assert f"/manage/organisations/{world['a'].pk}/people/" in page
    assert "/manage/risk-categories/" not in page
    assert f"/manage/organisations/{world['b'].pk}/" not in page
