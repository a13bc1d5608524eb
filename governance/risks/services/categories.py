"""Risk categories, managed in the app by the ICB secretariat: add, change, retire and
reinstate. Every change is validated, written and audited in one transaction; bad input
raises ``ValidationError`` by field and writes nothing.

(Appetite and strategic objectives: ``governance.risks.services.framework``.)
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from governance.audit.services import audit_record, diff, snapshot
from governance.risks import policy
from governance.risks.models import RiskCategory

FIELDS = ("code", "name", "description", "responsible_committee", "position", "is_active")
EDITABLE = ("code", "name", "description", "responsible_committee", "position")
POSITION_MAX = 32767


def _require(actor) -> None:
    if not policy.can_change_framework(actor):
        raise PermissionDenied("Only the ICB secretariat can change risk categories.")


def _clean(category: RiskCategory) -> None:
    """Normalise and validate the category's fields; raise ValidationError by field."""
    errors: dict[str, list[str]] = {}
    category.name = (category.name or "").strip()
    category.code = (category.code or "").strip().lower()
    category.description = (category.description or "").strip()
    category.responsible_committee = (category.responsible_committee or "").strip()
    if not category.name:
        errors["name"] = ["Enter the category's name, e.g. Finance."]
    elif len(category.name) > 120:
        errors["name"] = ["At most 120 characters."]
    if not category.code:
        errors["code"] = ["Enter a short code, e.g. finance."]
    elif slugify(category.code) != category.code or len(category.code) > 40:
        errors["code"] = [
            "Use up to 40 lower-case letters, digits and hyphens, e.g. quality-and-safety."
        ]
    if len(category.responsible_committee) > 120:
        errors["responsible_committee"] = ["At most 120 characters."]
    position = category.position
    if (
        isinstance(position, bool)
        or not isinstance(position, int)
        or not 0 <= position <= POSITION_MAX
    ):
        errors["position"] = [f"Enter a whole number from 0 to {POSITION_MAX}."]
    others = RiskCategory.objects.exclude(pk=category.pk)
    if "name" not in errors and others.filter(name__iexact=category.name).exists():
        errors["name"] = [f"A category named {category.name!r} already exists."]
    if "code" not in errors and others.filter(code=category.code).exists():
        errors["code"] = [f"A category with code {category.code!r} already exists."]
    if errors:
        raise ValidationError(errors)


def _audit(actor, verb: str, category: RiskCategory, changes: dict, reason: str) -> None:
    audit_record(actor=actor, verb=verb, target=category, changes=changes, reason=reason)


@transaction.atomic
def category_create(
    *,
    actor,
    code: str,
    name: str,
    description: str = "",
    responsible_committee: str = "",
    position: int = 0,
    reason: str = "",
) -> RiskCategory:
    """Add a risk category (current at once)."""
    _require(actor)
    category = RiskCategory(
        code=code,
        name=name,
        description=description,
        responsible_committee=responsible_committee,
        position=position,
    )
    _clean(category)
    category.save()
    _audit(actor, "risk_category.created", category, diff(None, snapshot(category, FIELDS)), reason)
    return category


@transaction.atomic
def category_update(*, actor, category: RiskCategory, reason: str = "", **values) -> RiskCategory:
    """Change a category's code, name, description, committee or position."""
    _require(actor)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    before = snapshot(category, FIELDS)
    for key, value in values.items():
        setattr(category, key, value)
    _clean(category)
    changes = diff(before, snapshot(category, FIELDS))
    if changes:
        category.save()
        _audit(actor, "risk_category.updated", category, changes, reason)
    return category


@transaction.atomic
def category_retire(*, actor, category: RiskCategory, reason: str) -> RiskCategory:
    """Retire a category: no new risk may use it; the risks already in it keep it."""
    _require(actor)
    reason = (reason or "").strip()
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why the category is being retired."]
    if not category.is_active:
        errors["is_active"] = [f"{category.name} is already retired."]
    elif not RiskCategory.objects.filter(is_active=True).exclude(pk=category.pk).exists():
        errors["is_active"] = ["At least one category must stay current."]
    if errors:
        raise ValidationError(errors)
    before = snapshot(category, FIELDS)
    category.is_active = False
    category.save(update_fields=["is_active"])
    _audit(
        actor, "risk_category.retired", category, diff(before, snapshot(category, FIELDS)), reason
    )
    return category


@transaction.atomic
def category_reinstate(*, actor, category: RiskCategory, reason: str = "") -> RiskCategory:
    """Make a retired category current again."""
    _require(actor)
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    if category.is_active:
        raise ValidationError({"is_active": f"{category.name} is already current."})
    before = snapshot(category, FIELDS)
    category.is_active = True
    category.save(update_fields=["is_active"])
    _audit(
        actor,
        "risk_category.reinstated",
        category,
        diff(before, snapshot(category, FIELDS)),
        (reason or "").strip(),
    )
    return category
