"""Read paths for committees and meetings, always scoped to what the user may see.

The public projections (``public_agenda`` …) are the only way Part 1/Part 2 business
reaches anyone who may not see private business: pages, feeds and the API use them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from governance import subjects
from governance.meetings import policy, quorum
from governance.meetings.models import (
    OPEN_ACTION_STATUSES,
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Committee,
    CommitteeMember,
    Declaration,
    Meeting,
    MeetingStatus,
    PackVariant,
    PackVersion,
    Session,
)

# --- dates -----------------------------------------------------------------------------


def meeting_date(meeting: Meeting) -> datetime.date:
    return timezone.localtime(meeting.start).date()


def papers_due_date(meeting: Meeting) -> datetime.date:
    """The meeting's own papers deadline if the secretariat set one, else the committee's
    ``papers_due_days`` before the meeting."""
    if meeting.papers_due_on is not None:
        return meeting.papers_due_on
    return meeting_date(meeting) - datetime.timedelta(days=meeting.committee.papers_due_days)


def publication_date(meeting: Meeting) -> datetime.date:
    """First day public papers may be seen: N clear days (excluding the day of
    publication and the day of the meeting) before the meeting."""
    clear = meeting.committee.publication_clear_days
    return meeting_date(meeting) - datetime.timedelta(days=clear + 1)


def is_published(meeting: Meeting, today: datetime.date | None = None) -> bool:
    """Is the meeting's public agenda (and public pack) out?"""
    today = today or timezone.localdate()
    return (
        meeting.session == Session.PUBLIC
        and meeting.status in (MeetingStatus.ISSUED, MeetingStatus.HELD)
        and today >= publication_date(meeting)
    )


def item_times(meeting: Meeting, items) -> dict[int, datetime.datetime]:
    """Start time of each item, from the meeting's start and the items' durations."""
    at = timezone.localtime(meeting.start)
    times = {}
    for item in items:
        times[item.pk] = at
        at += datetime.timedelta(minutes=item.duration_minutes)
    return times


# --- committees and meetings ------------------------------------------------------------


def committees_visible_to(user) -> QuerySet[Committee]:
    """Committees, their members and terms of reference are public information."""
    qs = Committee.objects.select_related("organisation", "parent")
    if policy.private_committee_ids(user) is None:
        return qs
    return qs.filter(is_active=True)


def committees_managed_by(user) -> QuerySet[Committee]:
    ids = policy.managed_committee_ids(user)
    qs = Committee.objects.select_related("organisation")
    return qs if ids is None else qs.filter(pk__in=ids)


def current_members(committee: Committee, on: datetime.date | None = None):
    """The committee's members on ``on``; already loaded if the committee came from
    ``with_current_members``."""
    loaded = getattr(committee, "current_members_loaded", None)
    if loaded is not None and on is None:
        return loaded
    return (
        CommitteeMember.objects.on(on)
        .filter(committee=committee)
        .select_related("user", "organisation")
        .order_by("role", "user__last_name")
    )


def with_current_members(committees: QuerySet[Committee]) -> QuerySet[Committee]:
    """``committees`` with today's members loaded in one more query (for lists)."""
    members = (
        CommitteeMember.objects.on(None)
        .select_related("user", "organisation")
        .order_by("role", "user__last_name")
    )
    return committees.prefetch_related(
        Prefetch("members", queryset=members, to_attr="current_members_loaded")
    )


def bodies_of(committee: Committee) -> list[Committee]:
    """The bodies that decide at the committee's meetings: for committees in common, each
    body meeting in common (with its own members and quorum); otherwise the committee."""
    if committee.is_in_common:
        return list(committee.bodies.select_related("organisation").order_by("name"))
    return [committee]


def meeting_members(meeting: Meeting):
    """Members of every body deciding at the meeting, on its day."""
    ids = [b.pk for b in bodies_of(meeting.committee)] + [meeting.committee_id]
    return (
        CommitteeMember.objects.on(meeting_date(meeting))
        .filter(committee_id__in=ids)
        .select_related("user", "organisation", "committee")
        .order_by("committee__name", "role", "user__last_name")
    )


