"""The Manage area at work: organisations with or without a code, deactivation ending
memberships, inviting people (a set-password link, no self-registration), changing and
ending memberships, risk categories retired but kept on their risks. Bad input shows an
error next to the field and writes nothing; every change is audited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import permissions
from governance.audit.models import AuditEvent
from governance.organisations import services
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role
from governance.risks import services as risk_services
from governance.risks.models import RiskCategory
from governance.risks.services import categories as category_services

User = get_user_model()


@pytest.fixture
def icb_sec(make_user, icb):
    return make_user(icb, Role.SECRETARIAT, "icb_sec")


@pytest.fixture
def police(superuser):
    return services.organisation_create(
        actor=superuser, name="Merseyside Police", identifier="", kind=OrganisationKind.POLICE
    )


@pytest.fixture
def police_sec(make_user, police):
    return make_user(police, Role.SECRETARIAT, "police_sec")


def state():
    return (
        AuditEvent.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        RiskCategory.objects.count(),
    )


def field_errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return {k: " ".join(v) for k, v in form.errors.items()}


# --- organisations ------------------------------------------------------------------------


def test_icb_secretariat_adds_partners_with_and_without_codes(client, icb_sec):
    client.force_login(icb_sec)
    for name, kind, code in [
        ("Merseyside Fire and Rescue Service", "fire_and_rescue", ""),
        ("Sefton CVS", "vcse", ""),
        ("Cyngor Gwynedd", "local_authority", "w06000002"),
    ]:
        response = client.post(
            "/manage/organisations/new/",
            {"name": name, "kind": kind, "identifier": code, "reason": "Joined the ICP"},
        )
        assert response.status_code == 302
        org = Organisation.objects.get(name=name)
        assert org.identifier == code.upper()
        assert response["Location"] == f"/manage/organisations/{org.pk}/people/"
        event = AuditEvent.objects.get(verb="organisation.created", target_id=str(org.pk))
        assert (event.actor, event.reason) == (icb_sec, "Joined the ICP")
    page = client.get("/manage/organisations/").content.decode()
    assert "Sefton CVS" in page and "()" not in page and "W06000002" in page


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (
            {"name": "Cyngor Gwynedd", "kind": "local_authority", "identifier": ""},
            "identifier",
            "required",
        ),
        (
            {"name": "Mersey Trust", "kind": "nhs_trust", "identifier": ""},
            "identifier",
            "ODS trust code",
        ),
        (
            {"name": "Police", "kind": "police", "identifier": "MERSEY"},
            "identifier",
            "E23 (England) or W15 (Wales)",
        ),
        (
            {"name": "Welsh ward", "kind": "local_authority", "identifier": "W05000001"},
            "identifier",
            "W06 (Wales)",
        ),
        ({"name": "", "kind": "police", "identifier": ""}, "name", "Enter the organisation"),
        ({"name": "X", "kind": "", "identifier": ""}, "kind", "Choose the kind"),
        ({"name": "NHS Test ICB", "kind": "police", "identifier": ""}, "name", "already exists"),
    ],
)
def test_bad_organisation_input_shows_the_error_and_writes_nothing(
    client, icb_sec, icb, data, field, words
):
    client.force_login(icb_sec)
    Organisation.objects.filter(pk=icb.pk).update(name="NHS Test ICB")
    before = state()
    errors = field_errors(client.post("/manage/organisations/new/", data))
    assert words in errors[field]
    assert state() == before


def test_edit_an_organisation(client, icb_sec, police):
    client.force_login(icb_sec)
    page = client.get(f"/manage/organisations/{police.pk}/edit/").content.decode()
    assert 'value="Merseyside Police"' in page
    response = client.post(
        f"/manage/organisations/{police.pk}/edit/",
        {"name": "Merseyside Police", "kind": "police", "identifier": "E23000004"},
    )
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.identifier == "E23000004"
    assert AuditEvent.objects.filter(verb="organisation.updated", actor=icb_sec).count() == 1


def test_deactivation_ends_every_membership_and_is_audited(
    client, icb_sec, police, police_sec, make_user
):
    today = timezone.localdate()
    signatory = make_user(police, Role.SIGNATORY)
    future = make_user(police, Role.MEMBER, start_date=today + datetime.timedelta(days=30))
    ended = make_user(police, Role.MEMBER, end_date=datetime.date(2021, 1, 1))
    assert permissions.can_sign_for(signatory, police)
    client.force_login(icb_sec)
    page = client.get(f"/manage/organisations/{police.pk}/deactivate/").content.decode()
    assert "3 memberships will end" in page
    before = state()
    errors = field_errors(
        client.post(f"/manage/organisations/{police.pk}/deactivate/", {"reason": " "})
    )
    assert "reason" in errors
    assert state() == before
    response = client.post(
        f"/manage/organisations/{police.pk}/deactivate/", {"reason": "Left the partnership"}
    )
    assert response.status_code == 302
    police.refresh_from_db()
    assert not police.is_active
    ends = {m.user: m.end_date for m in Membership.objects.filter(organisation=police)}
    assert ends[signatory] == today and ends[police_sec] == today
    assert ends[future] == today + datetime.timedelta(days=30)  # cancelled: ends as it starts
    assert ends[ended] == datetime.date(2021, 1, 1)  # untouched
    assert not Membership.objects.active().filter(organisation=police).exists()
    assert not permissions.can_sign_for(signatory, police)
    ended_events = AuditEvent.objects.filter(verb="membership.ended", actor=icb_sec)
    assert ended_events.count() == 3
    assert set(ended_events.values_list("reason", flat=True)) == {"Left the partnership"}
    assert AuditEvent.objects.filter(verb="organisation.updated", actor=icb_sec).count() == 1
    # Its secretariat has nothing left to manage; the history is still there for the ICB.
    client.force_login(police_sec)
    assert client.get("/manage/").status_code == 403
    client.force_login(icb_sec)
    page = client.get(f"/manage/organisations/{police.pk}/people/?ended=1").content.decode()
    assert "police_sec" in page and "Add a person" not in page
    # Reactivating does not bring memberships back.
    response = client.post(f"/manage/organisations/{police.pk}/reactivate/", {"reason": ""})
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.is_active
    assert not Membership.objects.active().filter(organisation=police).exists()


def test_deactivating_twice_is_refused(superuser, police):
    services.organisation_deactivate(actor=superuser, organisation=police, reason="Left")
    with pytest.raises(ValidationError):
        services.organisation_deactivate(actor=superuser, organisation=police, reason="Again")


# --- people -------------------------------------------------------------------------------


def invite(client, org, **overrides):
    data = {
        "first_name": "Alex",
        "last_name": "Jones",
        "email": "Alex.Jones@merseyside.police.example",
        "role": "signatory",
        "job_title": "Assistant Chief Constable",
        "start_date": "2026-04-01",
        "end_date": "",
        "reason": "Nominated by the Chief Constable",
        **overrides,
    }
    return client.post(f"/manage/organisations/{org.pk}/people/add/", data)


def test_partner_secretariat_invites_a_new_person_who_sets_a_password(
    client, police, police_sec, django_capture_on_commit_callbacks
):
    client.force_login(police_sec)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, police)
    assert response.status_code == 302
    person = User.objects.get(email="alex.jones@merseyside.police.example")
    assert person.username == "alex.jones@merseyside.police.example"
    assert (person.first_name, person.last_name) == ("Alex", "Jones")
    assert not person.has_usable_password()
    m = Membership.objects.get(user=person)
    assert (m.organisation, m.role, m.start_date) == (
        police,
        Role.SIGNATORY,
        datetime.date(2026, 4, 1),
    )
    events = AuditEvent.objects.filter(actor=police_sec).order_by("seq")
    assert [e.verb for e in events] == ["person.invited", "membership.created"]
    assert {e.organisation_id for e in events} == {police.pk}
    # The invitation: a one-off link to choose a password.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alex.jones@merseyside.police.example"]
    link = re.search(r"http://testserver(/accounts/welcome/\S+/)", message.body).group(1)
    client.logout()
    response = client.get(link, follow=True)
    assert response.status_code == 200 and "Choose your password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Tulip-harbour-4917", "new_password2": "Tulip-harbour-4917"}
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.check_password("Tulip-harbour-4917")
    assert client.login(username=person.username, password="Tulip-harbour-4917")
    # The link works once.
    client.logout()
    assert "expired or has already been used" in client.get(link, follow=True).content.decode()


def test_inviting_someone_who_has_an_account_adds_the_role_to_it(
    client, police, police_sec, make_user, make_org, django_capture_on_commit_callbacks
):
    trust = make_org("Mersey Trust", OrganisationKind.NHS_TRUST, "RQ2")
    existing = make_user(trust, Role.MEMBER)
    client.force_login(police_sec)
    users = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, police, email=existing.email.upper(), role="member")
    assert response.status_code == 302
    assert User.objects.count() == users
    assert Membership.objects.filter(user=existing, organisation=police).exists()
    assert "welcome" not in mail.outbox[0].body  # has a password already: no link
    # The same role again for overlapping dates is refused.
    before = state()
    errors = field_errors(invite(client, police, email=existing.email, role="member"))
    assert "already has this role" in errors["role"]
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"email": "not-an-address"}, "email", "Enter an e-mail address"),
        ({"email": ""}, "email", "Enter the person"),
        ({"first_name": " "}, "first_name", "first name"),
        ({"last_name": ""}, "last_name", "last name"),
        ({"role": "chair"}, "role", "Select a valid choice"),
        ({"start_date": ""}, "start_date", "Enter the start date"),
        ({"start_date": "2026-02-30"}, "start_date", "Enter a real date"),
        ({"end_date": "2026-04-01"}, "end_date", "after the start date"),
        ({"end_date": "2026-03-01"}, "end_date", "after the start date"),
    ],
)
def test_bad_invitation_shows_the_error_and_writes_nothing(
    client, police, police_sec, overrides, field, words
):
    client.force_login(police_sec)
    before = state()
    errors = field_errors(invite(client, police, **overrides))
    assert words in errors[field], errors
    assert state() == before


def test_invite_service_refuses_outsiders_and_auditor_appointments(
    superuser, police, police_sec, make_user, make_org
):
    trust = make_org("Mersey Trust", OrganisationKind.NHS_TRUST, "RQ3")
    kwargs = {"first_name": "A", "last_name": "B", "email": "a.b@example.org"}
    signatory = make_user(police, Role.SIGNATORY)
    before = state()
    with pytest.raises(PermissionDenied):
        services.person_invite(actor=police_sec, organisation=trust, role="member", **kwargs)
    with pytest.raises(PermissionDenied):
        services.person_invite(actor=police_sec, organisation=police, role="auditor", **kwargs)
    with pytest.raises(PermissionDenied):
        services.person_invite(actor=signatory, organisation=police, role="member", **kwargs)
    assert state() == before


def test_change_a_role_and_end_a_membership(client, police, police_sec, make_user):
    person = make_user(police, Role.MEMBER)
    m = Membership.objects.get(user=person)
    assert not permissions.can_sign_for(person, police)
    client.force_login(police_sec)
    response = client.post(
        f"/manage/memberships/{m.pk}/edit/",
        {
            "role": "signatory",
            "job_title": "Superintendent",
            "start_date": "2020-01-01",
            "end_date": "",
            "reason": "Promoted",
        },
    )
    assert response.status_code == 302
    assert permissions.can_sign_for(person, police)  # at once
    event = AuditEvent.objects.get(verb="membership.updated")
    assert event.changes["role"] == {"before": "member", "after": "signatory"}
    # Bad dates: error next to the field, nothing written.
    before = state()
    errors = field_errors(
        client.post(f"/manage/memberships/{m.pk}/end/", {"end_date": "2019-12-31"})
    )
    assert "before the start date" in errors["end_date"]
    assert state() == before
    today = timezone.localdate().isoformat()
    response = client.post(f"/manage/memberships/{m.pk}/end/", {"end_date": today})
    assert response.status_code == 302
    assert not permissions.can_sign_for(person, police)
    assert AuditEvent.objects.filter(verb="membership.ended", actor=police_sec).count() == 1


# --- risk categories ----------------------------------------------------------------------


def category_form(**overrides):
    return {
        "name": "Partnership working",
        "code": "partnership",
        "description": "Risks to joint working across the system.",
        "responsible_committee": "Integrated Care Partnership",
        "position": "7",
        "reason": "",
        **overrides,
    }


def test_categories_added_changed_and_bad_input_refused(client, icb_sec, superuser):
    category_services.category_create(actor=superuser, code="finance", name="Finance")
    client.force_login(icb_sec)
    assert client.post("/manage/risk-categories/new/", category_form()).status_code == 302
    category = RiskCategory.objects.get(code="partnership")
    assert category.responsible_committee == "Integrated Care Partnership"
    assert AuditEvent.objects.filter(verb="risk_category.created", actor=icb_sec).count() == 1
    for overrides, field, words in [
        ({"code": "Bad Code"}, "code", "lower-case"),
        ({"name": "finance", "code": "fin2"}, "name", "already exists"),
        ({"code": "finance"}, "code", "already exists"),
        ({"name": ""}, "name", "Enter the category"),
        ({"position": "-1"}, "position", "greater than or equal to 0"),
    ]:
        before = state()
        errors = field_errors(
            client.post(f"/manage/risk-categories/{category.pk}/edit/", category_form(**overrides))
        )
        assert words in errors[field], errors
        assert state() == before
    response = client.post(
        f"/manage/risk-categories/{category.pk}/edit/", category_form(position="2")
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.position == 2


def test_a_retired_category_is_kept_by_its_risks_but_not_offered_for_new_ones(
    client, icb_sec, superuser, icb, make_user
):
    finance = category_services.category_create(actor=superuser, code="finance", name="Finance")
    estates = category_services.category_create(actor=superuser, code="estates", name="Estates")
    owner = make_user(icb, Role.MEMBER)
    risk_args = {
        "actor": owner,
        "owning_organisation": icb,
        "title": "Backlog maintenance",
        "cause": "Because of ageing buildings",
        "event": "there is a risk that wards close",
        "effect": "resulting in lost capacity",
        "inherent_likelihood": 4,
        "inherent_consequence": 4,
        "current_likelihood": 3,
        "current_consequence": 3,
        "target_likelihood": 2,
        "target_consequence": 2,
    }
    risk = risk_services.risk_create(category=estates, **risk_args)
    client.force_login(icb_sec)
    url = f"/manage/risk-categories/{estates.pk}/retire/"
    before = state()
    assert "reason" in field_errors(client.post(url, {"reason": ""}))
    assert state() == before
    assert client.post(url, {"reason": "Merged into Finance"}).status_code == 302
    estates.refresh_from_db()
    assert not estates.is_active
    assert AuditEvent.objects.get(verb="risk_category.retired").reason == "Merged into Finance"
    # Not offered or accepted for a new risk; the existing risk keeps it and can be edited.
    client.force_login(owner)
    form = client.get("/risks/new/").context["form"]
    assert list(form.fields["category"].queryset) == [finance]
    with pytest.raises(ValidationError) as exc:
        risk_services.risk_create(category=estates, **risk_args)
    assert "retired" in " ".join(exc.value.message_dict["category"])
    risk_services.risk_update(actor=owner, risk=risk, title="Backlog maintenance (estates)")
    risk.refresh_from_db()
    assert risk.category == estates
    # The last current category cannot be retired.
    with pytest.raises(ValidationError):
        category_services.category_retire(actor=superuser, category=finance, reason="All gone")
    category_services.category_reinstate(actor=icb_sec, category=estates)
    assert RiskCategory.objects.get(pk=estates.pk).is_active


# --- cost ---------------------------------------------------------------------------------


def test_people_page_queries_do_not_grow_with_its_people(client, police, police_sec, make_user):
    client.force_login(police_sec)
    url = f"/manage/organisations/{police.pk}/people/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        make_user(police, Role.MEMBER)
    few = queries()
    for _ in range(45):
        make_user(police, Role.SIGNATORY)
    assert queries() == few
