"""Who may do what: the role × organisation matrix, and changes taking effect at once."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions
from governance.audit.models import AuditEvent
from governance.audit.selectors import audit_events_visible_to
from governance.organisations import services
from governance.organisations.models import Membership, OrganisationKind, Role
from governance.organisations.selectors import memberships_visible_to

VIEW = "organisations.view_organisation"
SIGN_OFF = "organisations.sign_off_for_organisation"
MANAGE = "organisations.manage_organisation"
START = datetime.date(2020, 1, 1)

# role -> (perms on its own organisation, perms on another organisation)
EXPECTED = {
    Role.SECRETARIAT: ({VIEW, MANAGE}, set()),
    Role.SIGNATORY: ({VIEW, SIGN_OFF}, set()),
    Role.MEMBER: ({VIEW}, set()),
    Role.AUDITOR: ({VIEW}, {VIEW}),  # auditors read everything, change nothing
}
ROLES = list(EXPECTED)


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def world(make_org, make_user):
    """Two partner organisations (neither is the ICB), with a person in each role in
    the first and a signatory in the second."""
    own = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RA1")
    other = make_org("Beta Council", OrganisationKind.LOCAL_AUTHORITY, "E08000012")
    people = {role: make_user(own, role, username=f"alpha.{role}") for role in ROLES}
    people["beta"] = make_user(other, Role.SIGNATORY, username="beta.signatory")
    return {"own": own, "other": other, **people}


@pytest.mark.parametrize("perm", [VIEW, SIGN_OFF, MANAGE])
@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, where, perm):
    user, org = world[role], world[where]
    own_perms, other_perms = EXPECTED[role]
    expected = perm in (own_perms if where == "own" else other_perms)
    assert user.has_perm(perm, org) is expected


@pytest.mark.parametrize("role", ROLES)
def test_no_global_permissions_from_memberships(world, role):
    user = world[role]
    assert not user.has_perm(VIEW)
    assert not user.has_perm(SIGN_OFF)
    assert not user.has_perm("audit.view_organisation", world["own"])  # wrong app label


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_create_memberships(world, make_user, role, where):
    actor, org = world[role], world[where]
    newcomer = make_user()
    allowed = role == Role.SECRETARIAT and where == "own"
    before = (Membership.objects.count(), AuditEvent.objects.count())
    kwargs = {"user": newcomer, "organisation": org, "role": Role.MEMBER, "start_date": START}
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.membership_create(actor=actor, **kwargs)
        assert (Membership.objects.count(), AuditEvent.objects.count()) == before
        assert not newcomer.has_perm(VIEW, org)
        return
    services.membership_create(actor=actor, **kwargs)
    event = AuditEvent.objects.latest("seq")
    assert (event.verb, event.actor, event.organisation) == ("membership.created", actor, org)
    assert newcomer.has_perm(VIEW, org)


@pytest.mark.parametrize("role", ROLES)
def test_audit_page_shows_what_the_role_may_see(client, world, role):
    own, other = world["own"].pk, world["other"].pk
    expected = {
        Role.SECRETARIAT: {own},
        Role.SIGNATORY: set(),
        Role.MEMBER: set(),
        Role.AUDITOR: {own, other},
    }[role]
    client.force_login(world[role])
    response = client.get("/audit/")
    assert response.status_code == 200
    shown = [row.event for row in response.context["page"].rows]
    assert {e.organisation_id for e in shown} == expected
    everything = AuditEvent.objects.filter(organisation_id__in=expected)
    assert len(shown) == everything.count()
    assert ("Beta Council" in response.content.decode()) is (other in expected)
    if not expected:
        assert "No events you may see." in response.content.decode()


def test_audit_page_needs_sign_in(client, world):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_audit_selector_for_system_roles(world, superuser, make_org, make_user):
    icb = make_org("Test ICB", OrganisationKind.ICB, "QAA")
    icb_secretariat = make_user(icb, Role.SECRETARIAT)
    assert audit_events_visible_to(superuser).count() == AuditEvent.objects.count()
    # The ICB's secretariat runs the system (reviews, registers, meetings, the register of
    # interests), so it reads the whole trail, events with no organisation included.
    assert audit_events_visible_to(icb_secretariat).count() == AuditEvent.objects.count()
    assert AuditEvent.objects.exclude(organisation=icb).exists()


def test_auditor_sees_everything_but_changes_nothing(world, make_user):
    auditor, own, other = world[Role.AUDITOR], world["own"], world["other"]
    assert permissions.sees_everything(auditor)
    assert memberships_visible_to(auditor).count() == Membership.objects.count()
    beta_membership = Membership.objects.get(user=world["beta"])
    own_membership = Membership.objects.get(user=world[Role.MEMBER])
    before = (Membership.objects.count(), AuditEvent.objects.count())
    for org in (own, other):
        with pytest.raises(PermissionDenied):
            services.membership_create(
                actor=auditor, user=make_user(), organisation=org, role=Role.MEMBER
            )
        with pytest.raises(PermissionDenied):
            services.organisation_update(actor=auditor, organisation=org, name="Renamed")
    for m in (own_membership, beta_membership):
        with pytest.raises(PermissionDenied):
            services.membership_update(actor=auditor, membership=m, role=Role.SIGNATORY)
        with pytest.raises(PermissionDenied):
            services.membership_end(actor=auditor, membership=m)
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_memberships_visible_to(world):
    own_ids = set(Membership.objects.filter(organisation=world["own"]).values_list("pk", flat=True))
    secretariat = memberships_visible_to(world[Role.SECRETARIAT])
    assert set(secretariat.values_list("pk", flat=True)) == own_ids
    member = memberships_visible_to(world[Role.MEMBER])
    assert list(member.values_list("user", flat=True)) == [world[Role.MEMBER].pk]
    assert not memberships_visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.SIGNATORY, Role.MEMBER, Role.AUDITOR])
def test_only_the_system_secretariat_creates_organisations(world, role):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=world[role], name="New Trust", identifier="RN1", kind="nhs_trust"
        )
    assert AuditEvent.objects.count() == before


def test_icb_secretariat_runs_the_system(world, make_org, make_user):
    icb = make_org("Test ICB", OrganisationKind.ICB, "QAA")
    icb_secretariat = make_user(icb, Role.SECRETARIAT)
    assert permissions.is_system_secretariat(icb_secretariat)
    assert not permissions.is_system_secretariat(world[Role.SECRETARIAT])
    org = services.organisation_create(
        actor=icb_secretariat, name="New Trust", identifier="RN1", kind="nhs_trust"
    )
    services.membership_create(
        actor=icb_secretariat, user=world["beta"], organisation=org, role=Role.SIGNATORY
    )
    assert world["beta"].has_perm(SIGN_OFF, org)
    assert not icb_secretariat.has_perm(SIGN_OFF, org)


# --- changes take effect at once ---------------------------------------------------------


def test_ended_membership_loses_access_at_once(world, superuser):
    user, org = world[Role.SIGNATORY], world["own"]
    assert user.has_perm(SIGN_OFF, org)
    services.membership_end(actor=superuser, membership=Membership.objects.get(user=user))
    assert not user.has_perm(SIGN_OFF, org)
    assert not user.has_perm(VIEW, org)
    assert not permissions.has_role(user, Role.SIGNATORY, org)


def test_ended_secretariat_loses_trail_and_management(client, world, superuser, make_user):
    user, org = world[Role.SECRETARIAT], world["own"]
    services.membership_end(actor=superuser, membership=Membership.objects.get(user=user))
    assert not user.has_perm(MANAGE, org)
    with pytest.raises(PermissionDenied):
        services.membership_create(actor=user, user=make_user(), organisation=org, role="member")
    client.force_login(user)
    assert client.get("/audit/").context["page"].rows == []


def test_membership_ending_later_still_applies_today(world, superuser):
    user, org = world[Role.SIGNATORY], world["own"]
    tomorrow = today() + datetime.timedelta(days=1)
    m = services.membership_end(
        actor=superuser, membership=Membership.objects.get(user=user), end_date=tomorrow
    )
    assert user.has_perm(SIGN_OFF, org)
    assert m.is_active_on(today()) and not m.is_active_on(tomorrow)
    assert not Membership.objects.active(on=tomorrow).filter(pk=m.pk).exists()


def test_auditor_whose_membership_ended_sees_nothing_more(world, superuser):
    auditor = world[Role.AUDITOR]
    services.membership_end(actor=superuser, membership=Membership.objects.get(user=auditor))
    assert not permissions.sees_everything(auditor)
    assert not auditor.has_perm(VIEW, world["other"])
    assert not audit_events_visible_to(auditor).exists()


def test_future_membership_grants_nothing_yet(world, make_user, make_org, client):
    org = world["own"]
    starts = today() + datetime.timedelta(days=1)
    user = make_user(org, Role.SIGNATORY, start_date=starts)
    assert not user.has_perm(SIGN_OFF, org)
    assert not user.has_perm(VIEW, org)
    auditor = make_user(org, Role.AUDITOR, start_date=starts)
    assert not permissions.sees_everything(auditor)
    icb = make_org("Test ICB", OrganisationKind.ICB, "QAA")
    icb_secretariat = make_user(icb, Role.SECRETARIAT, start_date=starts)
    assert not permissions.is_system_secretariat(icb_secretariat)
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=icb_secretariat, name="Early Trust", identifier="RE1", kind="nhs_trust"
        )
    client.force_login(auditor)
    assert client.get("/audit/").context["page"].rows == []


def test_moving_start_date_forward_suspends_access_at_once(world, superuser):
    user, org = world[Role.SIGNATORY], world["own"]
    m = Membership.objects.get(user=user)
    tomorrow = today() + datetime.timedelta(days=1)
    services.membership_update(actor=superuser, membership=m, start_date=tomorrow)
    assert not user.has_perm(SIGN_OFF, org)


def test_membership_started_today_can_be_ended_today(world, superuser, make_user):
    user = make_user(world["own"], Role.SIGNATORY, start_date=today())
    services.membership_end(actor=superuser, membership=Membership.objects.get(user=user))
    assert not user.has_perm(SIGN_OFF, world["own"])


def test_membership_starting_today_applies_today(world, make_user):
    user = make_user(world["own"], Role.SIGNATORY, start_date=today())
    assert user.has_perm(SIGN_OFF, world["own"])


def test_role_change_takes_sign_off_away_at_once(world, superuser):
    user, org = world[Role.SIGNATORY], world["own"]
    m = Membership.objects.get(user=user)
    assert user.has_perm(SIGN_OFF, org)
    services.membership_update(actor=superuser, membership=m, role=Role.MEMBER)
    assert not user.has_perm(SIGN_OFF, org)
    assert user.has_perm(VIEW, org)
    services.membership_update(actor=superuser, membership=m, role=Role.SIGNATORY)
    assert user.has_perm(SIGN_OFF, org)


def test_secretariat_demoted_can_no_longer_manage(world, make_user):
    user, org = world[Role.SECRETARIAT], world["own"]
    m = Membership.objects.get(user=user)
    services.membership_update(actor=user, membership=m, role=Role.MEMBER)  # allowed: still sec.
    assert not user.has_perm(MANAGE, org)
    with pytest.raises(PermissionDenied):
        services.membership_update(actor=user, membership=m, role=Role.SECRETARIAT)
    assert Membership.objects.get(pk=m.pk).role == Role.MEMBER


def test_inactive_organisation_members_lose_permissions(world, superuser, make_user):
    org = services.organisation_update(actor=superuser, organisation=world["own"], is_active=False)
    for role in ROLES:
        user = world[role]
        assert not user.has_perm(VIEW, org), role
        assert not user.has_perm(SIGN_OFF, org), role
        assert not user.has_perm(MANAGE, org), role
    assert not permissions.sees_everything(world[Role.AUDITOR])
    assert not world[Role.AUDITOR].has_perm(VIEW, world["other"])
    # The other organisation is unaffected.
    assert world["beta"].has_perm(SIGN_OFF, world["other"])
    with pytest.raises(ValidationError) as exc:
        services.membership_create(
            actor=superuser, user=make_user(), organisation=org, role=Role.MEMBER
        )
    assert "organisation" in exc.value.message_dict
    # Deactivation ended the memberships: reactivating does not bring the rights back.
    services.organisation_update(actor=superuser, organisation=org, is_active=True)
    assert not world[Role.SIGNATORY].has_perm(SIGN_OFF, org)


def test_deactivated_user_loses_permissions(world):
    user, org = world[Role.SIGNATORY], world["own"]
    user.is_active = False
    user.save()
    assert not user.has_perm(SIGN_OFF, org)
    assert not user.has_perm(VIEW, org)


def test_partner_secretariat_cannot_grant_system_wide_read(world):
    secretariat, own, other = world[Role.SECRETARIAT], world["own"], world["other"]
    assert not secretariat.has_perm(VIEW, other)
    with pytest.raises(PermissionDenied):
        services.membership_create(
            actor=secretariat, user=secretariat, organisation=own, role=Role.AUDITOR
        )
    assert not secretariat.has_perm(VIEW, other)
    assert not permissions.sees_everything(secretariat)


def test_membership_in_organisation_deactivated_meanwhile_is_refused(world, superuser, make_user):
    stale = world["own"]  # loaded while active, e.g. by a form
    services.organisation_update(actor=superuser, organisation=stale, is_active=False)
    with pytest.raises(ValidationError):
        services.membership_create(
            actor=superuser, user=make_user(), organisation=stale, role=Role.MEMBER
        )
