"""Demo SoRD (realistic, illustrative values) and proposals in several states (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from decisions import services, sord_services
from decisions.models import DecidedBy, DecisionType, Proposal
from governance.demo.core import demo_admin
from governance.interests.models import Interest
from governance.interests.services import interest_declare
from governance.organisations.models import Organisation
from governance.signoffs.models import SignOffRule
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

OFFICER, COMMITTEE, BOARD = DecidedBy.OFFICER, DecidedBy.COMMITTEE, DecidedBy.BOARD
K = Decimal("1000")

SORD = {
    ("commissioning", "Commissioning and contract award"): [
        (0, 100 * K, OFFICER, "", "Director (budget holder)", SignOffRule.HOST_ONLY),
        (
            100 * K,
            250 * K,
            OFFICER,
            "",
            "Director with Chief Executive or Director of Finance",
            SignOffRule.ALL,
        ),
        (
            250 * K,
            500 * K,
            OFFICER,
            "",
            "Chief Executive with Director of Finance",
            SignOffRule.ALL,
        ),
        (500 * K, None, BOARD, "", "", SignOffRule.ALL),
    ],
    ("pooled-fund", "Pooled fund (Section 75) variation"): [
        (0, 250 * K, COMMITTEE, "Finance and Performance Committee", "", SignOffRule.MAJORITY),
        (250 * K, None, BOARD, "", "", SignOffRule.ALL),
    ],
    ("strategy", "Policy and strategy"): [
        (0, None, BOARD, "", "", SignOffRule.MAJORITY),
    ],
    ("service-change", "Service change (clinical)"): [
        (0, None, COMMITTEE, "Quality and Safety Committee", "", SignOffRule.ALL),
    ],
}


def _users():
    return {u.username: u for u in get_user_model().objects.all()}


def _org(identifier):
    return Organisation.objects.get(identifier=identifier)


def seed_sord(admin) -> dict[str, DecisionType]:
    types = {}
    for (code, name), bands in SORD.items():
        dt = DecisionType.objects.filter(code=code).first()
        if dt is None:
            dt = sord_services.decision_type_create(actor=admin, code=code, name=name)
        if not dt.bands.exists():
            sord_services.sord_bands_replace(
                actor=admin,
                decision_type=dt,
                bands=[
                    {
                        "min_value": lo,
                        "max_value": hi,
                        "decided_by": by,
                        "committee_name": com,
                        "officer_role": officer,
                        "signoff_rule": rule,
                    }
                    for lo, hi, by, com, officer, rule in bands
                ],
                reason="Demo SoRD (illustrative limits)",
            )
        types[code] = dt
    return types


def _sign_all(proposal, users, names, outcome="approve", comment=""):
    for name in names:
        user = users[name]
        signoff = open_signoffs_for(user).filter(subject_id=proposal.pk).first()
        if signoff is not None:
            signoff_decide(actor=user, signoff=signoff, outcome=outcome, comment=comment)


def seed_decisions(*, stdout=None) -> None:
    admin = demo_admin()
    types = seed_sord(admin)
    users = _users()
    sec = users["icb.secretariat"]
    if not Interest.objects.filter(person=users["northmere.signatory"]).exists():
        interest_declare(
            actor=users["northmere.signatory"],
            person=users["northmere.signatory"],
            interest_type="indirect",
            description="Spouse is a trustee of the Northmere and Calder VCSE Alliance.",
            related_organisation=_org("1999001"),
            valid_from=datetime.date(2025, 6, 1),
        )
    if Proposal.objects.filter(title__startswith="Winter discharge").exists():
        return
    acute, council, mh, vcse = _org("RZ1"), _org("E08000901"), _org("RZ2"), _org("1999001")

    def raise_(actor, org, title, value, dtype, affected, **kw):
        return services.proposal_create(
            actor=actor,
            proposing_organisation=org,
            title=title,
            financial_value=value,
            decision_type=types[dtype],
            affected_organisations=affected,
            summary=kw.pop("summary"),
            **kw,
        )

    # 1. Ready for decision by the board (all partners signed).
    p = raise_(
        users["acute.member"],
        acute,
        "Winter discharge to assess beds",
        "750000.00",
        "commissioning",
        [acute, council, mh],
        summary="Commission 40 discharge-to-assess beds from December to March to cut "
        "delayed discharges at Northmere General.",
        rationale="Delayed discharges averaged 96 a day last winter.",
        options_considered="1. Do nothing. 2. Spot purchase. 3. Block contract (preferred).",
    )
    services.proposal_submit(actor=users["acute.member"], proposal=p)
    services.proposal_review(actor=sec, proposal=p, accept=True)
    _sign_all(p, users, ["acute.signatory", "northmere.signatory", "mh.signatory"])

    # 2. In sign-off: one partner has signed; the VCSE conflict shows on Northmere's task.
    p = raise_(
        users["icb.member"],
        _org("QX9"),
        "Virtual ward expansion in Northmere",
        "420000.00",
        "commissioning",
        [acute, council, vcse],
        summary="Add 30 virtual ward beds for frailty and respiratory care.",
        named_organisations=[vcse],
    )
    services.proposal_submit(actor=users["icb.member"], proposal=p)
    services.proposal_review(actor=sec, proposal=p, accept=True)
    _sign_all(p, users, ["acute.signatory"])

    # 3. Decided by an officer under the SoRD (host-only sign-off).
    p = raise_(
        users["vcse.member"],
        vcse,
        "Community falls prevention grant",
        "60000.00",
        "commissioning",
        [vcse],
        summary="A one-year grant for strength and balance classes in 12 community venues.",
    )
    services.proposal_submit(actor=users["vcse.member"], proposal=p)
    services.proposal_review(actor=sec, proposal=p, accept=True)
    _sign_all(p, users, ["icb.signatory"])

    # 4. Confidential, awaiting secretariat review.
    p = raise_(
        users["acute.member"],
        acute,
        "Urgent treatment centre estate lease",
        "1200000.00",
        "commissioning",
        [acute, _org("QX9")],
        summary="Take a 10-year lease on a unit for the new urgent treatment centre.",
        is_confidential=True,
        exemption_reason="Commercial interests: negotiations with the landlord are "
        "ongoing (FOI Act s43).",
    )
    services.proposal_submit(actor=users["acute.member"], proposal=p)

    # 5. Returned for revision.
    p = raise_(
        users["mh.member"],
        mh,
        "Crisis café pilot",
        "180000.00",
        "commissioning",
        [mh, council],
        summary="Open an evening crisis café in Calder.",
    )
    services.proposal_submit(actor=users["mh.member"], proposal=p)
    services.proposal_review(
        actor=sec,
        proposal=p,
        accept=False,
        reason="Please add the evaluation plan and the exit costs.",
    )

    # 6. A draft.
    raise_(
        users["icb.member"],
        _org("QX9"),
        "ICS digital inclusion strategy 2027-2030",
        "0.00",
        "strategy",
        [acute, council, mh, vcse],
        summary="A shared strategy to reduce digital exclusion in access to care.",
    )