def member_organisations(committee: Committee) -> dict[int, str] | None:
    """{id: name} of the organisations the committee belongs to (None if none given)."""
    orgs = {o.pk: o.name for o in committee.organisations.all()}
    return orgs or None


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Private viewers: every meeting of their committees. Everybody: meetings in public."""
    qs = Meeting.objects.select_related("committee", "committee__organisation")
    ids = policy.private_committee_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(committee_id__in=ids) | Q(session=Session.PUBLIC))


def public_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(session=Session.PUBLIC, committee__is_active=True).select_related(
        "committee"
    )


def public_meetings_per_committee(
    *, newest_first: bool, limit: int = 6, **filters
) -> dict[int, list[Meeting]]:
    """``{committee id: [its first ``limit`` public meetings matching filters]}`` in one
    query (a row number per committee), ordered by start (newest first if asked)."""
    order = F("start").desc() if newest_first else F("start").asc()
    rows = (
        public_meetings()
        .filter(**filters)
        .annotate(nth=Window(RowNumber(), partition_by=[F("committee_id")], order_by=order))
        .filter(nth__lte=limit)
        .order_by("committee_id", "nth")
    )
    found: dict[int, list[Meeting]] = {}
    for meeting in rows:
        found.setdefault(meeting.committee_id, []).append(meeting)
    return found


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(committee=meeting.committee, start__lt=meeting.start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-start")
        .first()
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(committee=meeting.committee, start__gt=meeting.start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start")
        .first()
    )


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.items.select_related("subject_type").order_by("position")


# --- public projections -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicItem:
    """What the public may know of an agenda item."""

    id: int
    number: int
    title: str
    presenter: str
    purpose: str
    part: int
    exemption_reason: str
    starts_at: datetime.datetime
    duration_minutes: int
    page: int | None


def public_agenda(meeting: Meeting) -> list[PublicItem]:
    """The agenda as published: Part 2 items only as a notice with the exemption reason."""
    items = list(agenda(meeting))
    times = item_times(meeting, items)
    pack = latest_pack(meeting, PackVariant.PUBLIC)
    pages = pack.item_pages if pack else {}
    out = []
    for item in items:
        private = item.is_part2
        out.append(
            PublicItem(
                id=item.pk,
                number=item.position,
                title=item.public_title,
                presenter="" if private else item.presenter,
                purpose="" if private else item.get_purpose_display(),
                part=item.part,
                exemption_reason=item.exemption_reason if private else "",
                starts_at=times[item.pk],
                duration_minutes=item.duration_minutes,
                page=pages.get(str(item.pk)),
            )
        )
    return out


# --- packs ------------------------------------------------------------------------------


def pack_versions(meeting: Meeting, variant: str) -> QuerySet[PackVersion]:
    return PackVersion.objects.filter(meeting=meeting, variant=variant).order_by("-number")


def latest_pack(meeting: Meeting, variant: str) -> PackVersion | None:
    return pack_versions(meeting, variant).first()


def latest_full_pack(meeting: Meeting, variant: str) -> PackVersion | None:
    return pack_versions(meeting, variant).filter(kind__in=["full", "reissue"]).first()


def pack_visible_to(user, meeting: Meeting) -> PackVersion | None:
    """The newest pack the user may see: the members' pack for those who see private
    business, otherwise the public pack once published, otherwise none."""
    if policy.sees_private(user, meeting.committee):
        return latest_pack(meeting, PackVariant.MEMBERS)
    if is_published(meeting):
        return latest_pack(meeting, PackVariant.PUBLIC)
    return None


def pack_version_for(user, pk) -> PackVersion | None:
    """Pack version ``pk`` if ``user`` may download it, else None (the one check behind
    the page's and the API's downloads): the meeting must be visible to them; the
    members' pack only to those who see its private business; the public pack to them,
    or to anyone once the meeting's papers are published."""
    version = PackVersion.objects.filter(pk=pk).first()
    meeting = (
        meetings_visible_to(user).select_related("committee").filter(pk=version.meeting_id).first()
        if version is not None
        else None
    )
    if meeting is None:
        return None
    version.meeting = meeting
    private = policy.sees_private(user, meeting.committee)
    if version.variant == PackVariant.MEMBERS:
        return version if private else None
    return version if private or is_published(meeting) else None


def public_pack_versions() -> QuerySet[PackVersion]:
    """Public packs of meetings in public (callers still check each is published)."""
    return PackVersion.objects.filter(
        variant=PackVariant.PUBLIC, meeting__session=Session.PUBLIC
    ).select_related("meeting", "meeting__committee")


# --- at the meeting ---------------------------------------------------------------------


def attendance_of(meeting: Meeting) -> dict[int, Attendance]:
    """Members' attendance rows by committee member id."""
    return {
        a.member_id: a for a in Attendance.objects.filter(meeting=meeting, member__isnull=False)
    }


def seats(
    meeting: Meeting, item: AgendaItem | None = None, body: Committee | None = None
) -> list[quorum.Seat]:
    """The members of ``body`` (by default the meeting's committee; for committees in
    common without a body, the members of every body) on the meeting day, as
    quorum.Seat values, with the chair's exclusions on ``item`` applied."""
    present = {
        member_id
        for member_id, a in attendance_of(meeting).items()
        if a.status == AttendanceStatus.PRESENT
    }
    excluded = set()
    if item is not None:
        excluded = {d.person_id for d in item.declarations.all() if d.is_excluded}
    if body is None and meeting.committee.is_in_common:
        members = meeting_members(meeting)
    else:
        members = current_members(body or meeting.committee, meeting_date(meeting))
    return [
        quorum.Seat(
            key=m.pk,
            name=m.display_name,
            role=m.role,
            voting=m.is_voting,
            present=m.pk in present,
            excluded=m.user_id in excluded,
            organisation=m.organisation_id,
            organisation_name=m.organisation.name,
        )
        for m in members
    ]


