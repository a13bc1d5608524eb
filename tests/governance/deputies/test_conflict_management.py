"""A sign-off every signatory is conflicted out of: the secretariat sees it at once and
it is unblocked by either path -- another signatory appointed (the organisation's own
secretariat manages its memberships), or the chair of the deciding body recording how
the conflict is managed -- each audited. And the employer rule: an entry naming the
organisation one signs for is no conflict for signing for it."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import subjects
from governance.audit.models import AuditEvent
from governance.interests.selectors import conflicts
from governance.meetings.models.committees import Committee, CommitteeMember
from governance.organisations.models import Role
from governance.organisations.services import membership_create
from governance.signoffs.conflict_services import conflict_manage
from governance.signoffs.models import ConflictDeclaration, ConflictManagement, SignOffStatus
from governance.signoffs.selectors import blocked_signoffs_chaired_by, blocked_signoffs_visible_to
from governance.signoffs.services import signoff_decide
from tests.governance.deputies.conftest import LONG_AGO, declare, signoff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked(world, allocation):
    """The trust's only signatory has an interest in the recipient: blocked."""
    declare(world["trust_sign"], world["vcse"])
    s = signoff_of(allocation, world["trust"])
    s.refresh_from_db()
    assert s.blocked
    return s


def _manage(world, signoff, actor="chair", person="trust_sign", **kw):
    return conflict_manage(
        actor=world[actor],
        signoff=signoff,
        person=world[person],
        conditions=kw.get("conditions", "Signs only this allocation; takes no part in monitoring."),
        reason=kw.get("reason", "No other signatory; the interest is unpaid and declared."),
    )


def test_secretariats_see_the_blocked_signoff_at_once(world, blocked):
    assert blocked in blocked_signoffs_visible_to(world["icb_sec"])
    assert blocked in blocked_signoffs_visible_to(world["trust_sec"])  # its own secretariat
    assert blocked not in blocked_signoffs_visible_to(world["council_sec"])
    assert blocked not in blocked_signoffs_visible_to(world["trust_member"])
    assert blocked_signoffs_chaired_by(world["chair"]) == [blocked]
    assert blocked_signoffs_chaired_by(world["vice_chair"]) == []
    assert AuditEvent.objects.filter(verb="signoff.blocked").count() == 1


def test_blocked_then_unblocked_by_another_signatory(world, blocked, make_user):
    newcomer = make_user(None, username="newcomer")
    membership_create(
        actor=world["trust_sec"],  # the organisation's own secretariat
        user=newcomer,
        organisation=world["trust"],
        role=Role.SIGNATORY,
        reason="Second signatory while the chief executive is conflicted",
    )
    blocked.refresh_from_db()
    assert not blocked.blocked
    verbs = list(AuditEvent.objects.order_by("-seq").values_list("verb", flat=True)[:2])
    assert verbs == ["signoff.unblocked", "membership.created"]
    done = signoff_decide(actor=newcomer, signoff=blocked, outcome="approve")
    assert done.status == SignOffStatus.APPROVED and done.on_behalf_of is None


def test_blocked_then_unblocked_by_the_chair(world, blocked):
    with pytest.raises(ValidationError):  # before the chair decides
        signoff_decide(actor=world["trust_sign"], signoff=blocked, outcome="approve")
    m = _manage(world, blocked)
    blocked.refresh_from_db()
    assert not blocked.blocked
    assert m.committee == world["board"] and m.decided_by == world["chair"]
    declaration = ConflictDeclaration.objects.get(signoff=blocked, person=world["trust_sign"])
    assert declaration.handling == (
        "Permitted to sign by the chair: Signs only this allocation; takes no part in monitoring."
    )
    managed = AuditEvent.objects.get(verb="signoff.conflict_managed")
    assert managed.actor == world["chair"]
    assert managed.changes["person"] == world["trust_sign"].pk
    assert managed.reason.startswith("No other signatory")
    assert AuditEvent.objects.order_by("-seq").first().verb == "signoff.unblocked"
    done = signoff_decide(actor=world["trust_sign"], signoff=blocked, outcome="approve")
    assert done.status == SignOffStatus.APPROVED
    approved = AuditEvent.objects.get(verb="signoff.approved", changes__signoff=blocked.pk)
    assert approved.changes["conflict_management"] == m.pk
    # the declaration stays, with the chair's handling
    assert ConflictDeclaration.objects.filter(signoff=blocked).count() == 1


@pytest.mark.parametrize("who", ["vice_chair", "icb_sec", "trust_sec", "council_sign", "auditor"])
def test_only_the_chair_may_decide(world, blocked, who):
    with pytest.raises(PermissionDenied):
        _manage(world, blocked, actor=who)
    blocked.refresh_from_db()
    assert blocked.blocked and not ConflictManagement.objects.exists()


