"""Flow nodes for the decision itself: who sees it in their inbox (``can_assign``) follows
``decisions.authority``, the one place that says who may decide."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from viewflow.workflow.flow import nodes

from decisions import authority
from decisions.models import DecidedBy, PostHolder, Proposal
from governance.deputies.selectors import current_appointments
from governance.workflow import open_subject_page

NOTHING = Q(pk__in=[])


def _proposal(task):
    return task.process.artifact


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def _unowned_for(proposals) -> Q:
    """Open tasks nobody has taken whose process is about one of ``proposals``."""
    return Q(owner__isnull=True, process__artifact_object_id__in=proposals.values("pk"))


def officer_posts(user, on: datetime.date | None = None):
    """Ids (a subquery) of the officer posts ``user`` may act in on ``on``: posts held in
    their own right, and posts held by a principal they deputise for in the post's
    organisation (``authority.officer_acting``'s rule, for many proposals at once)."""
    on = on or timezone.localdate()
    deputising = current_appointments(on).filter(
        deputy=user, principal=OuterRef("user_id"), organisation=OuterRef("post__organisation_id")
    )
    return (
        PostHolder.objects.on(on)
        .filter(Q(user_id=user.pk) | Q(Exists(deputising)), user__is_active=True)
        .values("post_id")
    )


class OfficerDecisionTask(nodes.View):
    """The delegated officer's decision: in the inbox of the post's holders and their
    named deputies."""

    def __init__(self, view=open_subject_page, **kwargs):
        super().__init__(view, **kwargs)

    def can_assign(self, user, task):
        return not task.owner_id and authority.officer_acting(user, _proposal(task)) is not None

    def assignable(self, user) -> Q:
        """``can_assign`` for a list of tasks, as one filter (see governance.signoffs.inbox)."""
        if not _signed_in(user):
            return NOTHING
        return _unowned_for(
            Proposal.objects.filter(
                sord_band__decided_by=DecidedBy.OFFICER,
                sord_band__officer_post_id__in=officer_posts(user),
            )
        )

    def can_execute(self, user, task):
        return task.owner_id == user.pk and authority.officer_acting(user, _proposal(task))


class CommitteeDecisionTask(nodes.View):
    """A committee's (or the board's) decision, taken at its meeting or by chair's action:
    in the inbox of the committee's chair (who may take chair's action) and the ICB
    secretariat (who tables it)."""

    def __init__(self, view=open_subject_page, **kwargs):
        super().__init__(view, **kwargs)

    def can_assign(self, user, task):
        from governance import permissions

        if task.owner_id:
            return False
        if permissions.is_system_secretariat(user):
            return True
        band = _proposal(task).sord_band
        return band is not None and band.committee_id and authority.is_chair(band.committee, user)

    def assignable(self, user) -> Q:
        """``can_assign`` for a list of tasks, as one filter (see governance.signoffs.inbox)."""
        from governance import permissions
        from governance.meetings.models import CommitteeMember, CommitteeRole

        if not _signed_in(user):
            return NOTHING
        if permissions.is_system_secretariat(user):
            return Q(owner__isnull=True)
        chaired = CommitteeMember.objects.on(None).filter(user=user, role=CommitteeRole.CHAIR)
        return _unowned_for(
            Proposal.objects.filter(sord_band__committee_id__in=chaired.values("committee_id"))
        )

    def can_execute(self, user, task):
        return task.owner_id == user.pk
