"""Meetings in the decision histories: the history page of an agenda item, and, for every
subject tabled at a meeting, the items, declarations and how they were handled, the
decision, the minute and the papers (found by ``governance.history`` autodiscovery).

Part 2 business (declarations, minute, paper and appendices of a private item) is added
only for people who may see the committee's private business (``policy.sees_private``);
others read that the record was tabled in private and what was decided.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from governance.history import registry
from governance.history.registry import Fact, HistoryProvider, Related
from governance.meetings import policy
from governance.meetings.models import (
    AgendaItem,
    Declaration,
    Handling,
    ItemDecision,
    MinuteEntry,
    PackVariant,
    PackVersion,
    Paper,
    PaperAppendix,
    Part,
)
from governance.meetings.views.common import item_or_404
from governance.packs.models import RenderJob

DECLARATION_LABELS = {
    "excluded_from_discussion": "left the discussion",
    "excluded_from_vote": "did not vote",
    "withdrawn": "not a conflict after all",
    "handling": "how the chair handled it",
    "description": "interest declared",
}


def _item_parts(items: list[AgendaItem], user) -> Related:
    """Records and facts of agenda items: declarations, decision, minute, papers."""
    if not items:
        return registry.NOTHING
    private_ok = {
        i.pk
        for i in items
        if i.part != Part.PRIVATE or policy.sees_private(user, i.meeting.committee)
    }
    ids = sorted(private_ok)
    declarations = list(
        Declaration.objects.filter(item_id__in=ids).select_related("person").order_by("pk")
    )
    decisions = {
        d.item_id: d for d in ItemDecision.objects.filter(item_id__in=[i.pk for i in items])
    }
    minutes = {m.item_id: m for m in MinuteEntry.objects.filter(item_id__in=ids)}
    papers = {p.item_id: p for p in Paper.objects.filter(item_id__in=ids)}
    appendices = list(PaperAppendix.objects.filter(paper__item_id__in=ids).order_by("position"))
    facts, confidential = [], []
    for item in items:
        meeting = item.meeting
        url = reverse("meetings:meeting", args=[meeting.pk]) + f"#item-{item.pk}"
        where = f"{meeting}, item {item.position} ({item.get_part_display()})"
        facts.append(Fact("Tabled at", where, url))
        if item.part == Part.PRIVATE and item.exemption_reason:
            facts.append(Fact("Taken in private because", item.exemption_reason))
        decision = decisions.get(item.pk)
        if decision is not None:
            text = decision.get_outcome_display()
            if decision.resolution and item.pk in private_ok:
                text += f": {decision.resolution}"
            facts.append(Fact("Decision at the meeting", text))
        for d in declarations:
            if d.item_id == item.pk:
                who = d.person.get_full_name() or d.person.get_username()
                facts.append(
                    Fact("Interest declared", f"{who}: {d.description} — {d.handling_display}")
                )
        minute = minutes.get(item.pk)
        if minute is not None and minute.text:
            facts.append(Fact("Minute", minute.text))
        paper = papers.get(item.pk)
        if paper is not None:
            facts.append(Fact("Paper", f"{paper.get_status_display()} (revision {paper.revision})"))
            if item.part == Part.PRIVATE:
                confidential.append(paper)
    private_papers = {p.pk for p in confidential}
    confidential.extend(a for a in appendices if a.paper_id in private_papers)
    # the members' packs of meetings that took the record in private carry its papers
    private_meetings = {i.meeting_id for i in items if i.part == Part.PRIVATE and i.pk in ids}
    if private_meetings:
        versions = list(
            PackVersion.objects.filter(
                meeting_id__in=private_meetings, variant=PackVariant.MEMBERS
            ).order_by("pk")
        )
        confidential.extend(versions)
        # downloads of the same packs from the job that rendered them
        confidential.extend(RenderJob(pk=v.job_id) for v in versions if v.job_id)
    records = [
        *items,
        *declarations,
        *(d for d in decisions.values()),
        *minutes.values(),
        *papers.values(),
        *appendices,
    ]
    return Related(records=records, facts=facts, confidential=confidential)


def tabled(subject, user) -> Related:
    """Contributor: the agenda items that tabled ``subject`` (any registered subject)."""
    content_type = ContentType.objects.get_for_model(subject)
    items = list(
        AgendaItem.objects.filter(subject_type=content_type, subject_id=subject.pk)
        .select_related("meeting__committee")
        .order_by("meeting__start", "position")
    )
    return _item_parts(items, user)


def _item_related(item: AgendaItem, user) -> Related:
    parts = _item_parts([item], user)
    subject = item.subject if item.subject_id else None
    if subject is None:
        return parts
    provider = registry.provider_for(subject)
    url = reverse("history:detail", args=[provider.slug, subject.pk]) if provider else ""
    return registry.merge([Related(facts=[Fact("About", str(subject), url)]), parts])


registry.register(
    HistoryProvider(
        slug="meeting-item",
        model=AgendaItem,
        noun="meeting item",
        get=lambda user, pk: item_or_404(user, pk),
        url=lambda item: reverse("meetings:meeting", args=[item.meeting_id]) + f"#item-{item.pk}",
        label=lambda item: f"{item.meeting}: {item}",
        related=_item_related,
        is_confidential=lambda item: item.part == Part.PRIVATE,
        field_labels={"part": "part of the meeting", "purpose": "for"},
    )
)
registry.register_field_labels(Declaration, DECLARATION_LABELS)
registry.register_value_choices(Declaration, "handling", Handling)
registry.register_contributor(tabled)
