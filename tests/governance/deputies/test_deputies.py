"""Deputies: a named member of the same organisation signs for a signatory within the
dates of the appointment only, under their own conflict checks; every record names both
people; appointing and ending a deputy re-tests blocked sign-offs (audited)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import permissions
from governance.audit.models import AuditEvent
from governance.deputies.models import DeputyAppointment
from governance.deputies.selectors import (
    acting_for,
    acting_label,
    appointment_for,
    date_range,
)
from governance.deputies.services import deputy_appoint, deputy_end
from governance.signoffs.models import ConflictDeclaration, SignOffStatus
from governance.signoffs.selectors import open_signoffs_for, signoffs_visible_to
from governance.signoffs.services import signoff_decide
from tests.governance.deputies.conftest import appoint, declare, signoff_of, today

pytestmark = pytest.mark.django_db


def on(day: datetime.date):
    """Pretend today is ``day`` (Europe/London) for every date check."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_deputy_signs_within_the_dates_and_the_record_names_both(world, allocation):
    a = appoint(world)
    signoff = signoff_of(allocation, world["trust"])
    done = signoff_decide(actor=world["deputy"], signoff=signoff, outcome="approve")
    assert done.status == SignOffStatus.APPROVED
    assert done.signatory == world["deputy"]
    assert done.on_behalf_of == world["trust_sign"]
    assert done.deputy_appointment == a
    label = f"Jo Bloggs for Sam Smith (deputy, {date_range(a.valid_from, a.valid_to)})"
    assert done.signatory_label == label
    event = AuditEvent.objects.filter(verb="signoff.approved").latest("seq")
    assert event.actor == world["deputy"]
    assert event.changes["signatory"] == label
    assert event.changes["on_behalf_of"] == world["trust_sign"].pk
    assert event.changes["deputy_appointment"] == a.pk


def test_deputy_cannot_sign_before_the_first_day(world, allocation):
    appoint(world, start=2, days=3)
    signoff = signoff_of(allocation, world["trust"])
    assert not permissions.can_sign_for(world["deputy"], world["trust"])
    with pytest.raises(PermissionDenied):
        signoff_decide(actor=world["deputy"], signoff=signoff, outcome="approve")
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.PENDING and signoff.signatory is None
    with on(today() + datetime.timedelta(days=2)):  # the first day: may sign
        assert permissions.can_sign_for(world["deputy"], world["trust"])
        signoff_decide(actor=world["deputy"], signoff=signoff, outcome="approve")


def test_deputy_cannot_sign_after_the_last_day(world, allocation):
    appoint(world, days=2)
    signoff = signoff_of(allocation, world["trust"])
    last_day = today() + datetime.timedelta(days=2)
    with on(last_day):
        assert permissions.can_sign_for(world["deputy"], world["trust"])
    with on(last_day + datetime.timedelta(days=1)):
        assert not permissions.can_sign_for(world["deputy"], world["trust"])
        assert not open_signoffs_for(world["deputy"]).exists()
        with pytest.raises(PermissionDenied):
            signoff_decide(actor=world["deputy"], signoff=signoff, outcome="approve")


def test_ended_appointment_stops_the_deputy_at_once(world, allocation):
    a = appoint(world)
    deputy_end(actor=world["trust_sign"], appointment=a, reason="Back from leave early.")
    assert not permissions.can_sign_for(world["deputy"], world["trust"])
    with pytest.raises(PermissionDenied):
        signoff_decide(
            actor=world["deputy"],
            signoff=signoff_of(allocation, world["trust"]),
            outcome="approve",
        )
    event = AuditEvent.objects.get(verb="deputy.ended")
    assert event.reason == "Back from leave early." and event.actor == world["trust_sign"]


