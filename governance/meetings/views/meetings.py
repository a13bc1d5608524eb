"""A meeting's page (agenda with times and pack page numbers, papers, packs) and the
secretariat's agenda editing, tabling and pack generation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import subjects
from governance.audit.reads import record_read
from governance.meetings import policy, selectors
from governance.meetings.forms import ItemForm, MeetingForm, ReasonForm
from governance.meetings.models import PackVariant, PackVersion
from governance.meetings.services import agenda, packs
from governance.meetings.views.common import (
    attempt,
    item_or_404,
    managed_meeting,
    meeting_or_404,
)


def job_status_url(job_id: int) -> str:
    try:
        return reverse("packs:job-status", args=[job_id])
    except NoReverseMatch:
        return f"/jobs/{job_id}/status/"


def _failed_jobs(meeting):
    """Pack jobs that failed since the last pack was issued (their message says why)."""
    from governance.packs.models import JobStatus, RenderJob

    last = PackVersion.objects.filter(meeting=meeting).order_by("-created_at").first()
    qs = RenderJob.objects.filter(
        kind=packs.JOB_KIND, params__meeting=meeting.pk, status=JobStatus.FAILED
    )
    if last is not None:
        qs = qs.filter(created_at__gt=last.created_at)
    return list(qs.order_by("-created_at")[:4])


def _running_jobs(meeting):
    from governance.packs.models import JobStatus, RenderJob

    return RenderJob.objects.filter(
        kind=packs.JOB_KIND,
        params__meeting=meeting.pk,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    )


def _visible(user, jobs):
    """Of ``jobs``, those ``user`` may follow (their status and download answer them)."""
    from governance.packs.selectors import jobs_visible_to

    allowed = set(
        jobs_visible_to(user).filter(pk__in=[j.pk for j in jobs]).values_list("pk", flat=True)
    )
    return [j for j in jobs if j.pk in allowed]


def _requested_jobs(request, meeting):
    """The pack jobs named in ``?jobs=`` (those "Generate packs" just queued), so the page
    follows them to the end: "Generating 2 packs", then "2 packs ready"."""
    from governance.packs.selectors import jobs_visible_to

    ids = [int(x) for x in request.GET.get("jobs", "").split(",")[:4] if x.isdigit()]
    if not ids:
        return []
    return list(
        jobs_visible_to(request.user)
        .filter(pk__in=ids, kind=packs.JOB_KIND, params__meeting=meeting.pk)
        .order_by("pk")
    )


@login_required
def meeting_detail(request, pk):
    meeting = meeting_or_404(request.user, pk)
    if not policy.sees_private(request.user, meeting.committee):
        return redirect("meetings:public-meeting", pk=meeting.pk)
    items = list(selectors.agenda(meeting).select_related("paper", "decision"))
    times = selectors.item_times(meeting, items)
    pack = selectors.latest_full_pack(meeting, PackVariant.MEMBERS)
    pages = pack.item_pages if pack else {}
    rows = [
        {
            "item": item,
            "time": times[item.pk],
            "page": pages.get(str(item.pk)),
            "paper": getattr(item, "paper", None),
            "decision": getattr(item, "decision", None),
        }
        for item in items
    ]
    jobs = list(_running_jobs(meeting))
    pack_jobs = _requested_jobs(request, meeting) or _visible(request.user, jobs)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "rows": rows,
            "can_manage": policy.can_manage(request.user, meeting.committee),
            "pack": pack,
            "pack_current": packs.is_current(meeting, PackVariant.MEMBERS),
            "failed": _failed_jobs(meeting),
            "public_pack": selectors.latest_full_pack(meeting, PackVariant.PUBLIC),
            "versions": PackVersion.objects.filter(meeting=meeting).order_by("variant", "-number"),
            "jobs": [{"job": j, "url": job_status_url(j.pk)} for j in jobs],
            "pack_jobs": pack_jobs,
            "due": selectors.papers_due_date(meeting),
            "publication": selectors.publication_date(meeting),
            "published": selectors.is_published(meeting),
            "previous": selectors.previous_meeting(meeting),
            "next": selectors.next_meeting(meeting),
            "minutes": getattr(meeting, "minutes", None),
            "started": meeting.start <= timezone.now(),
        },
    )


@login_required
def meeting_edit(request, pk):
    meeting = managed_meeting(request.user, pk)
    initial = {
        "title": meeting.title,
        "start": timezone.localtime(meeting.start).strftime("%Y-%m-%dT%H:%M"),
        "location": meeting.location,
        "online_link": meeting.online_link,
        "session": meeting.session,
        "papers_due_on": meeting.papers_due_on,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, agenda.meeting_update, actor=request.user, meeting=meeting, **form.cleaned_data
        )
    ):
        return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "title": f"Edit {meeting}"})


@login_required
def meeting_cancel(request, pk):
    meeting = managed_meeting(request.user, pk)
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            agenda.meeting_cancel,
            actor=request.user,
            meeting=meeting,
            reason=form.cleaned_data["reason"],
        )
    ):
        return redirect("meetings:meeting", pk=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": f"Cancel {meeting}",
            "warning": "The meeting is recorded as cancelled, with your reason. It will not be "
            "held: its agenda, papers and packs are closed and cannot be changed. "
            "This cannot be undone.",
            "button": "Cancel the meeting",
            "back_text": "Keep the meeting",
            "cancel_url": reverse("meetings:meeting", args=[meeting.pk]),
        },
    )


@login_required
def item_new(request, pk):
    meeting = managed_meeting(request.user, pk)
    form = ItemForm(request.POST or None, initial={"part": 1, "purpose": "decision"})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, agenda.item_add, actor=request.user, meeting=meeting, **form.cleaned_data)
    ):
        return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "title": f"Add an item: {meeting}"})


@login_required
def item_edit(request, pk):
    item = item_or_404(request.user, pk, manage=True)
    fields = ("title", "presenter", "purpose", "part", "exemption_reason", "duration_minutes")
    form = ItemForm(request.POST or None, initial={f: getattr(item, f) for f in fields})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, agenda.item_update, actor=request.user, item=item, **form.cleaned_data)
    ):
        return redirect("meetings:meeting", pk=item.meeting_id)
    return render(request, "meetings/form.html", {"form": form, "title": f"Edit item {item}"})


@login_required
@require_POST
def item_move(request, pk):
    item = item_or_404(request.user, pk, manage=True)
    direction = request.POST.get("direction")
    try:
        target = int(request.POST.get("position") or 0) or (
            item.position - 1 if direction == "up" else item.position + 1
        )
        agenda.item_move(actor=request.user, item=item, to_position=target)
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(reverse("meetings:meeting", args=[item.meeting_id]) + f"#item-{item.pk}")


@login_required
def table(request, pk):
    """Table a proposal ready for decision, an escalated risk … in one action."""
    meeting = managed_meeting(request.user, pk)
    candidates = selectors.tabling_candidates()
    if request.method == "POST":
        key = request.POST.get("subject", "")
        chosen = next((c for c in candidates if f"{c.model_label}:{c.subject.pk}" == key), None)
        if chosen is None:
            messages.error(request, "Choose a record that is waiting for a decision.")
        else:
            try:
                item = agenda.item_table_subject(
                    actor=request.user,
                    meeting=meeting,
                    subject=chosen.subject,
                    presenter=request.POST.get("presenter", ""),
                )
                messages.success(request, f"Tabled as item {item.position}.")
                return redirect("meetings:meeting", pk=meeting.pk)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    kinds = {
        st.model._meta.label_lower: st.model._meta.verbose_name for st in subjects.registered()
    }
    return render(
        request,
        "meetings/table.html",
        {"meeting": meeting, "candidates": candidates, "kinds": kinds},
    )


@login_required
@require_POST
def packs_generate(request, pk):
    meeting = managed_meeting(request.user, pk)
    url = reverse("meetings:meeting", args=[meeting.pk])
    try:
        jobs = packs.packs_generate(actor=request.user, meeting=meeting)
        # the page follows these jobs ("Generating 2 packs", then "2 packs ready")
        url += "?jobs=" + ",".join(str(j.pk) for j in jobs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(url + "#packs")


@login_required
def pack_download(request, pk):
    """A pack version to those who may see it (the members' pack: private viewers only)."""
    version = selectors.pack_version_for(request.user, pk)
    if version is None:
        raise Http404("No such pack.")
    response = _pdf_response(version)
    if version.variant == PackVariant.MEMBERS:
        record_read(user=request.user, target=version, how="download", request=request)
    return response


def _pdf_response(version: PackVersion):
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The pack file is missing.") from exc
    day = selectors.meeting_date(version.meeting)
    name = (
        f"{version.meeting.committee.name}-{day:%Y-%m-%d}-{version.variant}-v{version.number}.pdf"
    )
    return FileResponse(
        handle, filename=name.replace(" ", "-"), content_type="application/pdf", as_attachment=False
    )
