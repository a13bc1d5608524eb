"""The core's searchable kinds: meeting papers (with their PDF appendices' text),
minutes, actions and risks. Visibility comes from the meetings and risks selectors."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from governance.search.models import Audience, Kind
from governance.search.registry import Doc, SearchKind, register
from governance.search.text import plain

# --- papers -----------------------------------------------------------------------------


def _paper_docs(paper):
    from governance.meetings import selectors
    from governance.meetings.models import RICH_TEXT_FIELDS, PaperStatus, Part, Session
    from governance.search.services import pdf_text

    item = paper.item
    meeting = item.meeting
    committee = meeting.committee
    appendices = [
        plain(a.title, pdf_text(sha256=a.sha256, file=a.file))
        for a in paper.appendices.order_by("position")
    ]
    title = f"{item.title} ({committee.name}, {selectors.meeting_date(meeting):%-d %B %Y})"
    body = plain(*(getattr(paper, f) for f in RICH_TEXT_FIELDS), *appendices)
    orgs = [committee.organisation_id]
    yield Doc(Audience.PRIVATE, title, body, f"/meetings/items/{item.pk}/paper/", orgs)
    # whether the meeting is issued yet is checked at query time (``_papers_public``)
    if (
        paper.status == PaperStatus.APPROVED
        and item.part == Part.PUBLIC
        and meeting.session == Session.PUBLIC
    ):
        yield Doc(
            Audience.PUBLIC,
            title,
            body,
            f"/public/meetings/{meeting.pk}/",
            orgs,
            public_from=selectors.publication_date(meeting),
        )


def _papers_visible(user):
    from governance.meetings.models import Paper

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Paper.objects.none().values("pk")
    mine = Q(author_id=user.pk)
    from governance.meetings import policy

    ids = policy.private_committee_ids(user)
    members = Q() if ids is None else Q(item__meeting__committee_id__in=ids)
    return Paper.objects.filter(mine | members).values("pk")


def _papers_public():
    from governance.meetings.models import MeetingStatus, Paper, PaperStatus, Part, Session

    return Paper.objects.filter(
        status=PaperStatus.APPROVED,
        item__part=Part.PUBLIC,
        item__meeting__session=Session.PUBLIC,
        item__meeting__status__in=[MeetingStatus.ISSUED, MeetingStatus.HELD],
        item__meeting__committee__is_active=True,
    ).values("pk")


def _papers_all():
    from governance.meetings.models import Paper

    return Paper.objects.select_related("item__meeting__committee")


# --- minutes ----------------------------------------------------------------------------


def _minutes_docs(minutes):
    from governance.meetings import publication, selectors

    meeting = minutes.meeting
    committee = meeting.committee
    day = selectors.meeting_date(meeting)
    title = f"Minutes: {meeting.title or committee.name}, {day:%-d %B %Y}"
    entries = minutes.entries.select_related("item").order_by("item__position")
    body = plain(minutes.attendance_text, *(f"{e.item.title}: {e.text}" for e in entries))
    orgs = [committee.organisation_id]
    yield Doc(Audience.PRIVATE, title, body, f"/meetings/{meeting.pk}/minutes/", orgs)
    if publication.published_minutes(meeting) == minutes and committee.is_active:
        shown = [m for m in publication.public_minutes(minutes) if not m.withheld]
        yield Doc(
            Audience.PUBLIC,
            title,
            plain(*(f"{m.title}: {m.text}" for m in shown)),
            f"/public/meetings/{meeting.pk}/minutes/",
            orgs,
            public_from=timezone.localdate(minutes.published_at or minutes.updated_at),
        )


def _minutes_visible(user):
    from governance.meetings import policy
    from governance.meetings.models import Minutes

    ids = policy.private_committee_ids(user)
    qs = Minutes.objects.all()
    return (qs if ids is None else qs.filter(meeting__committee_id__in=ids)).values("pk")


def _minutes_public():
    from governance.meetings.models import Minutes, MinutesStatus, Session

    return Minutes.objects.filter(
        status=MinutesStatus.PUBLISHED,
        meeting__session=Session.PUBLIC,
        meeting__committee__is_active=True,
    ).values("pk")


# --- actions ----------------------------------------------------------------------------


def _action_docs(action):
    title = f"{action.reference} {action.description[:120]}"
    body = plain(action.description, action.progress, action.owner.get_full_name())
    orgs = [action.committee.organisation_id]
    yield Doc(Audience.PRIVATE, title, body, "/meetings/actions/", orgs)


def _actions_visible(user):
    from governance.meetings import selectors

    if not getattr(user, "is_authenticated", False):
        return selectors.actions_visible_to(user).none().values("pk")
    return selectors.actions_visible_to(user).values("pk")


# --- risks ------------------------------------------------------------------------------


def _risk_docs(risk):
    body = plain(
        risk.cause,
        risk.event,
        risk.effect,
        risk.controls,
        risk.gaps_in_control,
        risk.gaps_in_assurance,
    )
    orgs = [risk.owning_organisation_id, *risk.partners.values_list("pk", flat=True)]
    yield Doc(Audience.PRIVATE, f"{risk.reference} {risk.title}", body, f"/risks/{risk.pk}/", orgs)


def _risks_visible(user):
    from governance.risks.selectors import risks_visible_to

    return risks_visible_to(user).values("pk")


def register_core_kinds() -> None:
    from governance.meetings.models import Action, Minutes, Paper
    from governance.risks.models import Risk

    register(
        SearchKind(
            Kind.PAPER, Paper, _paper_docs, _papers_visible, public=_papers_public, all=_papers_all
        )
    )
    register(
        SearchKind(
            Kind.MINUTES,
            Minutes,
            _minutes_docs,
            _minutes_visible,
            public=_minutes_public,
            all=lambda: Minutes.objects.select_related("meeting__committee"),
        )
    )
    register(
        SearchKind(
            Kind.ACTION,
            Action,
            _action_docs,
            _actions_visible,
            all=lambda: Action.objects.select_related("owner", "committee"),
        )
    )
    register(
        SearchKind(
            Kind.RISK,
            Risk,
            _risk_docs,
            _risks_visible,
            all=lambda: Risk.objects.prefetch_related("partners"),
        )
    )
