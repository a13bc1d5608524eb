"""Flow nodes for the decision itself: who sees it in their inbox (``can_assign``) follows
``decisions.authority``, the one place that says who may decide."""

from __future__ import annotations

from viewflow.workflow.flow import nodes

from decisions import authority
from governance.workflow import open_subject_page


def _proposal(task):
    return task.process.artifact


class OfficerDecisionTask(nodes.View):
    """The delegated officer's decision: in the inbox of the post's holders and their
    named deputies."""

    def __init__(self, view=open_subject_page, **kwargs):
        super().__init__(view, **kwargs)

    def can_assign(self, user, task):
        return not task.owner_id and authority.officer_acting(user, _proposal(task)) is not None

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

    def can_execute(self, user, task):
        return task.owner_id == user.pk
