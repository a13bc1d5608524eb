"""Read paths for the audit trail, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from governance import permissions
from governance.audit import chain
from governance.audit.models import AuditEvent, ChainHead


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Auditors, superusers and the ICB secretariat see the whole trail; a partner
    organisation's secretariat sees its organisation's events."""
    qs = AuditEvent.objects.select_related("actor", "organisation")
    if permissions.reads_everything(user):
        return qs
    org_ids = permissions.organisation_ids(user, roles=permissions.TRAIL_READER_ROLES)
    return qs.filter(organisation_id__in=org_ids)


def events_for(target) -> QuerySet[AuditEvent]:
    """The timeline of one record (callers check the record is visible first)."""
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor", "organisation")


def verify_chain() -> chain.VerifyResult:
    """Recompute the whole chain from the database."""
    records = (
        event.as_record() for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    )
    head = ChainHead.objects.filter(id=1).values("seq", "hash").first() or {
        "seq": 0,
        "hash": chain.GENESIS_HASH,
    }
    return chain.verify_records(records, head)
