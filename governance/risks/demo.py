"""Demo risk register for the fictional Northmere and Calder ICS (idempotent).

Categories with their appetite, the four ICS strategic objectives, and fourteen risks:
shared between the ICB (QX9), Northmere Hospitals (RZ1) and Northmere council
(E08000901) among others; one whose latest review took it above appetite (escalated);
several overdue for review (their review tasks raised); one awaiting a partner's
acceptance; one closed. Dates are relative to today so the demo stays current.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.demo.core import demo_admin
from governance.organisations.models import Organisation
from governance.risks import services
from governance.risks.models import Risk, RiskCategory, StrategicObjective
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

# code, name, committee, (appetite level, max score) or None, statement
CATEGORIES = [
    ("finance", "Finance", "Finance and Performance Committee", ("cautious", 12),
     "We will accept limited financial risk where it secures value for money."),
    ("quality", "Quality and safety", "Quality and Safety Committee", ("minimal", 8),
     "We have minimal appetite for risks that could harm patients or service users."),
    ("workforce", "Workforce", "People Committee", ("cautious", 12),
     "We accept some risk in new roles and ways of working to sustain the workforce."),
    ("performance", "Performance and access", "Finance and Performance Committee",
     ("open", 15), "We are open to risk in pursuit of faster access and recovery."),
    ("reputation", "Reputation", "", ("cautious", 12),
     "We protect public confidence in the system and its partners."),
    ("information", "Information governance", "Audit and Risk Committee", ("averse", 6),
     "We are averse to risks to the confidentiality and security of personal data."),
    ("estates", "Estates and infrastructure", "", None, ""),
]  # fmt: skip

OBJECTIVES = [
    ("SO1", "Improve outcomes in population health and healthcare", "Chief Medical Officer"),
    ("SO2", "Tackle inequalities in outcomes, experience and access", "Director of Strategy"),
    ("SO3", "Enhance productivity and value for money", "Chief Finance Officer"),
    ("SO4", "Help the NHS support broader social and economic development", "Chief Executive"),
]

ACCEPT_BY = {
    "QX9": "icb.signatory",
    "RZ1": "acute.signatory",
    "RZ2": "mh.signatory",
    "RZ3": "ambulance.signatory",
    "E08000901": "northmere.signatory2",
}


def _seed_framework(admin) -> tuple[dict, dict]:
    cats = {}
    for position, (code, name, committee, appetite, statement) in enumerate(CATEGORIES):
        cat = RiskCategory.objects.filter(code=code).first()
        if cat is None:
            cat = services.category_save(
                actor=admin,
                code=code,
                name=name,
                responsible_committee=committee,
                position=position,
            )
            if appetite:
                services.appetite_set(
                    actor=admin,
                    category=cat,
                    level=appetite[0],
                    max_score=appetite[1],
                    statement=statement,
                )
        cats[code] = cat
    objectives = {}
    for position, (code, title, lead) in enumerate(OBJECTIVES):
        obj = StrategicObjective.objects.filter(code=code).first()
        if obj is None:
            obj = services.objective_save(
                actor=admin, code=code, title=title, executive_lead=lead, position=position
            )
        objectives[code] = obj
    return cats, objectives


def _accept(risk, users, orgs: list[str]) -> None:
    for code in orgs:
        user = users[ACCEPT_BY[code]]
        signoff = (
            open_signoffs_for(user).filter(subject_type__model="risk", subject_id=risk.pk).first()
        )
        if signoff is not None:
            signoff_decide(actor=user, signoff=signoff, outcome="approve", comment="Accepted.")


def seed_risks(*, stdout=None) -> None:
    admin = demo_admin()
    cats, objectives = _seed_framework(admin)
    users = {u.username: u for u in get_user_model().objects.all()}
    orgs = {o.identifier: o for o in Organisation.objects.all()}
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    def raise_(owner, org, title, category, objective, scores, partners=(), **kw):
        existing = Risk.objects.filter(title=title).first()
        if existing is not None:
            return existing, False
        (il, ic), (cl, cc), (tl, tc) = scores
        risk = services.risk_create(
            actor=users[owner],
            owning_organisation=orgs[org],
            title=title,
            category=cats[category],
            strategic_objective=objectives.get(objective),
            inherent_likelihood=il,
            inherent_consequence=ic,
            current_likelihood=cl,
            current_consequence=cc,
            target_likelihood=tl,
            target_consequence=tc,
            partners=[orgs[p] for p in partners],
            **kw,
        )
        return risk, True

    def register(risk, owner, partners=()):
        services.risk_submit(actor=users[owner], risk=risk)
        _accept(risk, users, list(partners))

    def review(risk, owner, when, lc, comment):
        services.risk_review(
            actor=users[owner],
            risk=risk,
            current_likelihood=lc[0],
            current_consequence=lc[1],
            comment=comment,
            reviewed_on=when,
        )

    # 1. Shared finance risk: the latest review took it above appetite -> escalated.
    shared = ("RZ1", "E08000901")
    risk, new = raise_(
        "icb.signatory",
        "QX9",
        "System financial deficit in 2026/27",
        "finance",
        "SO3",
        ((5, 5), (3, 4), (2, 3)),
        partners=shared,
        cause="Because of rising demand for urgent care, agency staffing costs and "
        "inflation above the funding settlement,",
        event="there is a risk that the system does not deliver its break-even plan,",
        effect="resulting in a deficit, NHS England intervention and loss of local control "
        "over spending decisions.",
        controls="Monthly system finance group; grip-and-control panels in each trust; "
        "vacancy control; agency cap.",
        assurances="Month 6 system finance report (Finance and Performance Committee); "
        "internal audit of financial controls (substantial assurance).",
        gaps_in_control="No agreed system-wide recovery plan for the urgent care overspend.",
        gaps_in_assurance="Efficiency schemes not yet validated by the PMO.",
        actions="Agree the system recovery plan (Dec); validate efficiency schemes (Jan).",
        review_frequency="quarterly",
        assessed_on=ago(200),
    )
    if new:
        register(risk, "icb.signatory", shared)
        review(
            risk,
            "icb.signatory",
            ago(110),
            (3, 4),
            "Month 3 position on plan; "
            "efficiency delivery behind but mitigated by non-recurrent measures.",
        )
        review(
            risk,
            "icb.signatory",
            ago(14),
            (4, 4),
            "Month 7: £14.2m adverse to plan "
            "driven by urgent care and agency spend; recovery plan not yet agreed.",
        )

    # 2-5. Shared risks on the register, within appetite.
    risk, new = raise_(
        "acute.member",
        "RZ1",
        "Ambulance handover delays at Northmere General",
        "quality",
        "SO1",
        ((5, 4), (2, 4), (1, 4)),
        partners=("QX9", "RZ3"),
        cause="Because of exit block from the emergency department,",
        event="there is a risk that ambulances wait more than 60 minutes to hand over,",
        effect="resulting in harm to patients waiting in the community for a response.",
        controls="Cohorting area; 45-minute release protocol; daily system call.",
        assurances="Weekly handover report to the system urgent care board.",
        review_frequency="monthly",
        assessed_on=ago(40),
    )
    if new:
        register(risk, "acute.member", ("QX9", "RZ3"))

    risk, new = raise_(
        "northmere.secretariat",
        "E08000901",
        "Adult social care workforce shortfall",
        "workforce",
        "SO4",
        ((4, 4), (3, 4), (2, 3)),
        partners=("QX9",),
        cause="Because of low pay relative to retail and hospitality,",
        event="there is a risk that home care providers cannot recruit and retain staff,",
        effect="resulting in unmet care needs and delayed hospital discharges.",
        controls="Fair cost of care uplift; joint recruitment campaign.",
        review_frequency="quarterly",
        assessed_on=ago(130),  # quarterly: overdue for review
    )
    if new:
        register(risk, "northmere.secretariat", ("QX9",))

    risk, new = raise_(
        "icb.member",
        "QX9",
        "Cyber attack on the shared care record",
        "information",
        "SO1",
        ((4, 5), (2, 3), (1, 3)),
        partners=shared,
        cause="Because the shared care record links every partner's systems,",
        event="there is a risk that a cyber attack compromises the record,",
        effect="resulting in loss of personal data and disruption to care.",
        controls="Multi-factor authentication; penetration testing; DSPT compliance.",
        assurances="DSPT submissions 'standards met' for all partners.",
        review_frequency="quarterly",
        assessed_on=ago(60),
    )
    if new:
        register(risk, "icb.member", shared)

    risk, new = raise_(
        "northmere.secretariat",
        "E08000901",
        "Delayed discharges from Northmere General",
        "performance",
        "SO1",
        ((5, 4), (4, 3), (2, 3)),
        partners=("RZ1", "QX9"),
        cause="Because of limited reablement and care home capacity,",
        event="there is a risk that medically fit patients stay in hospital,",
        effect="resulting in deconditioning, bed pressures and ambulance delays.",
        review_frequency="monthly",
        assessed_on=ago(50),  # monthly: overdue for review
    )
    if new:
        register(risk, "northmere.secretariat", ("RZ1", "QX9"))

    # 6-12. Organisations' own risks.
    own = [
        ("acute.member", "RZ1", "Elective recovery: patients waiting over 65 weeks",
         "performance", "SO2", ((4, 4), (3, 4), (2, 3)), 100),
        ("mh.member", "RZ2", "Out-of-area mental health placements", "quality", "SO2",
         ((4, 4), (2, 4), (1, 4)), 30),
        ("icb.member", "QX9", "Primary care estate capacity in growth areas", "estates",
         "SO2", ((4, 4), (3, 4), (2, 4)), 20),
        ("icb.secretariat", "QX9", "Public confidence in the stroke service reconfiguration",
         "reputation", "SO1", ((4, 4), (3, 3), (2, 2)), 45),
        ("icb.signatory", "QX9", "Continuing healthcare cost growth", "finance", "SO3",
         ((4, 4), (3, 3), (2, 3)), 120),
        ("icb.member", "QX9", "GP workforce retention", "workforce", "SO1",
         ((4, 4), (3, 3), (3, 2)), 10),
        ("acute.member", "RZ1", "Waiting list data quality", "information", "SO3",
         ((3, 4), (2, 2), (1, 2)), 25),
    ]  # fmt: skip
    for owner, org, title, category, objective, scores, days in own:
        risk, new = raise_(
            owner,
            org,
            title,
            category,
            objective,
            scores,
            cause=f"Because of pressures affecting {title.lower()},",
            event="there is a risk that the plan is not delivered,",
            effect="resulting in poorer outcomes and experience for patients.",
            review_frequency="quarterly",
            assessed_on=ago(days),
        )
        if new:
            register(risk, owner)

    # 13. Awaiting the council's acceptance (in Northmere's inbox).
    raise_(
        "icb.member",
        "QX9",
        "Winter infection prevention capacity in care homes",
        "quality",
        "SO1",
        ((4, 4), (2, 4), (1, 4)),
        partners=("E08000901",),
        cause="Because of winter viruses circulating in care homes,",
        event="there is a risk that outbreaks close homes to admissions,",
        effect="resulting in delayed discharges and harm to residents.",
    )
    risk = Risk.objects.get(title="Winter infection prevention capacity in care homes")
    if risk.status == "draft" and not risk.signoff_round:
        services.risk_submit(actor=users["icb.member"], risk=risk)

    # 14. Closed.
    risk, new = raise_(
        "icb.member",
        "QX9",
        "Transition of pharmacy commissioning to the ICB",
        "performance",
        "SO3",
        ((3, 3), (2, 2), (1, 2)),
        cause="Because pharmacy commissioning moved to ICBs,",
        event="there is a risk that contract management lapses,",
        effect="resulting in gaps in community pharmacy services.",
        assessed_on=ago(300),
    )
    if new:
        register(risk, "icb.member")
        services.risk_change_status(
            actor=users["icb.member"],
            risk=risk,
            status="closed",
            reason="Transition complete; contracts managed under the new team.",
        )

    services.review_tasks_raise_due(actor=None)
