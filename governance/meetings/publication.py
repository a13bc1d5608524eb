"""What the public portal, the feeds and the anonymous API may show. Every public output
goes through these projections, which never read Part 2 text: a Part 2 item is only
its number and a notice with its exemption reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from governance.meetings import selectors
from governance.meetings.models import (
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    PackVariant,
    PackVersion,
    Session,
)


@dataclass(frozen=True)
class PublicMinute:
    number: int
    title: str
    text: str
    withheld: bool


def published_minutes(meeting: Meeting) -> Minutes | None:
    if meeting.session != Session.PUBLIC:
        return None
    return Minutes.objects.filter(meeting=meeting, status=MinutesStatus.PUBLISHED).first()


def public_minutes(minutes: Minutes) -> list[PublicMinute]:
    """The published minutes' entries; Part 2 entries only as a notice."""
    if minutes.status != MinutesStatus.PUBLISHED or minutes.meeting.session != Session.PUBLIC:
        return []
    out = []
    for entry in minutes.entries.select_related("item").order_by("item__position"):
        withheld = entry.is_part2 or entry.item.is_part2
        out.append(
            PublicMinute(
                number=entry.item.position,
                title=entry.item.public_title,
                text="" if withheld else entry.text,
                withheld=withheld,
            )
        )
    return out


@dataclass(frozen=True)
class PublicBodyDecision:
    body: str
    outcome: str
    votes: str
    named_votes: str


@dataclass(frozen=True)
class PublicDecision:
    number: int
    title: str
    outcome: str
    votes: str
    named_votes: str = ""
    bodies: tuple[PublicBodyDecision, ...] = ()


def _totals(row, unit: str = "") -> str:
    if not row.has_votes:
        return ""
    return (
        f"{row.votes_for} for, {row.votes_against} against, {row.abstentions} abstaining{unit}"
        + (" (chair's casting vote)" if row.casting_vote else "")
    )


def public_decisions(meeting: Meeting) -> list[PublicDecision]:
    """Outcomes of Part 1 items of a held meeting in public, with the named votes and,
    for committees in common, each body's own decision."""
    from governance.meetings.services.minutes import named_votes

    if meeting.session != Session.PUBLIC or meeting.status != MeetingStatus.HELD:
        return []
    out = []
    partners = meeting.committee.rules.counts == "partner"
    items = (
        selectors.agenda(meeting)
        .filter(part=1)
        .select_related("decision")
        .prefetch_related("decision__votes", "decision__body_decisions__body")
    )
    for item in items:
        decision = getattr(item, "decision", None)
        if decision is None:
            continue
        votes = list(decision.votes.all())
        bodies = tuple(
            PublicBodyDecision(
                body=row.body.name,
                outcome=row.get_outcome_display(),
                votes=_totals(row),
                named_votes=named_votes([v for v in votes if v.body_id == row.body_id]),
            )
            for row in decision.body_decisions.all()
        )
        out.append(
            PublicDecision(
                item.position,
                item.title,
                decision.get_outcome_display(),
                _totals(decision, " (one vote per partner)" if partners else ""),
                "" if bodies else named_votes(votes),
                bodies,
            )
        )
    return out


def public_pack_versions(meeting: Meeting) -> list[PackVersion]:
    if not selectors.is_published(meeting):
        return []
    return list(selectors.pack_versions(meeting, PackVariant.PUBLIC))


def published_at(version: PackVersion) -> datetime.datetime:
    """When a public pack became public: its creation, or the publication date if later."""
    day = selectors.publication_date(version.meeting)
    opens = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))
    return max(version.created_at, opens)


@dataclass(frozen=True)
class FeedEntry:
    key: str
    title: str
    link: str
    description: str
    published: datetime.datetime


def feed_entries(limit: int = 50) -> list[FeedEntry]:
    """Newly published papers (public packs) and minutes, newest first."""
    entries = []
    for version in selectors.public_pack_versions().order_by("-created_at")[: limit * 4]:
        meeting = version.meeting
        if not selectors.is_published(meeting):
            continue
        when = timezone.localtime(meeting.start)
        titles = [i.title for i in selectors.public_agenda(meeting) if i.part == 1]
        entries.append(
            FeedEntry(
                key=f"pack-{version.pk}",
                title=f"{meeting.committee.name}, {when:%-d %B %Y}: "
                f"{version.get_kind_display()} (version {version.number})",
                link=f"/public/packs/{version.pk}/",
                description="Papers: " + "; ".join(titles),
                published=published_at(version),
            )
        )
    for minutes in (
        Minutes.objects.filter(status=MinutesStatus.PUBLISHED, meeting__session=Session.PUBLIC)
        .select_related("meeting__committee")
        .order_by("-published_at")[:limit]
    ):
        meeting = minutes.meeting
        when = timezone.localtime(meeting.start)
        entries.append(
            FeedEntry(
                key=f"minutes-{minutes.pk}",
                title=f"{meeting.committee.name}, {when:%-d %B %Y}: approved minutes",
                link=f"/public/meetings/{meeting.pk}/minutes/",
                description="The approved minutes of the meeting held in public.",
                published=minutes.published_at,
            )
        )
    entries.sort(key=lambda e: e.published, reverse=True)
    return entries[:limit]
