"""Board packs: queue their rendering, plan versions, record each rendered pack.

"Generate packs" publishes the agenda: it records the expected declarations of interest
from the register (``services.declarations.prefill``) and queues one background job per
variant (``governance.packs.jobs``). The
job decides what to render from what the last full pack of its variant contained:
- no full pack yet: a full pack;
- papers approved or revised since (late papers): a supplementary pack of just those
  items, then a re-issued full pack;
- otherwise: a re-issued full pack (e.g. after the agenda was reordered).
Every version is kept.
"""

from __future__ import annotations

import dataclasses
import datetime
import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from governance.audit.models import CheckpointOccasion
from governance.audit.services import checkpoint_publish
from governance.meetings import packbuild, selectors
from governance.meetings.models import Meeting, MeetingStatus, PackKind, PackVariant, PackVersion
from governance.meetings.services._common import audit, require_manager
from governance.meetings.services.agenda import meeting_set_status
from governance.meetings.services.declarations import prefill

JOB_KIND = "meeting_pack"
STALE_JOB = datetime.timedelta(minutes=15)


def _busy(meeting: Meeting) -> bool:
    from governance.packs.models import JobStatus, RenderJob

    return RenderJob.objects.filter(
        kind=JOB_KIND,
        params__meeting=meeting.pk,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        created_at__gte=timezone.now() - STALE_JOB,
    ).exists()


def is_current(meeting: Meeting, variant: str) -> bool:
    """Does the latest full pack of ``variant`` match the agenda and papers as they are?"""
    last = selectors.latest_full_pack(meeting, variant)
    if last is None:
        return False
    contents = last.contents or {}
    order = list(selectors.agenda(meeting).values_list("pk", flat=True))
    return contents.get("order") == order and contents.get("revisions") == (
        packbuild.included_revisions(meeting, variant)
    )


@transaction.atomic
def packs_generate(*, actor, meeting: Meeting, variants=(PackVariant.MEMBERS, PackVariant.PUBLIC)):
    """Queue the rendering of the meeting's packs; returns the jobs (one per variant)."""
    from governance.packs.jobs import job_enqueue

    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    require_manager(actor, m.committee)
    if m.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    variants = list(dict.fromkeys(variants))
    if not variants or set(variants) - set(PackVariant.values):
        raise ValidationError({"variants": "Choose the public and/or members' pack."})
    if m.session == "private" and PackVariant.PUBLIC in variants:
        variants.remove(PackVariant.PUBLIC)  # a private meeting publishes no pack
    if _busy(m):
        raise ValidationError("The packs of this meeting are already being generated.")
    variants = [v for v in variants if not is_current(m, v)]
    if not variants:
        raise ValidationError(
            "The packs are up to date: nothing has changed since they were issued."
        )
    # publishing the agenda: each member's register entries are tested against each
    # item's parties, so the members' pack lists the declared interests for each item
    prefill(actor, m)
    jobs = [
        job_enqueue(actor=actor, kind=JOB_KIND, params={"meeting": m.pk, "variant": v})
        for v in variants
    ]
    audit(
        actor,
        "meeting.packs_requested",
        m,
        m.committee,
        {"variants": variants, "jobs": [j.pk for j in jobs]},
    )
    return jobs


def plan(meeting: Meeting, variant: str) -> list[tuple[str, set[int] | None]]:
    """The versions to render now: [(kind, only these item ids or None for all)]."""
    last = selectors.latest_full_pack(meeting, variant)
    if last is None:
        return [(PackKind.FULL, None)]
    before = (last.contents or {}).get("revisions", {})
    now = packbuild.included_revisions(meeting, variant)
    changed = {int(k) for k, rev in now.items() if rev and before.get(k) != rev}
    if changed:
        return [(PackKind.SUPPLEMENTARY, changed), (PackKind.REISSUE, None)]
    return [(PackKind.REISSUE, None)]


