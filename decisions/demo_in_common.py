"""Demo: a shared decision of the provider collaborative, decided by the three trusts'
boards meeting in common, where the ambulance trust's board does not approve — so the
register shows it approved in part, binding the two trusts whose boards approved."""

from __future__ import annotations

from governance.meetings.demo_decide import decided_at_held_meeting
from governance.meetings.models import Committee, CommitteeKind
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
    decided_at_held_meeting(
        sec,
        group,
        p,
        days_ago=12,
        location="Northmere General Hospital, Education Centre",
        title="Provider collaborative boards in common",
        discussion="The ambulance trust's board judged the system of little use to it and "
        "the cost share too high; the other two boards supported it.",
        votes=lambda members: _votes(
            members, against=("rz3.chair", "rz3.ned"), abstain=("rz2.ned",)
        ),
        resolution="Procure one laboratory information system for the pathology network.",
    )
