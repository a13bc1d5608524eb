"""Who may do what with committees and meetings. The one place for these rules.

- The ICB secretariat (and superusers) run every committee; the secretariat of a
  committee's host organisation runs that committee's meetings.
- Current committee members (for committees in common, the members of each body meeting
  in common), those who run the committee, auditors and superusers see
  private (Part 2) business. Everybody else, the public included, sees only Part 1
  business of meetings held in public, once it is published.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance import permissions
from governance.audit.context import request_memo
from governance.meetings.models import Committee, CommitteeInCommon, CommitteeMember
from governance.organisations.models import Role


def can_create_committee(user) -> bool:
    return permissions.is_system_secretariat(user)


def can_manage(user, committee: Committee) -> bool:
    """Run the committee's business: agendas, papers, packs, the meeting record."""
    if permissions.is_system_secretariat(user):
        return True
    return permissions.has_role(user, Role.SECRETARIAT, committee.organisation)


def is_member(user, committee: Committee, on: datetime.date | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return CommitteeMember.objects.on(on).filter(committee=committee, user=user).exists()


def managed_committee_ids(user) -> set[int] | None:
    """Committees the user runs; ``None`` means all of them."""
    if permissions.is_system_secretariat(user):
        return None
    org_ids = permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
    return set(Committee.objects.filter(organisation_id__in=org_ids).values_list("pk", flat=True))


def private_committee_ids(user) -> set[int] | None:
    """Committees whose private business the user may see; ``None`` means all. Looked up
    once per read-only request (a write asks afresh: it may have changed seats)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    memo = request_memo()
    if memo is None:
        return _private_committee_ids(user)
    key = ("private_committee_ids", user.pk)
    if key not in memo:
        memo[key] = _private_committee_ids(user)
    found = memo[key]
    return None if found is None else set(found)  # callers may add to their copy


def _private_committee_ids(user) -> set[int] | None:
    if permissions.sees_everything(user):
        return None
    managed = managed_committee_ids(user)
    if managed is None:
        return None
    today = timezone.localdate()
    seats = set(
        CommitteeMember.objects.on(today).filter(user=user).values_list("committee_id", flat=True)
    )
    # a member of a body meeting in common is a member of the meetings in common
    groups = CommitteeInCommon.objects.filter(body_id__in=seats).values_list("group_id", flat=True)
    return managed | seats | set(groups)


def sees_private(user, committee: Committee) -> bool:
    ids = private_committee_ids(user)
    return ids is None or committee.pk in ids


def can_edit_paper(user, paper) -> bool:
    return paper.author_id == getattr(user, "pk", None) or can_manage(
        user, paper.item.meeting.committee
    )


def can_update_action(user, action, *, managed: set[int] | bool | None = False) -> bool:
    """Update an action's progress: its owner, or the secretariat running its committee.

    The action log passes ``managed`` (``managed_committee_ids(user)``, looked up once) so
    a long list costs no query an action; the page shows the link only when this is true.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action.owner_id == user.pk:
        return True
    if managed is False:
        return can_manage(user, action.committee)
    return managed is None or action.committee_id in managed
