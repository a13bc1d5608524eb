"""Raising, editing and submitting risks. Every change validates, writes and audits in
one transaction; nothing is written when the input is bad."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import validators
from governance.audit.services import diff
from governance.organisations.models import Organisation
from governance.references.services import reference_next
from governance.risks import policy, scoring
from governance.risks.models import (
    FREQUENCY_MONTHS,
    RATING_FIELDS,
    Assessment,
    AssessmentKind,
    ReviewFrequency,
    Risk,
    RiskCategory,
    RiskStatus,
    StrategicObjective,
)
from governance.risks.services import escalation, rounds
from governance.risks.services._common import Errors, audit, clean_text, lock, risk_snapshot
from governance.search.services import search_index_update

TEXT_FIELDS = {
    "title": ("Give the risk a title.", 200),
    "cause": ("Describe the cause (because of …).", None),
    "event": ("Describe the risk event (there is a risk that …).", None),
    "effect": ("Describe the effect (resulting in …).", None),
    "controls": ("", None),
    "assurances": ("", None),
    "gaps_in_control": ("", None),
    "gaps_in_assurance": ("", None),
    "actions": ("", None),
    "exemption_reason": ("", None),
}
UPDATABLE = (
    *TEXT_FIELDS,
    *RATING_FIELDS,
    "category",
    "owner",
    "partners",
    "strategic_objective",
    "review_frequency",
    "next_review_date",
    "is_confidential",
)
CURRENT = ("current_likelihood", "current_consequence")


def _clean(r: Risk, values: dict, partners: list[Organisation] | None, errors: Errors) -> None:
    """Validate and set ``values`` on ``r`` (unsaved); field errors collect in ``errors``."""
    for name, (required, max_length) in TEXT_FIELDS.items():
        if name in values:
            setattr(
                r,
                name,
                clean_text(values[name], name, errors, required=required, max_length=max_length),
            )
    ratings = {k: values[k] for k in RATING_FIELDS if k in values}
    try:
        for name, rating in scoring.clean_ratings(ratings).items():
            setattr(r, name, rating)
    except ValidationError as exc:
        errors.merge(exc)
    if "category" in values:
        if not isinstance(values["category"], RiskCategory):
            errors.add("category", "Choose the risk's category.")
        elif not values["category"].is_active and values["category"].pk != r.category_id:
            errors.add("category", f"{values['category'].name} is retired: choose a current one.")
        else:
            r.category = values["category"]
    if "owner" in values:
        owner = values["owner"]
        if owner is None or not policy.can_own(owner, r.owning_organisation):
            errors.add("owner", f"The risk owner must act for {r.owning_organisation.name}.")
        else:
            r.owner = owner
    if "strategic_objective" in values:
        objective = values["strategic_objective"]
        if objective is not None and (
            not isinstance(objective, StrategicObjective) or not objective.is_active
        ):
            errors.add("strategic_objective", "Choose a current strategic objective.")
        else:
            r.strategic_objective = objective
    if "review_frequency" in values:
        if values["review_frequency"] not in ReviewFrequency.values:
            errors.add("review_frequency", "Choose how often the risk is reviewed.")
        else:
            r.review_frequency = values["review_frequency"]
    if "next_review_date" in values:
        when = values["next_review_date"]
        if not isinstance(when, datetime.date):
            errors.add("next_review_date", "Give the next review date (YYYY-MM-DD).")
        elif problem := validators.date_message(when):
            errors.add("next_review_date", problem)
        else:
            r.next_review_date = when
    if "is_confidential" in values:
        r.is_confidential = bool(values["is_confidential"])
    if r.is_confidential and not r.exemption_reason:
        errors.add(
            "exemption_reason",
            "A confidential risk needs the reason it is exempt from publication.",
        )
    if not r.is_confidential:
        r.exemption_reason = ""
    if partners is not None:
        if any(p.pk == r.owning_organisation_id for p in partners):
            errors.add("partners", "The owning organisation cannot also be a sharing partner.")
        inactive = sorted(p.name for p in partners if not p.is_active)
        if inactive:
            errors.add("partners", f"Not active: {', '.join(inactive)}.")


def next_review_from(day: datetime.date, frequency: str) -> datetime.date:
    return scoring.add_months(day, FREQUENCY_MONTHS[frequency])


@transaction.atomic
def risk_create(
    *,
    actor,
    owning_organisation: Organisation,
    title: str,
    cause: str,
    event: str,
    effect: str,
    category: RiskCategory,
    inherent_likelihood,
    inherent_consequence,
    current_likelihood,
    current_consequence,
    target_likelihood,
    target_consequence,
    owner=None,
    partners=(),
    strategic_objective: StrategicObjective | None = None,
    controls: str = "",
    assurances: str = "",
    gaps_in_control: str = "",
    gaps_in_assurance: str = "",
    actions: str = "",
    review_frequency: str = ReviewFrequency.QUARTERLY,
    next_review_date: datetime.date | None = None,
    is_confidential: bool = False,
    exemption_reason: str = "",
    assessed_on: datetime.date | None = None,
) -> Risk:
    """Raise a risk as a draft of the owning organisation (shared once submitted).

    ``assessed_on`` is the date of the initial assessment (today by default; earlier when
    a risk moves over from an existing register); the next review date defaults to one
    review period after it."""
    if owning_organisation is None or not policy.can_raise_for(actor, owning_organisation):
        name = owning_organisation.name if owning_organisation else "that organisation"
        raise PermissionDenied(f"You cannot raise risks for {name}.")
    partners = list(partners or ())
    r = Risk(owning_organisation=owning_organisation, created_by=actor, status=RiskStatus.DRAFT)
    values = {k: v for k, v in locals().items() if k in UPDATABLE and k != "partners"}
    values["owner"] = owner or actor
    if next_review_date is None:
        values.pop("next_review_date")
    errors = Errors()
    _clean(r, values, partners, errors)
    today = timezone.localdate()
    assessed_on = assessed_on or today
    if not isinstance(assessed_on, datetime.date) or assessed_on > today:
        errors.add("assessed_on", "The initial assessment cannot be dated in the future.")
        assessed_on = today
    if next_review_date is None and review_frequency in ReviewFrequency.values:
        r.next_review_date = next_review_from(assessed_on, review_frequency)
    errors.raise_if_any()
    r.reference = reference_next("RISK")
    r.save()
    r.partners.set(partners)
    Assessment.objects.create(
        risk=r,
        kind=AssessmentKind.INITIAL,
        likelihood=r.current_likelihood,
        consequence=r.current_consequence,
        comment="Initial assessment.",
        assessed_on=assessed_on,
        assessed_by=actor,
        next_review_date=r.next_review_date,
    )
    audit(actor, "risk.created", r, diff(None, risk_snapshot(r)))
    search_index_update(r)
    return r


@transaction.atomic
def risk_update(*, actor, risk: Risk, reason: str = "", **fields) -> Risk:
    """Edit a risk. A change of current ratings is kept in the score history and may
    escalate the risk; any change while partners are considering it returns it to draft
    (their open sign-offs are cancelled) so it is resubmitted as it now stands."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    r = lock(risk)
    if not policy.can_edit(actor, r):
        raise PermissionDenied("You cannot edit this risk.")
    before = risk_snapshot(r)
    before_score, before_threshold = r.current_score, escalation.threshold_of(r)
    partners = list(fields["partners"]) if "partners" in fields else None
    errors = Errors()
    if partners is not None and r.status not in (RiskStatus.DRAFT, RiskStatus.AWAITING_ACCEPTANCE):
        current = set(r.partners.values_list("pk", flat=True))
        if {p.pk for p in partners} != current:
            errors.add(
                "partners",
                "Sharing partners can change only before the risk is registered "
                "(raise a new shared risk instead).",
            )
    _clean(r, fields, partners, errors)
    errors.raise_if_any()
    r.save()
    if partners is not None:
        r.partners.set(partners)
    changes = diff(before, risk_snapshot(r))
    if not changes:
        return r
    reason = (reason or "").strip()
    audit(actor, "risk.updated", r, changes, reason)
    if any(k in changes for k in CURRENT):
        Assessment.objects.create(
            risk=r,
            kind=AssessmentKind.EDIT,
            likelihood=r.current_likelihood,
            consequence=r.current_consequence,
            comment=reason or "Current scores edited.",
            assessed_by=actor,
        )
    if r.status == RiskStatus.AWAITING_ACCEPTANCE:
        rounds.cancel_round(actor, r, reason or "The risk was edited while partners considered it.")
        r.status = RiskStatus.DRAFT
        r.save(update_fields=["status", "updated_at"])
        audit(
            actor,
            "risk.returned_to_draft",
            r,
            {"status": {"before": RiskStatus.AWAITING_ACCEPTANCE, "after": RiskStatus.DRAFT}},
            "Edited while the partners were considering it: submit it again.",
        )
    if any(k in changes for k in (*CURRENT, "category")):
        escalation.escalate_if_needed(
            actor=actor,
            risk=r,
            before_score=before_score,
            before_threshold=before_threshold,
            trigger="edit",
        )
    search_index_update(r)
    return r


@transaction.atomic
def risk_submit(*, actor, risk: Risk) -> Risk:
    """Put a draft on the register: at once if it is the owner's alone; otherwise each
    sharing partner's signatory must accept it onto its register first."""
    r = lock(risk)
    if not policy.can_manage(actor, r):
        raise PermissionDenied("You cannot submit this risk.")
    if r.status != RiskStatus.DRAFT:
        raise ValidationError(
            f"Only a draft can be submitted; this risk is {r.get_status_display().lower()}."
        )
    partners = list(r.partners.order_by("name"))
    if not partners:
        return rounds.register_risk(actor, r, "Not shared: registered by its owner.")
    r.status = RiskStatus.AWAITING_ACCEPTANCE
    r.save(update_fields=["status", "updated_at"])
    audit(
        actor,
        "risk.submitted",
        r,
        {
            "status": {"before": RiskStatus.DRAFT, "after": r.status},
            "partners": [p.pk for p in partners],
        },
    )
    rounds.start_round(r, purpose=rounds.Purpose.REGISTER, organisations=partners)
    return r
