"""Changing the Scheme of Reservation and Delegation (ICB secretariat only, audited)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from decisions.models import DecisionType, SordBand
from decisions.sord import validate_bands
from governance import permissions
from governance.audit.services import audit_record

BAND_FIELDS = (
    "min_value",
    "max_value",
    "decided_by",
    "committee_name",
    "officer_role",
    "signoff_rule",
)


def _plain(band: dict) -> dict:
    out = {}
    for key in BAND_FIELDS:
        value = band.get(key)
        if key in ("min_value", "max_value"):
            value = (
                None if value in (None, "") else str(Decimal(str(value)).quantize(Decimal("0.01")))
            )
        else:
            value = value or ""
        out[key] = value
    return out


@transaction.atomic
def sord_bands_replace(
    *, actor, decision_type: DecisionType, bands: Sequence[dict], reason: str = ""
) -> list[SordBand]:
    """Replace all bands of a decision type at once; the set must be complete and valid."""
    if not permissions.is_system_secretariat(actor):
        raise PermissionDenied("Only the ICB secretariat can change the SoRD.")
    new = [_plain(b) for b in bands]
    validate_bands(new)
    locked = DecisionType.objects.select_for_update().get(pk=decision_type.pk)
    before = [_plain(vars(b)) for b in locked.bands.order_by("min_value")]
    locked.bands.all().delete()
    created = [
        SordBand.objects.create(decision_type=locked, **b)
        for b in sorted(new, key=lambda b: Decimal(b["min_value"]))
    ]
    audit_record(
        actor=actor,
        verb="sord.bands_replaced",
        target=locked,
        changes={"bands": {"before": before, "after": [_plain(vars(b)) for b in created]}},
        reason=reason,
    )
    return created


@transaction.atomic
def decision_type_create(*, actor, code: str, name: str, description: str = "") -> DecisionType:
    if not permissions.is_system_secretariat(actor):
        raise PermissionDenied("Only the ICB secretariat can change the SoRD.")
    dt = DecisionType(code=code, name=name, description=description)
    dt.full_clean()
    dt.save()
    audit_record(
        actor=actor,
        verb="sord.decision_type_created",
        target=dt,
        changes={"code": code, "name": name},
    )
    return dt
