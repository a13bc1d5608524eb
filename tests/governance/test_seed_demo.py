"""The demo ICS: complete, idempotent, and leaves an intact audit trail."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from governance import permissions
from governance.audit.models import AuditEvent
from governance.audit.selectors import verify_chain
from governance.demo.core import DEMO_PASSWORD
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def tally() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "events": AuditEvent.objects.count(),
    }


@pytest.fixture
def seeded():
    output = seed()
    assert "Demo data ready" in output
    return output


def test_seed_twice_changes_nothing(seeded):
    first = tally()
    assert all(first.values()), first
    seed()
    assert tally() == first


def test_seed_completes_a_partly_seeded_database(seeded):
    full = tally()
    Membership.objects.filter(user__username="vcse.member").delete()  # not audited: test setup
    seed()
    assert tally()["memberships"] == full["memberships"]
    assert AuditEvent.objects.count() == full["events"] + 1


def test_demo_organisations(seeded):
    by_kind = {kind: Organisation.objects.filter(kind=kind) for kind in OrganisationKind.values}
    assert by_kind["icb"].count() == 1
    trusts = by_kind["nhs_trust"] | by_kind["nhs_foundation_trust"]
    assert trusts.count() >= 3
    names = " ".join(trusts.values_list("name", flat=True)).lower()
    for service in ("hospital", "community", "mental health", "ambulance"):
        assert service in names, service
    assert by_kind["local_authority"].count() == 4  # one of them Welsh (GSS W06)
    assert by_kind["local_authority"].filter(identifier__startswith="W06").count() == 1
    # Non-NHS partners without an official code, as is realistic.
    assert by_kind["police"].get().identifier == ""
    assert by_kind["fire_and_rescue"].get().identifier == ""
    assert by_kind["vcse"].filter(identifier="").exists()
    assert by_kind["pcn"].count() == 2
    assert by_kind["vcse"].count() >= 1
    assert not Organisation.objects.filter(is_active=False).exists()


def test_demo_people_in_every_role(seeded):
    for role in Role.values:
        assert Membership.objects.active().filter(role=role).exists(), role
    icb = Organisation.objects.get(kind="icb")
    # Every organisation has someone who can sign off for it.
    for org in Organisation.objects.all():
        assert Membership.objects.active().filter(organisation=org, role="signatory").exists(), org
    secretariat = get_user_model().objects.get(username="icb.secretariat")
    assert permissions.is_system_secretariat(secretariat)
    assert secretariat.has_perm("organisations.manage_organisation", icb)
    auditor = get_user_model().objects.get(username="icb.auditor")
    assert permissions.sees_everything(auditor)
    assert auditor.check_password(DEMO_PASSWORD)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_demo_memberships_audited_and_chain_intact(seeded):
    assert AuditEvent.objects.filter(verb="organisation.created").count() >= (
        Organisation.objects.count()
    )
    assert AuditEvent.objects.filter(verb="membership.created").count() >= (
        Membership.objects.count()
    )
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"{AuditEvent.objects.count()} events checked" in out.getvalue()
    assert verify_chain().ok
