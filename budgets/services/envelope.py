"""The system envelope: drafting and agreement by every partner.

Drafted by the ICB's finance lead (totals and one line per partner); sent for sign-off
(``budgets.flows_envelope.EnvelopeSignOffFlow``, rule "every partner must approve",
one task per partner with a line) only if the lines add up to the system totals to the
penny; agreed (and locked) once every partner approves, back to draft if any refuses.

An agreed envelope changes only by a variation (``envelope_variations``).

Lock order: the audit chain head, then the envelope row (as in ``budgets.locks``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import envelope_policy, locks, money
from budgets.models import (
    EnvelopeLine,
    EnvelopeStatus,
    EnvelopeVariation,
    SystemEnvelope,
)
from budgets.services._common import Errors, audit, text
from budgets.services.allocations import refusals
from governance.audit.services import diff, snapshot
from governance.organisations.models import Organisation
from governance.references.services import reference_next
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import Outcome, outcome

TOTALS = ("income_total", "expenditure_total", "capital_total")
LINE_FIELDS = ("planned_income", "planned_expenditure", "capital_allocation")
SETTINGS = ("name", "threshold_percent", "system_adverse_alert", "finance_committee")
AUDIT_FIELDS = (*SETTINGS, *TOTALS, "status", "version")
TOTAL_OF = dict(zip(LINE_FIELDS, TOTALS, strict=True))
LABEL = {
    "planned_income": "planned income",
    "planned_expenditure": "planned expenditure",
    "capital_allocation": "capital allocations",
}


def flow():
    from budgets.flows_envelope import EnvelopeSignOffFlow

    return EnvelopeSignOffFlow


def _audit(actor, verb, envelope: SystemEnvelope, changes=None, reason=""):
    return audit(
        actor,
        verb,
        envelope,
        organisation=envelope.icb,
        changes=changes,
        reason=reason,
        label=f"{envelope.reference} {envelope.name} {envelope.year_label}",
    )


def lock_envelope(pk: int) -> SystemEnvelope:
    locks.audit_first()
    return SystemEnvelope.objects.select_for_update().select_related("icb").get(pk=pk)


def _require_manager(actor, envelope: SystemEnvelope) -> None:
    if not envelope_policy.can_manage(actor, envelope):
        raise PermissionDenied("Only the envelope's finance lead or the ICB secretariat can.")


def _settings(envelope: SystemEnvelope, values: dict, errors: Errors) -> None:
    if "name" in values:
        envelope.name = text(
            values["name"], "name", errors, required="Name the envelope.", max_length=200
        )
    for field in TOTALS:
        if field in values:
            amount = errors.check(money.money, values[field], field)
            if amount is not None:
                setattr(envelope, field, amount)
    if "threshold_percent" in values:
        share = errors.check(money.percent, values["threshold_percent"], "threshold_percent")
        if share is not None:
            envelope.threshold_percent = share
    if "system_adverse_alert" in values:
        envelope.system_adverse_alert = bool(values["system_adverse_alert"])
    if "finance_committee" in values:
        envelope.finance_committee = text(
            values["finance_committee"],
            "finance_committee",
            errors,
            required="Name the committee that receives variance items.",
            max_length=200,
        )


@transaction.atomic
def envelope_create(
    *,
    actor,
    icb: Organisation,
    financial_year: int,
    name: str,
    income_total,
    expenditure_total,
    capital_total,
    threshold_percent="1.00",
    system_adverse_alert: bool = True,
    finance_committee: str = "Finance and Performance Committee",
) -> SystemEnvelope:
    """The ICB's finance lead drafts the envelope for a financial year."""
    if not envelope_policy.can_create(actor, icb):
        raise PermissionDenied("Only a finance lead of the ICB can draft its system envelope.")
    errors = Errors()
    try:
        year = int(financial_year)
    except (TypeError, ValueError):
        year = None
    if year is None or not 2000 <= year <= 2100:
        errors.add("financial_year", "Give the year the financial year starts, e.g. 2026.")
    envelope = SystemEnvelope(icb=icb, finance_lead=actor, financial_year=year or 2000)
    _settings(
        envelope,
        {
            "name": name,
            "income_total": income_total,
            "expenditure_total": expenditure_total,
            "capital_total": capital_total,
            "threshold_percent": threshold_percent,
            "system_adverse_alert": system_adverse_alert,
            "finance_committee": finance_committee,
        },
        errors,
    )
    if year and SystemEnvelope.objects.filter(icb=icb, financial_year=year).exists():
        errors.add("financial_year", f"{icb.name} already has an envelope for {year}.")
    errors.raise_if_any()
    locks.audit_first()
    envelope.reference = reference_next("ENV")
    envelope.save()
    _audit(actor, "envelope.drafted", envelope, diff(None, snapshot(envelope, AUDIT_FIELDS)))
    return envelope