def test_a_former_chair_may_not_decide(world, blocked):
    CommitteeMember.objects.filter(user=world["chair"]).update(
        valid_to=datetime.date.today() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        _manage(world, blocked)


def test_the_subjects_deciding_committee_names_the_chair(world, blocked, make_user, monkeypatch):
    """A subject type's ``deciding_committee`` hook wins over the ICB board."""
    committee = Committee.objects.create(
        name="Place Partnership", kind="committee", organisation=world["icb"], quorum_fraction=1
    )
    place_chair = make_user(None, username="place_chair")
    CommitteeMember.objects.create(
        committee=committee,
        user=place_chair,
        organisation=world["council"],
        role="chair",
        valid_from=LONG_AGO,
    )
    from budgets.models import Allocation

    kind = subjects.for_model(Allocation)
    monkeypatch.setitem(
        subjects._REGISTRY,
        "budgets.allocation",
        dataclasses.replace(kind, deciding_committee=lambda a: committee),
    )
    with pytest.raises(PermissionDenied):
        _manage(world, blocked)  # the board's chair is not this body's chair
    m = conflict_manage(
        actor=place_chair,
        signoff=blocked,
        person=world["trust_sign"],
        conditions="As stated.",
        reason="Decided by the partnership's chair.",
    )
    assert m.committee == committee


@pytest.mark.parametrize(
    "person, kwargs, field",
    [
        ("council_sign", {}, "person"),  # not a signatory of the trust
        ("trust_member", {}, "person"),  # not a signatory at all
        ("trust_sign", {"conditions": "  "}, "conditions"),
        ("trust_sign", {"reason": ""}, "reason"),
    ],
)
def test_bad_input_writes_nothing(world, blocked, person, kwargs, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _manage(world, blocked, person=person, **kwargs)
    assert field in exc.value.message_dict
    assert not ConflictManagement.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_chair_cannot_decide_their_own_conflict(world, allocation):
    membership_create(
        actor=world["trust_sec"],
        user=world["chair"],
        organisation=world["trust"],
        role=Role.SIGNATORY,
        start_date=LONG_AGO,
    )
    declare(world["chair"], world["vcse"])
    with pytest.raises(ValidationError) as exc:
        _manage(world, signoff_of(allocation, world["trust"]), person="chair")
    assert "own conflict" in exc.value.message_dict["person"][0]


def test_no_conflict_no_decision_and_closed_signoffs_refused(world, allocation):
    council = signoff_of(allocation, world["council"])
    with pytest.raises(ValidationError) as exc:
        _manage(world, council, person="council_sign")
    assert "no declared conflict" in exc.value.message_dict["person"][0]
    signoff_decide(actor=world["council_sign"], signoff=council, outcome="approve")
    with pytest.raises(ValidationError):
        _manage(world, council, person="council_sign")


def test_deciding_twice_is_refused(world, blocked):
    _manage(world, blocked)
    with pytest.raises(ValidationError) as exc:
        _manage(world, blocked)
    assert "already decided" in exc.value.message_dict["person"][0]


# --- the employer rule ------------------------------------------------------------------


def test_an_entry_naming_ones_own_organisation_is_no_conflict_for_signing_for_it(
    world, allocation
):
    entry = declare(
        world["trust_sign"],
        world["trust"],
        kind="non_financial_professional",
        text="Chief Executive of Calder Trust.",
    )
    trust = signoff_of(allocation, world["trust"])
    trust.refresh_from_db()
    assert not trust.blocked
    assert not ConflictDeclaration.objects.filter(person=world["trust_sign"]).exists()
    done = signoff_decide(actor=world["trust_sign"], signoff=trust, outcome="approve")
    assert done.status == SignOffStatus.APPROVED
    # the one conflict test: without acting for the trust (e.g. at a meeting) it still counts
    assert list(conflicts(world["trust_sign"], [world["trust"]])) == [entry]
    assert not conflicts(
        world["trust_sign"], [world["trust"]], acting_for_organisation=world["trust"]
    ).exists()


def test_an_interest_in_another_party_still_conflicts(world, allocation):
    declare(world["council_sign"], world["trust"])  # the trust is a party to the pool
    council = signoff_of(allocation, world["council"])
    council.refresh_from_db()
    assert council.blocked
    with pytest.raises(ValidationError):
        signoff_decide(actor=world["council_sign"], signoff=council, outcome="approve")


# --- the pages --------------------------------------------------------------------------


def test_signoff_page_offers_the_two_ways_to_unblock(client, world, blocked):
    client.force_login(world["trust_sec"])
    page = client.get(f"/signoffs/{blocked.pk}/").content.decode()
    assert "another signatory must be authorised, or the chair must decide" not in page
    assert f"/manage/organisations/{world['trust'].pk}/people/" in page
    assert f"/deputies/new/?organisation={world['trust'].pk}" in page
    assert "The chair of Test ICB Board" in page
    assert f"/signoffs/{blocked.pk}/manage-conflict/" not in page  # not the chair
    client.force_login(world["trust_sign"])  # the conflicted signatory may appoint a deputy
    page = client.get(f"/signoffs/{blocked.pk}/").content.decode()
    assert f"organisation={world['trust'].pk}&amp;principal={world['trust_sign'].pk}" in page
    client.force_login(world["chair"])
    page = client.get(f"/signoffs/{blocked.pk}/").content.decode()
    assert f"/signoffs/{blocked.pk}/manage-conflict/" in page
    inbox = client.get("/inbox/").content.decode()
    assert "Record how the conflict is managed" in inbox


def test_chairs_form_shows_errors_next_to_fields_then_records(client, world, blocked):
    client.force_login(world["chair"])
    url = f"/signoffs/{blocked.pk}/manage-conflict/"
    response = client.post(url, {"person": world["trust_sign"].pk, "conditions": "", "reason": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "conditions" in errors and "reason" in errors
    assert not ConflictManagement.objects.exists()
    response = client.post(
        url,
        {"person": world["trust_sign"].pk, "conditions": "Signs once.", "reason": "Sole signatory"},
    )
    assert response.status_code == 302
    blocked.refresh_from_db()
    assert not blocked.blocked
    page = client.get(f"/signoffs/{blocked.pk}/").content.decode()
    assert "Permitted to sign by the chair: Signs once." in page


def test_others_may_not_use_the_chairs_form(client, world, blocked):
    client.force_login(world["icb_sec"])
    assert client.get(f"/signoffs/{blocked.pk}/manage-conflict/").status_code == 403
    client.force_login(world["outsider"])
    assert client.get(f"/signoffs/{blocked.pk}/manage-conflict/").status_code == 404
    assert client.get(f"/signoffs/{blocked.pk}/").status_code == 404