def _next_number(meeting: Meeting, variant: str) -> int:
    last = PackVersion.objects.filter(meeting=meeting, variant=variant).aggregate(n=Max("number"))
    return (last["n"] or 0) + 1


@transaction.atomic
def pack_record(
    *,
    actor,
    meeting: Meeting,
    variant: str,
    kind: str,
    built: packbuild.BuiltSpec,
    rendered,
    seconds: float = 0.0,
    job=None,
) -> PackVersion:
    """Keep a rendered pack as the meeting's next version of ``variant``."""
    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    number = _next_number(m, variant)
    item_pages = {
        str(built.item_numbers[n]): page
        for n, page in rendered.item_pages.items()
        if n in built.item_numbers
    }
    order = [built.item_numbers[item.number] for item in built.spec.items]
    pv = PackVersion(
        meeting=m,
        variant=variant,
        number=number,
        kind=kind,
        size=len(rendered.pdf),
        page_count=rendered.page_count,
        item_pages=item_pages,
        contents={"order": order, "revisions": built.contents},
        render_seconds=round(seconds, 3),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        job=job,
    )
    pv.file.save("pack.pdf", ContentFile(rendered.pdf), save=False)
    pv.save()
    audit(
        actor,
        "meeting.pack_issued",
        pv,
        m.committee,
        {
            "variant": variant,
            "number": number,
            "kind": kind,
            "pages": pv.page_count,
            "bytes": pv.size,
        },
    )
    if m.status == MeetingStatus.DRAFT:
        meeting_set_status(actor, m, MeetingStatus.ISSUED, "meeting.papers_issued")
    return pv


def pack_job_label(job) -> str:
    """A pack job's name on screen: "Members' pack" or "Public pack"."""
    variant = (job.params or {}).get("variant")
    if variant not in PackVariant.values:
        return ""
    return str(PackVariant(variant).label)


def render_meeting_pack(job, report_progress):
    """The ``meeting_pack`` job: render the planned versions of one variant and keep them.
    The job's own result is the last (full) pack rendered."""
    from governance.packs.engine import render_pack
    from governance.packs.jobs import JobFailed, JobResult

    meeting = (
        Meeting.objects.select_related("committee__organisation")
        .filter(pk=job.params.get("meeting"))
        .first()
    )
    variant = job.params.get("variant")
    if meeting is None or variant not in PackVariant.values:
        raise JobFailed("The meeting or pack variant no longer exists.")
    steps = plan(meeting, variant)
    # publishing a pack publishes the audit trail's checkpoint too, printed on its last page
    checkpoint = checkpoint_publish(actor=job.created_by, occasion=CheckpointOccasion.BOARD_PACK)
    versions = []
    rendered = None
    for index, (kind, only) in enumerate(steps):
        share = 100 // len(steps)

        def progress(percent, message, base=index * share, share=share):
            report_progress(base + percent * share // 100, message)

        number = _next_number(meeting, variant)
        built = packbuild.build_spec(meeting, variant, kind=kind, only_items=only, version=number)
        started = time.monotonic()
        spec = dataclasses.replace(built.spec, closing_note=checkpoint.text())
        rendered = render_pack(spec, progress=progress)
        versions.append(
            pack_record(
                actor=job.created_by,
                meeting=meeting,
                variant=variant,
                kind=kind,
                built=built,
                rendered=rendered,
                seconds=time.monotonic() - started,
                job=job,
            )
        )
    last = versions[-1]
    day = selectors.meeting_date(meeting)
    filename = f"{meeting.committee.name}-{day:%Y-%m-%d}-{variant}-v{last.number}.pdf"
    return JobResult(
        filename=filename.replace(" ", "-"),
        content=rendered.pdf,
        pages=rendered.page_count,
        meta={
            "versions": [v.pk for v in versions],
            "kinds": [v.kind for v in versions],
            "item_pages": last.item_pages,
        },
    )