def rule_of(committee: Committee) -> quorum.QuorumRule:
    return quorum.QuorumRule(
        min_members=committee.quorum_min_members,
        fraction=committee.quorum_fraction,
        required_roles=committee.quorum_required_roles or {},
    )


def quorum_for(body: Committee, body_seats: list[quorum.Seat]) -> quorum.QuorumResult:
    """One body's quorum by its kind's rule and its own quorum rule."""
    rules = body.rules
    needs_orgs = rules.counts == quorum.PARTNER or body.each_organisation_required
    return quorum.evaluate(
        rule_of(body),
        body_seats,
        counts=rules.counts,
        each_organisation=body.each_organisation_required,
        organisations=member_organisations(body) if needs_orgs else None,
    )


def quorums_of(
    meeting: Meeting, item: AgendaItem | None = None
) -> list[tuple[Committee, quorum.QuorumResult]]:
    """Each deciding body's quorum (one entry unless committees in common)."""
    return [
        (body, quorum_for(body, seats(meeting, item, body)))
        for body in bodies_of(meeting.committee)
    ]


def quorum_of(meeting: Meeting, item: AgendaItem | None = None) -> quorum.QuorumResult:
    """The meeting's (or item's) quorum; for committees in common, quorate only if every
    body is, with each body's reasons named."""
    results = quorums_of(meeting, item)
    if len(results) == 1 and results[0][0].pk == meeting.committee_id:
        return results[0][1]
    if not results:
        return quorum.QuorumResult(False, 1, 0, 0, {}, {}, (), ("no bodies meet in common",))
    return quorum.QuorumResult(
        quorate=all(q.quorate for _, q in results),
        required=sum(q.required for _, q in results),
        voting_members=sum(q.voting_members for _, q in results),
        counted=sum(q.counted for _, q in results),
        role_counts={},
        missing_roles={},
        excluded=tuple(n for _, q in results for n in q.excluded),
        reasons=tuple(f"{b.name}: {r}" for b, q in results for r in q.reasons),
    )


def expected_declarations(meeting: Meeting) -> dict[int, list[Declaration]]:
    """{item id: its declarations}, for the run page and the members' pack."""
    out: dict[int, list[Declaration]] = {}
    for d in declarations_of(meeting).order_by("item__position", "person__last_name", "pk"):
        out.setdefault(d.item_id, []).append(d)
    return out


def declarations_of(meeting: Meeting) -> QuerySet[Declaration]:
    return Declaration.objects.filter(item__meeting=meeting).select_related(
        "person", "interest", "item"
    )


def parties_of_item(item: AgendaItem) -> list:
    if item.subject_type_id is None or item.subject is None:
        return []
    try:
        return list(subjects.for_model(item.subject).parties(item.subject))
    except LookupError:
        return []


# --- tabling ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    subject: object
    label: str
    url: str
    confidential: bool
    model_label: str


def tabling_candidates() -> list[Candidate]:
    """Records waiting for a board/committee decision in every registered subject type,
    less those already on an agenda awaiting a decision."""
    out = []
    for st in subjects.registered():
        if st.awaiting_decision is None:
            continue
        for obj in st.awaiting_decision():
            out.append(
                Candidate(
                    subject=obj,
                    label=st.label(obj),
                    url=st.url(obj),
                    confidential=bool(st.is_confidential(obj)),
                    model_label=obj._meta.label_lower,
                )
            )
    tabled = set(
        AgendaItem.objects.filter(subject_type__isnull=False, decision__isnull=True)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values_list("subject_type__app_label", "subject_type__model", "subject_id")
    )
    return [
        c
        for c in out
        if (c.subject._meta.app_label, c.subject._meta.model_name, c.subject.pk) not in tabled
    ]


# --- actions ----------------------------------------------------------------------------


def actions_visible_to(user) -> QuerySet[Action]:
    """Private viewers: their committees' actions. Everybody: public actions of meetings in
    public, and the actions they own."""
    qs = Action.objects.select_related("owner", "meeting", "committee", "item")
    ids = policy.private_committee_ids(user)
    if ids is None:
        return qs
    public = Q(is_confidential=False, meeting__session=Session.PUBLIC)
    mine = Q(owner_id=user.pk) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return qs.filter(Q(committee_id__in=ids) | public | mine)


def action_log(meeting: Meeting, *, public: bool = False) -> list[Action]:
    """The action log shown at ``meeting``: actions raised at earlier meetings of the
    committee that are still open, or that were closed since the previous meeting."""
    prev = previous_meeting(meeting)
    qs = Action.objects.filter(committee=meeting.committee, meeting__start__lt=meeting.start)
    closed_since = Q(closed_at__gte=prev.start) if prev else Q(pk__in=[])
    qs = qs.filter(Q(status__in=OPEN_ACTION_STATUSES) | closed_since)
    if public:
        qs = qs.filter(is_confidential=False, meeting__session=Session.PUBLIC)
    return list(qs.select_related("owner", "meeting").order_by("due_date", "reference"))
