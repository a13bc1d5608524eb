"""What belongs to one prototype record: the rows its services wrote, gathered for
``governance.scale.clone``. Order matters: a parent's rows come before its children's."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Process, Task

from governance.scale.clone import Graph
from governance.signoffs.models import ConflictDeclaration, ConflictManagement, SignOff


def _m(label: str):
    return apps.get_model(label)


def _flow_rows(graph: Graph, obj) -> None:
    """The viewflow processes and tasks of ``obj``, its sign-offs and permission rows."""
    ct = ContentType.objects.get_for_model(type(obj))
    processes = graph.add(
        Process,
        Process.objects.filter(artifact_content_type=ct, artifact_object_id=obj.pk).order_by("pk"),
    )
    tasks = graph.add(Task, Task.objects.filter(process__in=processes).order_by("pk"))
    graph.add(
        Task.previous.through,
        Task.previous.through.objects.filter(from_task__in=tasks).order_by("pk"),
    )
    signoffs = graph.add(
        SignOff, SignOff.objects.filter(subject_type=ct, subject_id=obj.pk).order_by("pk")
    )
    graph.add(ConflictDeclaration, ConflictDeclaration.objects.filter(signoff__in=signoffs))
    graph.add(ConflictManagement, ConflictManagement.objects.filter(signoff__in=signoffs))
    graph.add(
        GroupObjectPermission,
        GroupObjectPermission.objects.filter(content_type=ct, object_pk=str(obj.pk)),
    )
    DecisionEntry = _m("decisions.DecisionEntry")
    entries = graph.add(
        DecisionEntry,
        DecisionEntry.objects.filter(
            proposal__isnull=True, subject_type=ct, subject_id=obj.pk
        ).order_by("pk"),
    )
    through = DecisionEntry.deciders.through
    graph.add(through, through.objects.filter(decisionentry__in=entries))


def proposal_graph(proposal) -> Graph:
    Proposal = type(proposal)
    graph = Graph(proposal)
    graph.add(Proposal, [proposal])
    for m2m in (Proposal.affected_organisations, Proposal.named_organisations):
        graph.add(m2m.through, m2m.through.objects.filter(proposal=proposal).order_by("pk"))
    graph.add(
        _m("decisions.ProposalGroupObjectPermission"),
        _m("decisions.ProposalGroupObjectPermission").objects.filter(content_object=proposal),
    )
    graph.add(_m("decisions.ProposalAttachment"), proposal.attachments.all())
    _flow_rows(graph, proposal)
    graph.add(_m("decisions.ChairsAction"), proposal.chairs_actions.all())
    DecisionEntry = _m("decisions.DecisionEntry")
    entries = graph.add(DecisionEntry, DecisionEntry.objects.filter(proposal=proposal))
    through = DecisionEntry.deciders.through
    graph.add(through, through.objects.filter(decisionentry__in=entries))
    return graph


def risk_graph(risk) -> Graph:
    Risk = type(risk)
    graph = Graph(risk)
    graph.add(Risk, [risk])
    graph.add(Risk.partners.through, Risk.partners.through.objects.filter(risk=risk))
    graph.add(_m("risks.Assessment"), risk.assessments.order_by("pk"))
    graph.add(_m("risks.ReviewTask"), risk.review_tasks.order_by("pk"))
    graph.add(_m("risks.Escalation"), risk.escalations.order_by("pk"))
    _flow_rows(graph, risk)
    return graph


def fund_graph(fund) -> Graph:
    """A pooled fund with its lines and contributions, and the ledger rows that are not
    an allocation's (contributions, variations)."""
    graph = Graph(fund)
    graph.add(type(fund), [fund])
    graph.add(_m("budgets.SchemeLine"), fund.lines.order_by("pk"))
    contributions = graph.add(_m("budgets.Contribution"), fund.contributions.order_by("pk"))
    changes = graph.add(
        _m("budgets.ContributionChange"),
        _m("budgets.ContributionChange").objects.filter(contribution__in=contributions),
    )
    for change in changes:
        _flow_rows(graph, change)
    graph.add(
        _m("budgets.LedgerEntry"),
        fund.entries.filter(allocation__isnull=True).order_by("pk"),
    )
    ct = ContentType.objects.get_for_model(type(fund))
    graph.add(
        GroupObjectPermission,
        GroupObjectPermission.objects.filter(content_type=ct, object_pk=str(fund.pk)),
    )
    return graph


def allocation_graph(allocation) -> Graph:
    graph = Graph(allocation)
    graph.add(type(allocation), [allocation])
    _flow_rows(graph, allocation)
    graph.add(
        _m("budgets.LedgerEntry"),
        _m("budgets.LedgerEntry").objects.filter(allocation=allocation).order_by("pk"),
    )
    return graph


def meeting_graph(meeting, pack_meeting=None) -> Graph:
    """A meeting with its agenda, papers, record and minutes; and its issued packs, or,
    for a meeting that has none, ``pack_meeting``'s (the same stored PDF reused)."""
    graph = Graph(meeting)
    graph.add(type(meeting), [meeting])
    items = graph.add(_m("meetings.AgendaItem"), meeting.items.order_by("pk"))
    papers = graph.add(_m("meetings.Paper"), _m("meetings.Paper").objects.filter(item__in=items))
    graph.add(
        _m("meetings.PaperAppendix"), _m("meetings.PaperAppendix").objects.filter(paper__in=papers)
    )
    graph.add(_m("meetings.Attendance"), _m("meetings.Attendance").objects.filter(meeting=meeting))
    graph.add(_m("meetings.Declaration"), _m("meetings.Declaration").objects.filter(item__in=items))
    decisions = graph.add(
        _m("meetings.ItemDecision"), _m("meetings.ItemDecision").objects.filter(item__in=items)
    )
    graph.add(
        _m("meetings.BodyDecision"),
        _m("meetings.BodyDecision").objects.filter(decision__in=decisions),
    )
    graph.add(_m("meetings.Vote"), _m("meetings.Vote").objects.filter(decision__in=decisions))
    minutes = graph.add(
        _m("meetings.Minutes"), _m("meetings.Minutes").objects.filter(meeting=meeting)
    )
    graph.add(
        _m("meetings.MinuteEntry"), _m("meetings.MinuteEntry").objects.filter(minutes__in=minutes)
    )
    graph.add(_m("meetings.Action"), _m("meetings.Action").objects.filter(meeting=meeting))
    PackVersion = _m("meetings.PackVersion")
    packs = list(PackVersion.objects.filter(meeting=meeting).order_by("pk"))
    if not packs and pack_meeting is not None:
        packs = list(PackVersion.objects.filter(meeting=pack_meeting).order_by("pk"))
    jobs = [p.job for p in packs if p.job_id]
    graph.add(_m("packs.RenderJob"), jobs)
    graph.add(PackVersion, packs)
    return graph
