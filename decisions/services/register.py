"""Entering in the decision register a meeting's decision on a record that is not a
proposal: e.g. a Better Care Fund allocation approved by a place partnership within its
delegation, or a capital programme approved by the finance committee.

The owning app registers ``register_facts`` on its subject type
(``governance.subjects``); the meetings app calls ``governance.subjects.enter_in_register``
after the owner has acted on the decision, in the same transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions.models import DecisionEntry, DecisionOutcome, DecisionRoute, DecisionType
from decisions.sord import band_for, version_in_force
from governance.audit.services import audit_record
from governance.search.services import search_index_update


def delegated_committee(decision_type_code: str, value: Decimal):
    """The committee the SoRD in force names for ``decision_type_code`` at ``value``;
    None when the band is an officer's."""
    band = _band(decision_type_code, value)
    return band.committee if band is not None and band.committee_id else None


def _band(code: str, value: Decimal):
    if not code:
        return None
    dtype = DecisionType.objects.filter(code=code).first()
    if dtype is None:
        raise ValidationError(f"There is no decision type “{code}” in the SoRD.")
    return band_for(dtype, Decimal(value), version_in_force())


@transaction.atomic
def subject_decision_enter(
    obj,
    *,
    facts,
    actor,
    outcome: str,
    item,
    notes: str = "",
    decided_on: datetime.date | None = None,
) -> DecisionEntry:
    """Write the register entry for a meeting's decision on ``obj`` (``facts``: its
    ``governance.subjects.RegisterFacts``), citing the SoRD delegation it was decided
    under when its decision type is named."""
    if outcome not in (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED):
        raise ValidationError({"outcome": "Choose approved or rejected."})
    if item is None:
        raise ValidationError("A committee's decision is recorded on the agenda item of a meeting.")
    committee = item.meeting.committee
    band = _band(facts.decision_type_code, facts.value)
    if band is not None and band.committee_id not in (None, committee.pk):
        raise ValidationError(
            f"{committee.name} cannot decide {facts.reference}: under SoRD "
            f"v{band.version.number} it is for {band.decider_label}."
        )
    decided_on = decided_on or timezone.localdate()
    ct = ContentType.objects.get_for_model(obj)
    entry = DecisionEntry.objects.create(
        proposal=None,
        subject_type=ct,
        subject_id=obj.pk,
        subject_url=_url(obj),
        reference=facts.reference,
        title=facts.title[:200],
        outcome=outcome,
        decided_on=decided_on,
        route=DecisionRoute.MEETING,
        decided_by=f"the {committee.name}, {decided_on.strftime('%-d %B %Y')}, "
        f"item {item.position}",
        delegation=band,
        sord_version=band.version if band else None,
        committee=committee,
        meeting_item=item,
        recorded_by=actor,
        notes=notes,
        is_confidential=facts.confidential,
        exemption_reason=item.exemption_reason if facts.confidential else "",
        financial_value=facts.value,
    )
    audit_record(
        actor=actor,
        verb="decision.registered",
        target=entry,
        organisation=committee.organisation,
        changes={
            "outcome": outcome,
            "route": DecisionRoute.MEETING,
            "decided_by": entry.decided_by,
            "delegation": band.pk if band else None,
            "sord_version": band.version.number if band else None,
            "meeting_item": item.pk,
            "record": f"{ct.app_label}.{ct.model}:{obj.pk}",
        },
    )
    search_index_update(entry)
    return entry


def _url(obj) -> str:
    from governance import subjects

    return subjects.for_model(obj).url(obj)[:200]
