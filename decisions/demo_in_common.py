"""Demo: a shared decision of the provider collaborative, decided by the three trusts'
boards meeting in common, where the ambulance trust's board does not approve — so the
register shows it approved in part, binding the two trusts whose boards approved."""

from __future__ import annotations

from governance.meetings import selectors as meeting_selectors
from governance.meetings.demo import _when
from governance.meetings.models import Committee, CommitteeKind
from governance.meetings.services import agenda, conduct, minutes
from governance.organisations.models import Organisation

COLLABORATIVE_CODE = "provider-collaborative"


def _votes(members, against=(), abstain=()) -> dict[int, str]:
    def choice(username):
        return "against" if username in against else "abstain" if username in abstain else "for"

    return {m.pk: choice(m.user.username) for m in members}


def collaborative_decision(sec, users, types, raise_, through_signoff) -> None:
    group = Committee.objects.filter(kind=CommitteeKind.COMMITTEES_IN_COMMON).first()
    if group is None or COLLABORATIVE_CODE not in types:
        return
    trusts = [Organisation.objects.get(identifier=code) for code in ("RZ1", "RZ2", "RZ3")]
    p = raise_(
        users["acute.member"],
        trusts[0],
        "Pathology network: one laboratory information system",
        "3200000.00",
        COLLABORATIVE_CODE,
        trusts,
        summary="One laboratory information system for the network's three laboratories, "
        "£3.2m over seven years, shared by the trusts of the provider collaborative.",
    )
    p = through_signoff(
        p, users["acute.member"], ["acute.signatory", "mh.signatory", "ambulance.signatory"]
    )
    held = agenda.meeting_create(
        actor=sec,
        committee=group,
        start=_when(-12, 10),
        location="Northmere General Hospital, Education Centre",
        title="Provider collaborative boards in common",
    )
    item = agenda.item_table_subject(actor=sec, meeting=held, subject=p)
    members = meeting_selectors.meeting_members(held)
    for seat in members:
        conduct.attendance_record(actor=sec, meeting=held, member=seat, status="present")
    conduct.item_record_discussion(
        actor=sec,
        item=item,
        discussion="The ambulance trust's board judged the system of little use to it and "
        "the cost share too high; the other two boards supported it.",
    )
    conduct.item_decide(
        actor=sec,
        item=item,
        votes=_votes(members, against=("rz3.chair", "rz3.ned"), abstain=("rz2.ned",)),
        resolution="Procure one laboratory information system for the pathology network.",
    )
    agenda.meeting_close(actor=sec, meeting=held)
    minutes.minutes_draft(actor=sec, meeting=held)