def test_deputy_who_leaves_the_organisation_stops_acting(world, allocation):
    from governance.organisations.models import Membership
    from governance.organisations.services import membership_end

    appoint(world)
    membership_end(
        actor=world["trust_sec"],
        membership=Membership.objects.get(user=world["deputy"], organisation=world["trust"]),
        reason="Left the trust",
    )
    assert acting_for(world["deputy"], organisation=world["trust"]) == []
    assert not permissions.can_sign_for(world["deputy"], world["trust"])


def test_deputy_of_someone_no_longer_a_signatory_cannot_sign(world, allocation):
    from governance.organisations.models import Membership
    from governance.organisations.services import membership_end

    appoint(world)
    membership_end(
        actor=world["trust_sec"],
        membership=Membership.objects.get(user=world["trust_sign"], role="signatory"),
        reason="Retired",
    )
    assert not permissions.can_sign_for(world["deputy"], world["trust"])


def test_deputys_own_conflicts_apply(world, allocation):
    declare(world["deputy"], world["vcse"])  # the recipient of the allocation
    appoint(world)
    signoff = signoff_of(allocation, world["trust"])
    with pytest.raises(ValidationError) as exc:
        signoff_decide(actor=world["deputy"], signoff=signoff, outcome="approve")
    assert "Carers Alliance" in exc.value.messages[0]
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.PENDING
    assert ConflictDeclaration.objects.filter(signoff=signoff, person=world["deputy"]).exists()


def test_deputy_cannot_sign_for_another_organisation(world, allocation):
    appoint(world)
    council = signoff_of(allocation, world["council"])
    assert not permissions.can_sign_for(world["deputy"], world["council"])
    with pytest.raises(PermissionDenied):
        signoff_decide(actor=world["deputy"], signoff=council, outcome="approve")


def test_deputy_sees_the_signoff_and_may_take_its_task(world, allocation):
    signoff = signoff_of(allocation, world["trust"])
    node = signoff.task.flow_task
    assert not node.can_assign(world["deputy"], signoff.task)
    assert signoff not in open_signoffs_for(world["deputy"])
    a = appoint(world)
    assert list(open_signoffs_for(world["deputy"])) == [signoff]
    assert signoffs_visible_to(world["deputy"]).filter(pk=signoff.pk).exists()
    assert node.can_assign(world["deputy"], signoff.task)
    deputy_end(actor=world["trust_sec"], appointment=a, reason="Appointed in error.")
    assert not node.can_assign(world["deputy"], signoff.task)
    assert not open_signoffs_for(world["deputy"]).exists()


