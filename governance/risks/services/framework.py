"""Changing the framework: risk categories, their appetite, strategic objectives (the ICB
secretariat, in the admin or the demo; every change audited)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from governance.audit.services import audit_record, diff, snapshot
from governance.risks import policy, scoring
from governance.risks.models import AppetiteLevel, RiskAppetite, RiskCategory, StrategicObjective
from governance.risks.services import escalation

CATEGORY_FIELDS = ("code", "name", "description", "responsible_committee", "position")
OBJECTIVE_FIELDS = ("code", "title", "description", "executive_lead", "position", "is_active")


def _require(actor) -> None:
    if not policy.can_change_framework(actor):
        raise PermissionDenied("Only the ICB secretariat can change the risk framework.")


def _save(actor, obj, fields: tuple[str, ...], values: dict, noun: str):
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    before = snapshot(obj, fields) if obj.pk else None
    for key, value in values.items():
        setattr(obj, key, value.strip() if isinstance(value, str) else value)
    obj.full_clean()
    created = obj.pk is None
    obj.save()
    changes = diff(before, snapshot(obj, fields))
    if changes:
        audit_record(
            actor=actor,
            verb=f"{noun}.{'created' if created else 'updated'}",
            target=obj,
            changes=changes,
        )
    return obj


@transaction.atomic
def category_save(*, actor, category: RiskCategory | None = None, **values) -> RiskCategory:
    _require(actor)
    return _save(actor, category or RiskCategory(), CATEGORY_FIELDS, values, "risk_category")


@transaction.atomic
def objective_save(
    *, actor, objective: StrategicObjective | None = None, **values
) -> StrategicObjective:
    _require(actor)
    return _save(
        actor, objective or StrategicObjective(), OBJECTIVE_FIELDS, values, "strategic_objective"
    )


@transaction.atomic
def appetite_set(
    *, actor, category: RiskCategory, level: str, max_score, statement: str = ""
) -> RiskAppetite:
    """Set a category's appetite. Live risks of the category now above it escalate."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    if level not in AppetiteLevel.values:
        errors["level"] = ["Choose an appetite level."]
    if (
        isinstance(max_score, bool)
        or not (
            isinstance(max_score, int)
            or (isinstance(max_score, str) and max_score.strip().isdigit())
        )
        or not 1 <= int(max_score) <= 25
    ):
        errors["max_score"] = ["The maximum acceptable score must be a whole number from 1 to 25."]
    if errors:
        raise ValidationError(errors)
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    appetite = RiskAppetite.objects.filter(category=category).first()
    before = snapshot(appetite, ("level", "max_score", "statement")) if appetite else None
    before_threshold = scoring.escalation_threshold(appetite.max_score if appetite else None)
    appetite = appetite or RiskAppetite(category=category)
    appetite.level, appetite.max_score = level, int(max_score)
    appetite.statement = (statement or "").strip()
    appetite.save()
    changes = diff(before, snapshot(appetite, ("level", "max_score", "statement")))
    if changes:
        audit_record(actor=actor, verb="risk_appetite.set", target=category, changes=changes)
        escalation.recheck_category(
            actor=actor, category=category, before_threshold=before_threshold
        )
    return appetite


@transaction.atomic
def appetite_remove(*, actor, category: RiskCategory) -> None:
    """Remove a category's appetite: its risks then escalate at the default score."""
    _require(actor)
    appetite = RiskAppetite.objects.filter(category=category).first()
    if appetite is None:
        return
    before_threshold = scoring.escalation_threshold(appetite.max_score)
    before = snapshot(appetite, ("level", "max_score", "statement"))
    appetite.delete()
    audit_record(
        actor=actor,
        verb="risk_appetite.removed",
        target=category,
        changes=diff(before, None),
    )
    escalation.recheck_category(actor=actor, category=category, before_threshold=before_threshold)
