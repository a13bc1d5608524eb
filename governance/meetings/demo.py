"""Demo data: the ICB board of the fictional Northmere and Calder ICS, two past meetings
(one with approved, published minutes; one with draft minutes and open actions) and a
forthcoming meeting with a full agenda, papers and both packs. Idempotent."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance import subjects
from governance.demo.core import DEMO_PASSWORD, demo_admin
from governance.interests.models import Interest
from governance.interests.services import interest_declare
from governance.meetings.models import Committee, CommitteeKind, Part, StandingKind
from governance.meetings.services import actions, agenda, committees, conduct, minutes, packs
from governance.meetings.services import papers as paper_services
from governance.organisations import services as org_services
from governance.organisations.models import Membership, Organisation, Role

BOARD = "NHS Northmere and Calder ICB Board"
# extra demo people the board needs (the core demo has no chair or non-executives)
BOARD_PEOPLE = [
    ("board.chair", "Margaret", "Holt", "Chair"),
    ("board.ned1", "Olu", "Adeyemi", "Non-executive member (audit)"),
    ("board.ned2", "Fiona", "Grant", "Non-executive member (remuneration)"),
    ("icb.ceo", "Amara", "Nwosu", "Chief Executive"),
]
SEATS = [
    # username, role, organisation, title, voting
    ("board.chair", "chair", "QX9", "Chair", True),
    ("board.ned1", "vice_chair", "QX9", "Non-executive member and vice-chair", True),
    ("board.ned2", "non_executive", "QX9", "Non-executive member", True),
    ("icb.ceo", "executive", "QX9", "Chief Executive", True),
    ("icb.signatory", "executive", "QX9", "Chief Finance Officer", True),
    ("mh.signatory", "partner_member", "RZ2", "Partner member: NHS trusts", True),
    (
        "northmere.signatory",
        "partner_member",
        "E08000901",
        "Partner member: local authorities",
        True,
    ),
    ("pcn1.signatory", "partner_member", "U99001", "Partner member: primary care", True),
    ("calder.signatory", "other", "E06000901", "Director of Public Health (participant)", False),
]
TERMS = "\n\n".join(
    [
        "The Board of NHS Northmere and Calder Integrated Care Board.",
        "1. Membership: the Chair, two non-executive members, the Chief Executive, the Chief "
        "Finance Officer and three partner members (NHS trusts, local authorities, primary "
        "care). The Director of Public Health attends as a non-voting participant.",
        "2. Quorum: half of the voting members, including at least one executive and one "
        "non-executive member. A member excluded from an item because of a conflict of "
        "interest does not count towards the quorum for that item.",
        "3. Decisions are reached by consensus where possible, otherwise by a simple majority "
        "of the voting members present; the Chair has a second or casting vote.",
        "4. Meetings are held in public unless the Board resolves to exclude the public for "
        "an item, giving the reason (Part 2).",
        "5. Papers are circulated five days before each meeting and published five clear "
        "days before it.",
    ]
)


def _users():
    return {u.username: u for u in get_user_model().objects.all()}


def _ensure_people(admin, icb):
    User = get_user_model()
    for username, first, last, title in BOARD_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not Membership.objects.filter(user=user, organisation=icb).exists():
            org_services.membership_create(
                actor=admin,
                user=user,
                organisation=icb,
                role=Role.MEMBER,
                job_title=title,
                start_date=datetime.date(2026, 4, 1),
                reason="Demo data",
            )


def demo_pdf(title: str, pages: int = 2) -> bytes:
    """A plain text PDF for demo appendices."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for n in range(1, pages + 1):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        text = f"BT /F1 16 Tf 60 770 Td ({title}) Tj 0 -24 Td /F1 11 Tf (Page {n} of {pages}) Tj"
        for row in range(30):
            text += f" 0 -18 Td (Table row {row + 1}: figures for the period, GBP 000s.) Tj"
        stream.set_data((text + " ET").encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _when(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _paper(sec, item, summary, *, recommendation, risks="", finance="", body="", appendix=None):
    paper = paper_services.paper_create(actor=sec, item=item)
    paper_services.paper_update(
        actor=sec,
        paper=paper,
        purpose=f"<p>{item.get_purpose_display()}.</p>",
        recommendation=f"<p>{recommendation}</p>",
        executive_summary=f"<p>{summary}</p>",
        risks=f"<p>{risks or 'No new risks arise from this paper.'}</p>",
        financial_implications=f"<p>{finance or 'None beyond the approved budget.'}</p>",
        conflicts_of_interest="<p>Declared interests are listed in the register.</p>",
        equality_quality_impact="<p>An equality and quality impact assessment was completed; "
        "no adverse impact was found.</p>",
        body=body,
    )
    if appendix:
        paper_services.appendix_add(
            actor=sec, paper=paper, title=appendix, data=demo_pdf(appendix), filename="appendix.pdf"
        )
    return paper_services.paper_approve(actor=sec, paper=paper)


def named_votes(committee, meeting, against=(), abstain=()) -> dict[int, str]:
    """Every member present and voting votes for, except those named."""
    from governance.meetings import quorum, selectors

    out = {}
    eligible = {s.key for s in quorum.eligible_voters(selectors.seats(meeting, None, committee))}
    for seat in committee.members.select_related("user").filter(pk__in=eligible):
        name = seat.user.username
        out[seat.pk] = "against" if name in against else "abstain" if name in abstain else "for"
    return out


def _attend(sec, board, meeting, absent=()):
    for seat in board.members.all():
        status = "apologies" if seat.user.username in absent else "present"
        conduct.attendance_record(actor=sec, meeting=meeting, member=seat, status=status)


def seed_meetings(*, stdout=None) -> None:
    if Committee.objects.filter(name=BOARD).exists():
        return
    admin = demo_admin()
    icb = Organisation.objects.filter(identifier="QX9").first()
    if icb is None:
        return
    _ensure_people(admin, icb)
    users = _users()
    sec = users["icb.secretariat"]
    orgs = {o.identifier: o for o in Organisation.objects.all()}
    board = committees.committee_create(
        actor=sec,
        name=BOARD,
        kind=CommitteeKind.BOARD,
        organisation=icb,
        terms_of_reference=TERMS,
        quorum_fraction=Decimal("0.5"),
        quorum_required_roles={"executive": 1, "non_executive|chair|vice_chair": 1},
        chair_has_casting_vote=True,
        papers_due_days=5,
        publication_clear_days=5,
    )
    for username, role, org, title, voting in SEATS:
        committees.member_add(
            actor=sec,
            committee=board,
            user=users[username],
            organisation=orgs[org],
            role=role,
            title=title,
            is_voting=voting,
            valid_from=datetime.date(2026, 4, 1),
        )
    if not Interest.objects.filter(person=users["mh.signatory"], related_organisation=orgs["RZ2"]):
        interest_declare(
            actor=users["mh.signatory"],
            person=users["mh.signatory"],
            interest_type="non_financial_professional",
            description="Chief Executive of Calder Community and Mental Health NHS Trust.",
            related_organisation=orgs["RZ2"],
            valid_from=datetime.date(2026, 4, 1),
        )
    older = _past_meeting(sec, board, users, days=-56, with_action=False)
    _past_meeting(sec, board, users, days=-28, with_action=True)
    minutes.minutes_publish(actor=sec, minutes=older.minutes)
    _forthcoming(sec, board, users)
    if stdout:
        stdout.write(f"Meetings: {BOARD} with two past meetings and a forthcoming one.")


def _past_meeting(sec, board, users, *, days, with_action):
    m = agenda.meeting_create(
        actor=sec,
        committee=board,
        start=_when(days),
        location="Council Chamber, Northmere Civic Centre",
        online_link="https://video.example.org/northmere-icb-board",
        title="Board meeting in public",
    )
    report = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Chief Executive's report",
        purpose="information",
        presenter="Amara Nwosu, Chief Executive",
    )
    finance = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Finance report",
        purpose="assurance",
        presenter="Tom Okafor, Chief Finance Officer",
    )
    private = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Community services contract: performance notice",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="information about the financial or business affairs of a provider "
        "(commercial interests, FOI Act s43)",
    )
    _attend(sec, board, m, absent=("board.ned2",))
    if with_action:  # the previous meeting's minutes are approved at this one
        conduct.item_decide(
            actor=sec,
            item=m.items.get(standing_kind=StandingKind.PREVIOUS_MINUTES),
            outcome="approved",
            resolution="The minutes were approved as a true record.",
        )
    conduct.item_record_discussion(
        actor=sec,
        item=report,
        discussion="The Chief Executive updated the Board on urgent care "
        "performance and the winter plan. Members asked about ambulance handovers.",
    )
    conduct.item_decide(actor=sec, item=report, outcome="noted")
    conduct.item_record_discussion(
        actor=sec,
        item=finance,
        discussion="The system is forecasting a break-even position after mitigations of £4.2m.",
    )
    conduct.item_decide(
        actor=sec,
        item=finance,
        outcome="assured",
        resolution="The Board took assurance on the financial position.",
    )
    conduct.item_record_discussion(
        actor=sec,
        item=private,
        discussion="The Board considered the provider's recovery plan.",
    )
    conduct.item_decide(
        actor=sec,
        item=private,
        votes=named_votes(
            board,
            m,
            against=("mh.signatory",),
            abstain=("pcn1.signatory",),
        ),
        resolution="Issue a contract performance notice.",
    )
    if with_action:
        actions.action_create(
            actor=sec,
            meeting=m,
            item=report,
            description="Bring a report on ambulance handover delays to the next meeting.",
            owner=users["icb.ceo"],
            due_date=timezone.localdate() + datetime.timedelta(days=10),
        )
        actions.action_create(
            actor=sec,
            meeting=m,
            item=private,
            description="Agree the provider's remedial action plan and report back.",
            owner=users["icb.signatory"],
            due_date=timezone.localdate() + datetime.timedelta(days=20),
        )
        done = actions.action_create(
            actor=sec,
            meeting=m,
            item=finance,
            description="Circulate the month 6 finance dashboard to members.",
            owner=users["icb.signatory"],
            due_date=timezone.localdate() - datetime.timedelta(days=14),
        )
        actions.action_update(actor=sec, action=done, status="done", progress="Circulated.")
    agenda.meeting_close(actor=sec, meeting=m)
    minutes.minutes_draft(actor=sec, meeting=m)
    return m


