"""Who viewed what: one read-access record for each view or download of a confidential
record (Part 2 papers and packs, confidential proposals, members' packs, private
attachments).

Views call ``record_read`` after their permission check passed and just before they
answer, so a refused request writes nothing. Records live in the audit store
(``ReadAccess``, append-only at the database) and are listed on the record's history
page ("Who has seen this?") for auditors and the ICB secretariat.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import permissions
from governance.audit.context import current_request_id
from governance.audit.models import ReadAccess, ReadHow


def record_read(*, user, target: models.Model, how: str, request=None) -> ReadAccess | None:
    """Record that ``user`` read ``target`` (``how``: page, download or api).

    Anonymous callers are not recorded (confidential records are never shown to them).
    The request id is the request's own (``RequestIdMiddleware``), so a read can be
    matched with the server's log line.
    """
    if how not in ReadHow.values:
        raise ValueError(f"unknown way of reading: {how!r}")
    if not getattr(user, "is_authenticated", False):
        return None
    org_ids = sorted(permissions.organisation_ids(user))
    request_id = getattr(request, "request_id", "") if request is not None else ""
    return ReadAccess.objects.create(
        timestamp=timezone.now(),
        user=user,
        user_label=(user.get_full_name() or user.get_username())[:150],
        organisation_id=org_ids[0] if org_ids else None,
        how=how,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        request_id=request_id or current_request_id(),
    )


def reads_of(targets) -> QuerySet[ReadAccess]:
    """Read records of any of ``targets`` (model instances), oldest first. Callers show
    them only to ``permissions.reads_everything`` users (see ``may_see_reads``)."""
    query = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for target in targets:
        by_type.setdefault(target._meta.label_lower, []).append(str(target.pk))
    for target_type, ids in by_type.items():
        query |= Q(target_type=target_type, target_id__in=ids)
    return ReadAccess.objects.filter(query).select_related("user", "organisation")


def may_see_reads(user) -> bool:
    """Auditors, superusers and the ICB secretariat may ask who has seen a record."""
    return permissions.reads_everything(user)