@transaction.atomic
def envelope_update(*, actor, envelope: SystemEnvelope, **values) -> SystemEnvelope:
    """Change a draft's name, totals, threshold or committee."""
    unknown = set(values) - set(SETTINGS) - set(TOTALS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    envelope = lock_envelope(envelope.pk)
    _require_manager(actor, envelope)
    if envelope.is_locked:
        raise ValidationError(
            "The envelope is no longer a draft: change it by a variation once agreed."
        )
    before = snapshot(envelope, AUDIT_FIELDS)
    errors = Errors()
    _settings(envelope, values, errors)
    errors.raise_if_any()
    changes = diff(before, snapshot(envelope, AUDIT_FIELDS))
    if changes:
        envelope.save()
        _audit(actor, "envelope.updated", envelope, changes)
    return envelope


def _line_values(values: dict, errors: Errors, prefix: str = "") -> dict:
    out = {}
    for field in LINE_FIELDS:
        if field in values:
            amount = errors.check(money.money, values[field], prefix + field)
            if amount is not None:
                out[field] = amount
    return out


@transaction.atomic
def envelope_line_set(
    *,
    actor,
    envelope: SystemEnvelope,
    organisation: Organisation,
    planned_income,
    planned_expenditure,
    capital_allocation,
) -> EnvelopeLine:
    """Set (or add) a partner's line of a draft envelope."""
    envelope = lock_envelope(envelope.pk)
    _require_manager(actor, envelope)
    if envelope.is_locked:
        raise ValidationError("The envelope is no longer a draft: change it by a variation.")
    errors = Errors()
    if organisation is None or not organisation.is_active:
        errors.add("organisation", "Choose an active partner organisation.")
    values = _line_values(
        {
            "planned_income": planned_income,
            "planned_expenditure": planned_expenditure,
            "capital_allocation": capital_allocation,
        },
        errors,
    )
    errors.raise_if_any()
    line = EnvelopeLine.objects.filter(envelope=envelope, organisation=organisation).first()
    before = snapshot(line, LINE_FIELDS) if line else None
    if line is None:
        line = EnvelopeLine(envelope=envelope, organisation=organisation)
    for field, amount in values.items():
        setattr(line, field, amount)
    changes = diff(before, snapshot(line, LINE_FIELDS))
    if changes:
        line.save()
        changes["organisation"] = organisation.pk
        _audit(actor, "envelope.line_set", envelope, changes)
    return line


def sum_errors(envelope: SystemEnvelope, lines) -> dict[str, list[str]]:
    """Where the lines do not add up to the system totals, to the penny."""
    errors: dict[str, list[str]] = {}
    lines = list(lines)
    if not lines:
        return {"lines": ["Add a line for each partner first."]}
    for field, total_field in TOTAL_OF.items():
        summed = sum((getattr(line, field) for line in lines), Decimal("0.00"))
        stated = getattr(envelope, total_field)
        if summed != stated:
            errors.setdefault(total_field, []).append(
                f"The partners' {LABEL[field]} add up to {money.gbp(summed)}, not the system "
                f"total of {money.gbp(stated)} (a difference of {money.gbp(summed - stated)})."
            )
    return errors


def _start_round(envelope_or_variation, organisations) -> None:
    flow().start.run(
        subject=envelope_or_variation,
        data={
            "round": envelope_or_variation.signoff_round,
            "rule": SignOffRule.ALL,
            "organisations": [o.pk for o in organisations],
        },
    )


@transaction.atomic
def envelope_submit(*, actor, envelope: SystemEnvelope) -> SystemEnvelope:
    """Send the draft to every partner with a line for sign-off: only if the lines add
    up to the system totals, to the penny."""
    envelope = lock_envelope(envelope.pk)
    _require_manager(actor, envelope)
    if envelope.status != EnvelopeStatus.DRAFT:
        raise ValidationError(
            f"Only a draft can be sent for sign-off; this one is "
            f"{envelope.get_status_display().lower()}."
        )
    lines = list(envelope.lines.select_related("organisation").order_by("organisation__name"))
    problems = sum_errors(envelope, lines)
    if problems:
        raise ValidationError(problems)
    if envelope.icb_id not in {line.organisation_id for line in lines}:
        raise ValidationError({"lines": ["The ICB needs its own line in the system envelope."]})
    envelope.status = EnvelopeStatus.IN_SIGNOFF
    envelope.signoff_round += 1
    envelope.save()
    orgs = [line.organisation for line in lines]
    _audit(
        actor,
        "envelope.submitted",
        envelope,
        {
            "status": {"before": EnvelopeStatus.DRAFT, "after": envelope.status},
            "round": envelope.signoff_round,
            "signing_organisations": [o.pk for o in orgs],
        },
    )
    _start_round(envelope, orgs)
    return envelope


def envelope_signoff_concluded(activation) -> None:
    """Flow step once a round is settled, for the envelope or one of its variations."""
    subject = activation.process.artifact
    if isinstance(subject, EnvelopeVariation):
        from budgets.services.envelope_variations import variation_concluded

        variation_concluded(activation, subject)
    else:
        _envelope_concluded(activation, subject)


def _round_result(subject, data) -> Outcome:
    result = outcome(data["rule"], signoff_selectors.statuses_of_round(subject, data["round"]))
    if result == Outcome.PENDING:  # defensive: the join continues only once settled
        raise RuntimeError(f"Sign-off round {data['round']} of {subject} is not settled")
    return result


def _envelope_concluded(activation, subject: SystemEnvelope) -> None:
    envelope = lock_envelope(subject.pk)
    data = activation.process.data
    result = _round_result(envelope, data)
    if envelope.status != EnvelopeStatus.IN_SIGNOFF or data["round"] != envelope.signoff_round:
        return
    if result == Outcome.APPROVED:
        envelope.status = EnvelopeStatus.AGREED
        envelope.agreed_at = timezone.now()
        envelope.save()
        _audit(
            None,
            "envelope.agreed",
            envelope,
            {"status": {"before": EnvelopeStatus.IN_SIGNOFF, "after": envelope.status}},
            "Signed off by every partner.",
        )
        return
    envelope.status = EnvelopeStatus.DRAFT
    envelope.save()
    _audit(
        None,
        "envelope.not_agreed",
        envelope,
        {"status": {"before": EnvelopeStatus.IN_SIGNOFF, "after": envelope.status}},
        f"Not signed off by every partner: {refusals(envelope, data['round'])}",
    )
