"""Committees, members, meetings and agendas through their services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.audit.models import AuditEvent
from governance.meetings.models import AgendaItem, CommitteeKind, CommitteeRole, Part, StandingKind
from governance.meetings.services import agenda, committees
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def test_committee_rule_is_validated(ics):
    sec = ics["secretariat"]
    with pytest.raises(ValidationError) as exc:
        committees.committee_create(
            actor=sec, name="Audit", kind=CommitteeKind.COMMITTEE, organisation=ics["icb"]
        )
    assert "quorum_min_members" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        committees.committee_create(
            actor=sec,
            name="Audit",
            kind=CommitteeKind.COMMITTEE,
            organisation=ics["icb"],
            quorum_fraction="1.5",
            quorum_required_roles={"wizard": 1},
        )
    assert {"quorum_fraction", "quorum_required_roles"} <= set(exc.value.message_dict)
    c = committees.committee_create(
        actor=sec,
        name="Audit",
        kind=CommitteeKind.COMMITTEE,
        organisation=ics["icb"],
        quorum_min_members=3,
    )
    assert AuditEvent.objects.filter(verb="committee.created", target_id=str(c.pk)).exists()


def test_only_secretariat_creates_and_runs_committees(ics, board, people):
    with pytest.raises(PermissionDenied):
        committees.committee_create(
            actor=ics["trust_sign"],
            name="Rogue",
            kind=CommitteeKind.COMMITTEE,
            organisation=ics["trust"],
            quorum_min_members=2,
        )
    with pytest.raises(PermissionDenied):
        agenda.meeting_create(actor=people["chair"], committee=board, start=at(10), location="Here")
    with pytest.raises(PermissionDenied):
        committees.committee_update(actor=ics["auditor"], committee=board, name="Renamed")


def test_member_seats_do_not_overlap_and_one_chair(ics, board, people, make_user):
    sec = ics["secretariat"]
    with pytest.raises(ValidationError) as exc:
        committees.member_add(
            actor=sec,
            committee=board,
            user=people["ceo"],
            organisation=ics["icb"],
            role=CommitteeRole.EXECUTIVE,
        )
    assert "user" in exc.value.message_dict
    newcomer = make_user(ics["icb"], username="newchair")
    with pytest.raises(ValidationError) as exc:
        committees.member_add(
            actor=sec, committee=board, user=newcomer, organisation=ics["icb"], role="chair"
        )
    assert "role" in exc.value.message_dict
    # the chair steps down; the new chair starts the next day
    committees.member_end(
        actor=sec, member=board.seat["chair"], last_day=datetime.date(2030, 1, 31)
    )
    m = committees.member_add(
        actor=sec,
        committee=board,
        user=newcomer,
        organisation=ics["icb"],
        role="chair",
        valid_from=datetime.date(2030, 2, 1),
    )
    assert m.is_member_on(datetime.date(2030, 2, 1))
    board.seat["chair"].refresh_from_db()
    assert not board.seat["chair"].is_member_on(datetime.date(2030, 2, 1))


def test_meeting_gets_standing_items(make_meeting):
    m = make_meeting()
    kinds = list(m.items.order_by("position").values_list("standing_kind", flat=True))
    assert kinds == [
        StandingKind.APOLOGIES,
        StandingKind.QUORUM,
        StandingKind.DECLARATIONS,
        StandingKind.PREVIOUS_MINUTES,
        StandingKind.ACTION_LOG,
        StandingKind.CHAIRS_ACTIONS,
    ]


def test_meeting_needs_a_place(ics, board):
    with pytest.raises(ValidationError) as exc:
        agenda.meeting_create(actor=ics["secretariat"], committee=board, start=at(5))
    assert "location" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        agenda.meeting_create(
            actor=ics["secretariat"], committee=board, start=at(5), online_link="http://x.test"
        )
    assert "online_link" in exc.value.message_dict


def test_part2_needs_reason_and_items_reorder(ics, make_meeting):
    sec = ics["secretariat"]
    m = make_meeting()
    with pytest.raises(ValidationError) as exc:
        agenda.item_add(actor=sec, meeting=m, title="Deal", purpose="decision", part=Part.PRIVATE)
    assert "exemption_reason" in exc.value.message_dict
    a = agenda.item_add(actor=sec, meeting=m, title="Finance report", purpose="assurance")
    b = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Contract award",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="commercial interests (s43 FOIA)",
    )
    # the resolution to exclude the public comes with the first Part 2 item, before it
    exclusion = m.items.get(standing_kind=StandingKind.EXCLUSION)
    assert (a.position, exclusion.position, b.position) == (7, 8, 9)
    with pytest.raises(ValidationError) as exc:  # Part 2 cannot come before Part 1
        agenda.item_move(actor=sec, item=b, to_position=6)
    assert "Part 1 items come before" in exc.value.message_dict["position"][0]
    agenda.item_move(actor=sec, item=a, to_position=6)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.position, b.position) == (6, 9)
    with pytest.raises(ValidationError):
        agenda.item_move(actor=sec, item=a, to_position=99)
    with pytest.raises(ValidationError):
        agenda.item_remove(actor=sec, item=m.items.get(standing_kind=StandingKind.QUORUM))
    agenda.item_remove(actor=sec, item=b)
    assert not m.items.filter(standing_kind=StandingKind.EXCLUSION).exists()
    a.refresh_from_db()
    assert a.position == 6
    ids = list(m.items.order_by("-position").values_list("pk", flat=True))
    agenda.item_reorder(actor=sec, meeting=m, ordered_ids=ids)
    assert m.items.order_by("position").first().pk == ids[0]
    with pytest.raises(ValidationError):
        agenda.item_reorder(actor=sec, meeting=m, ordered_ids=ids[:-1])


def test_item_timings_follow_durations(make_meeting):
    from governance.meetings import selectors

    m = make_meeting()
    items = list(selectors.agenda(m))
    times = selectors.item_times(m, items)
    assert (times[items[1].pk] - times[items[0].pk]) == datetime.timedelta(
        minutes=items[0].duration_minutes
    )


def test_tabling_a_proposal_ready_for_decision(ics, make_meeting, ready_proposal):
    from governance.meetings import selectors

    p = ready_proposal(title="Community beds", value="750000")
    m = make_meeting()
    labels = [c.label for c in selectors.tabling_candidates()]
    assert f"{p.reference} Community beds" in labels
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=m, subject=p)
    assert item.subject == p and item.purpose == "decision" and item.part == Part.PUBLIC
    assert item.title == f"{p.reference} Community beds"
    # once tabled it is no longer a candidate, and cannot be tabled twice
    assert p.pk not in [c.subject.pk for c in selectors.tabling_candidates()]
    with pytest.raises(ValidationError):
        agenda.item_table_subject(actor=ics["secretariat"], meeting=m, subject=p)


def test_confidential_subject_is_tabled_in_part2(ics, make_meeting, ready_proposal):
    p = ready_proposal(
        title="Buy Calder Mills",
        value="900000",
        is_confidential=True,
        exemption_reason="Commercial interests (FOIA s43)",
    )
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=make_meeting(), subject=p)
    assert item.part == Part.PRIVATE
    assert item.exemption_reason == "Commercial interests (FOIA s43)"
    assert "Buy Calder Mills" not in item.public_title
    with pytest.raises(ValidationError) as exc:
        agenda.item_update(actor=ics["secretariat"], item=item, part=Part.PUBLIC)
    assert "part" in exc.value.message_dict


def test_cannot_table_a_proposal_not_ready(ics, make_meeting, make_proposal):
    p = make_proposal("750000")
    with pytest.raises(ValidationError):
        agenda.item_table_subject(actor=ics["secretariat"], meeting=make_meeting(), subject=p)


def test_cancelled_meeting_is_frozen(ics, make_meeting):
    m = make_meeting()
    with pytest.raises(ValidationError):
        agenda.meeting_cancel(actor=ics["secretariat"], meeting=m, reason="")
    agenda.meeting_cancel(actor=ics["secretariat"], meeting=m, reason="No business")
    with pytest.raises(ValidationError):
        agenda.item_add(actor=ics["secretariat"], meeting=m, title="X", purpose="noting")
    assert AgendaItem.objects.filter(meeting=m).count() == 6


def test_quorum_fraction_is_decimal(board):
    assert board.quorum_fraction == Decimal("0.500")