def _forthcoming(sec, board, users):
    from governance.meetings.demo_forward_plan import plan_frailty_decision

    start = _when(6)
    # the forward plan's key decision for this month: meeting_create puts it on the agenda
    frailty_plan = plan_frailty_decision(sec, board, timezone.localtime(start).date())
    m = agenda.meeting_create(
        actor=sec,
        committee=board,
        start=start,
        location="Council Chamber, Northmere Civic Centre",
        online_link="https://video.example.org/northmere-icb-board",
        title="Board meeting in public",
    )
    table = [
        c
        for st in subjects.registered()
        if st.awaiting_decision
        for c in st.awaiting_decision()[:1]
    ]
    items = [
        ("Chief Executive's report", "information", "Amara Nwosu, Chief Executive", 1),
        ("Integrated performance report", "assurance", "Amara Nwosu, Chief Executive", 1),
        ("Finance report, month 7", "assurance", "Tom Okafor, Chief Finance Officer", 1),
        ("Board Assurance Framework", "assurance", "Priya Shah, Board Secretary", 1),
        ("Winter plan 2026/27", "approval", "Amara Nwosu, Chief Executive", 1),
        ("Questions from the public", "noting", "Chair", 1),
    ]
    created = {}
    for title, purpose, presenter, _ in items:
        created[title] = agenda.item_add(
            actor=sec,
            meeting=m,
            title=title,
            purpose=purpose,
            presenter=presenter,
            duration_minutes=15,
        )
    for subject in table:
        try:
            agenda.item_table_subject(
                actor=sec, meeting=m, subject=subject, presenter="Lead officer"
            )
        except ValidationError:  # the demo degrades if a record cannot be tabled
            continue
    lease = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Urgent treatment centre: estate lease negotiations",
        purpose="decision",
        presenter="Tom Okafor, Chief Finance Officer",
        part=Part.PRIVATE,
        exemption_reason="commercial interests: negotiations with the landlord are ongoing "
        "(FOI Act s43)",
        duration_minutes=20,
    )
    _paper(
        sec,
        created["Chief Executive's report"],
        "Urgent care performance improved in October; ambulance handovers remain the main "
        "pressure.",
        recommendation="The Board is asked to note the report.",
        body="<h3>Urgent and emergency care</h3><p>Four-hour performance was 74.1%.</p>"
        "<h3>Primary care</h3><p>Appointments rose 6% on last year.</p>",
    )
    _paper(
        sec,
        created["Finance report, month 7"],
        "The system reports a year-to-date deficit of £2.1m against a break-even plan.",
        recommendation="The Board is asked to take assurance on the forecast.",
        finance="<strong>£2.1m</strong> year-to-date deficit; forecast break-even.",
        appendix="Month 7 finance tables",
    )
    _paper(
        sec,
        created["Winter plan 2026/27"],
        "The plan adds 120 beds' worth of capacity across the system from December.",
        recommendation="The Board is asked to approve the winter plan.",
        risks="Workforce availability over Christmas.",
    )
    _paper(
        sec,
        created["Board Assurance Framework"],
        "Two strategic risks are above appetite.",
        recommendation="The Board is asked to note the risks above appetite.",
        appendix="Board Assurance Framework summary",
    )
    _paper(
        sec,
        lease,
        "Heads of terms for a ten-year lease of the Mill Lane unit.",
        recommendation="Approve the heads of terms within the delegated limit.",
        finance="Annual rent of £310,000; fit-out of £1.4m.",
        appendix="Heads of terms",
    )
    _paper(
        sec,
        m.items.get(plan_item=frailty_plan),
        "The frailty virtual ward has cared for 1,140 people at home in two years, with "
        "an average stay of 9 days and 62% avoiding an acute admission.",
        recommendation="The Board is asked to recommission the frailty virtual ward for "
        "three years from 1 April, at up to £2.4m a year.",
        finance="£2.4m a year within the ICB's community services allocation.",
        body="<h3>The evaluation</h3><p>Readmissions within 30 days fell from 21% to 14% "
        "for people aged over 75 cared for on the frailty virtual ward.</p>",
        appendix="Frailty virtual ward evaluation, years 1 and 2",
    )
    packs.packs_generate(actor=sec, meeting=m)
    return m