def test_deputy_of_another_organisation_is_refused(world):
    before = (DeputyAppointment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        deputy_appoint(
            actor=world["trust_sign"],
            principal=world["trust_sign"],
            deputy=world["outsider"],
            organisation=world["trust"],
            valid_from=today(),
            valid_to=today() + datetime.timedelta(days=5),
        )
    assert "same organisation" in exc.value.message_dict["deputy"][0]
    assert (DeputyAppointment.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("who", ["trust_member", "deputy", "council_sec", "auditor", "outsider"])
def test_only_the_principal_or_the_secretariat_may_appoint(world, who):
    with pytest.raises(PermissionDenied):
        appoint(world, actor=who)
    assert not DeputyAppointment.objects.exists()


@pytest.mark.parametrize("who", ["trust_sign", "trust_sec", "icb_sec"])
def test_principal_and_secretariats_may_appoint(world, who):
    a = appoint(world, actor=who)
    event = AuditEvent.objects.get(verb="deputy.appointed")
    assert event.actor == world[who] and event.organisation == world["trust"]
    assert event.target_label == acting_label(world["deputy"], world["trust_sign"], a)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"deputy": "trust_sign"}, "deputy"),
        ({"start": -1}, "valid_from"),
        ({"days": -2}, "valid_to"),
        ({"days": 400}, "valid_to"),
    ],
)
def test_bad_input_writes_nothing(world, kwargs, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        appoint(world, **kwargs)
    assert field in exc.value.message_dict
    assert not DeputyAppointment.objects.exists()
    assert AuditEvent.objects.count() == before


def test_overlapping_appointment_is_refused(world):
    appoint(world, days=10)
    with pytest.raises(ValidationError) as exc:
        appoint(world, start=5, days=10)
    assert "already deputy" in exc.value.message_dict["valid_from"][0]


def test_officer_principal_needs_only_a_post_in_the_organisation(world):
    a = deputy_appoint(
        actor=world["trust_member"],
        principal=world["trust_member"],
        deputy=world["deputy"],
        organisation=world["trust"],
        valid_from=today(),
        valid_to=today() + datetime.timedelta(days=3),
    )
    assert acting_for(world["deputy"], organisation=world["trust"]) == [world["trust_member"]]
    assert appointment_for(world["deputy"], world["trust_member"], world["trust"]) == a
    # a member's deputy does not become a signatory
    assert not permissions.can_sign_for(world["deputy"], world["trust"])


def test_ending_twice_or_after_the_last_day_is_refused(world):
    a = appoint(world, days=1)
    with pytest.raises(ValidationError) as exc:
        deputy_end(actor=world["trust_sign"], appointment=a, reason="")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        deputy_end(actor=world["outsider"], appointment=a, reason="No")
    deputy_end(actor=world["deputy"], appointment=a, reason="Stepping down.")
    with pytest.raises(ValidationError):
        deputy_end(actor=world["trust_sign"], appointment=a, reason="Again")


def test_appointing_a_deputy_unblocks_and_ending_it_blocks_again(world, allocation):
    declare(world["trust_sign"], world["vcse"])  # the trust's only signatory is conflicted
    signoff = signoff_of(allocation, world["trust"])
    signoff.refresh_from_db()
    assert signoff.blocked
    a = appoint(world, reason="Conflicted on the carers allocation.")
    signoff.refresh_from_db()
    assert not signoff.blocked
    verbs = list(AuditEvent.objects.order_by("-seq").values_list("verb", flat=True)[:2])
    assert verbs == ["signoff.unblocked", "deputy.appointed"]
    deputy_end(actor=world["trust_sign"], appointment=a, reason="Interest ended early.")
    signoff.refresh_from_db()
    assert signoff.blocked
    assert AuditEvent.objects.order_by("-seq").first().verb == "signoff.blocked"


def test_a_conflicted_deputy_does_not_unblock(world, allocation):
    declare(world["trust_sign"], world["vcse"])
    declare(world["deputy"], world["vcse"])
    appoint(world)
    signoff = signoff_of(allocation, world["trust"])
    signoff.refresh_from_db()
    assert signoff.blocked
    handling = ConflictDeclaration.objects.get(signoff=signoff, person=world["deputy"]).handling
    assert "Jo Bloggs for Sam Smith" in handling


def test_acting_label_and_date_ranges(world):
    assert date_range(datetime.date(2026, 8, 1), datetime.date(2026, 8, 14)) == "1–14 August 2026"
    assert (
        date_range(datetime.date(2026, 7, 28), datetime.date(2026, 8, 10))
        == "28 July – 10 August 2026"
    )
    assert (
        date_range(datetime.date(2026, 12, 29), datetime.date(2027, 1, 4))
        == "29 December 2026 – 4 January 2027"
    )
    assert acting_label(world["deputy"]) == "Jo Bloggs"
    a = DeputyAppointment(valid_from=datetime.date(2026, 8, 1), valid_to=datetime.date(2026, 8, 14))
    assert (
        acting_label(world["deputy"], world["trust_sign"], a)
        == "Jo Bloggs for Sam Smith (deputy, 1–14 August 2026)"
    )


# --- web -----------------------------------------------------------------------------------


def test_appoint_page_shows_errors_next_to_fields_and_writes_nothing(client, world):
    client.force_login(world["trust_sign"])
    assert client.get("/deputies/new/").status_code == 200
    response = client.post(
        "/deputies/new/",
        {
            "organisation": world["trust"].pk,
            "principal": world["trust_sign"].pk,
            "deputy": world["trust_sign"].pk,
            "valid_from": today().isoformat(),
            "valid_to": (today() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot be their own deputy" in form.errors["deputy"][0]
    assert "before the first" in form.errors["valid_to"][0]
    assert not DeputyAppointment.objects.exists()


def test_appoint_and_end_through_the_pages(client, world):
    client.force_login(world["trust_sign"])
    response = client.post(
        "/deputies/new/",
        {
            "organisation": world["trust"].pk,
            "principal": world["trust_sign"].pk,
            "deputy": world["deputy"].pk,
            "valid_from": today().isoformat(),
            "valid_to": (today() + datetime.timedelta(days=13)).isoformat(),
            "reason": "Annual leave",
        },
    )
    assert response.status_code == 302
    a = DeputyAppointment.objects.get()
    listing = client.get("/deputies/").content.decode()
    assert "Jo Bloggs for Sam Smith (deputy," in listing
    assert client.post(f"/deputies/{a.pk}/end/", {"reason": ""}).status_code == 200
    assert client.post(f"/deputies/{a.pk}/end/", {"reason": "Back early"}).status_code == 302
    a.refresh_from_db()
    assert a.ended_at is not None and a.ended_by == world["trust_sign"]


def test_a_member_cannot_appoint_for_someone_else_through_the_page(client, world):
    client.force_login(world["trust_member"])
    response = client.post(
        "/deputies/new/",
        {
            "organisation": world["trust"].pk,
            "principal": world["trust_sign"].pk,
            "deputy": world["deputy"].pk,
            "valid_from": today().isoformat(),
            "valid_to": today().isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["principal"]
    assert not DeputyAppointment.objects.exists()


def test_others_cannot_see_or_end_an_appointment(client, world):
    a = appoint(world)
    client.force_login(world["outsider"])
    assert client.get(f"/deputies/{a.pk}/end/").status_code == 404
    assert "Jo Bloggs" not in client.get("/deputies/").content.decode()


def test_deputy_signs_on_the_signoff_page(client, world, allocation):
    appoint(world)
    signoff = signoff_of(allocation, world["trust"])
    client.force_login(world["deputy"])
    assert "Calder Trust" in client.get("/inbox/").content.decode()
    page = client.get(f"/signoffs/{signoff.pk}/").content.decode()
    assert "You sign as <strong>Jo Bloggs for Sam Smith (deputy," in page
    response = client.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve", "comment": ""})
    assert response.status_code == 302
    signoff.refresh_from_db()
    assert signoff.on_behalf_of == world["trust_sign"]
    detail = client.get(f"/allocations/{allocation.pk}/").content.decode()
    assert "Jo Bloggs for Sam Smith (deputy," in detail


def test_daily_refresh_unblocks_when_a_deputy_starts_and_blocks_when_it_ends(world, allocation):
    from io import StringIO

    from django.core.management import call_command

    declare(world["trust_sign"], world["vcse"])
    appoint(world, start=1, days=0)  # tomorrow only
    signoff = signoff_of(allocation, world["trust"])
    signoff.refresh_from_db()
    assert signoff.blocked  # not yet in office
    with on(today() + datetime.timedelta(days=1)):
        call_command("refresh_signoff_blocks", stdout=StringIO())
        signoff.refresh_from_db()
        assert not signoff.blocked
    with on(today() + datetime.timedelta(days=2)):
        call_command("refresh_signoff_blocks", stdout=StringIO())
        signoff.refresh_from_db()
        assert signoff.blocked
    verbs = AuditEvent.objects.filter(changes__signoff=signoff.pk).values_list("verb", flat=True)
    assert list(verbs.order_by("seq"))[-3:] == [
        "signoff.blocked",
        "signoff.unblocked",
        "signoff.blocked",
    ]
