"""The public portal (no sign-in): meetings held in public, their published agendas,
packs and minutes, the registers, and the iCalendar and Atom feeds.

Everything here is built from ``governance.meetings.publication`` and
``selectors.public_agenda``: no Part 2 text is read for these pages.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control

from governance.interests.selectors import published_register
from governance.meetings import ical, publication, selectors
from governance.meetings.models import Committee, MeetingStatus, PackVariant, PackVersion
from governance.meetings.views.meetings import _pdf_response


def _meeting_or_404(pk):
    return get_object_or_404(selectors.public_meetings(), pk=pk)


def portal(request):
    """Every active committee with its next and last six public meetings: three queries
    however many committees there are."""
    now = timezone.now()
    upcoming = selectors.public_meetings_per_committee(start__gte=now, newest_first=False)
    past = selectors.public_meetings_per_committee(start__lt=now, newest_first=True)
    committees = [
        {
            "committee": committee,
            "upcoming": upcoming.get(committee.pk, []),
            "past": past.get(committee.pk, []),
        }
        for committee in Committee.objects.filter(is_active=True).order_by("name")
    ]
    return render(request, "public/portal.html", {"committees": committees})


def committee(request, pk):
    c = get_object_or_404(Committee.objects.filter(is_active=True), pk=pk)
    return render(
        request,
        "public/committee.html",
        {
            "committee": c,
            "members": selectors.current_members(c),
            "meetings": selectors.public_meetings().filter(committee=c).order_by("-start"),
        },
    )


def meeting(request, pk):
    m = _meeting_or_404(pk)
    published = selectors.is_published(m)
    return render(
        request,
        "public/meeting.html",
        {
            "meeting": m,
            "published": published,
            "publication": selectors.publication_date(m),
            "agenda": selectors.public_agenda(m) if published else [],
            "packs": publication.public_pack_versions(m),
            "minutes": publication.published_minutes(m),
            "decisions": publication.public_decisions(m),
            "cancelled": m.status == MeetingStatus.CANCELLED,
        },
    )


def minutes(request, pk):
    m = _meeting_or_404(pk)
    mn = publication.published_minutes(m)
    if mn is None:
        raise Http404("These minutes are not published.")
    return render(
        request,
        "public/minutes.html",
        {"meeting": m, "minutes": mn, "entries": publication.public_minutes(mn)},
    )


def pack(request, pk):
    version = get_object_or_404(
        PackVersion.objects.select_related("meeting__committee"),
        pk=pk,
        variant=PackVariant.PUBLIC,
        meeting__session="public",
    )
    if not selectors.is_published(version.meeting):
        raise Http404("This pack is not published yet.")
    return _pdf_response(version)


def interests(request):
    return render(request, "public/interests.html", {"entries": published_register()})


@cache_control(max_age=900, public=True)
def calendar(request):
    pairs = []
    for m in selectors.public_meetings().order_by("start").prefetch_related("items"):
        minutes = sum(i.duration_minutes for i in m.items.all())
        pairs.append((m, m.start + (datetime.timedelta(minutes=minutes) or ical.DEFAULT_DURATION)))
    body = ical.calendar(
        pairs,
        host=request.get_host().split(":")[0] or "localhost",
        base_url=request.build_absolute_uri("/").rstrip("/"),
        name="Board and committee meetings held in public",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


class PapersFeed(Feed):
    """Atom feed of newly published papers (public packs) and minutes."""

    feed_type = Atom1Feed
    title = "Published board and committee papers"
    link = "/public/"
    subtitle = "Public packs and approved minutes of meetings held in public."

    def items(self):
        return publication.feed_entries()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return f"tag:ics-governance,2026:{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.published
