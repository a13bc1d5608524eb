"""Variations of an agreed envelope: a re-plan, a transfer of capital between partners,
an approved capital programme. The new lines must still add up to the (possibly new)
totals, to the penny; the variation is signed off by every partner whose line it
touches and by the ICB (``EnvelopeSignOffFlow``), then applied: the envelope's version
goes up, and the lines before and after are kept (``VariationLine``) as its history.
One variation at a time per envelope.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import money
from budgets.models import (
    EnvelopeLine,
    EnvelopeStatus,
    EnvelopeVariation,
    SystemEnvelope,
    VariationKind,
    VariationLine,
    VariationStatus,
)
from budgets.services._common import Errors, text
from budgets.services.allocations import refusals
from budgets.services.envelope import (
    AUDIT_FIELDS,
    LINE_FIELDS,
    TOTALS,
    _audit,
    _line_values,
    _require_manager,
    _round_result,
    flow,
    lock_envelope,
    sum_errors,
)
from governance.audit.services import diff, snapshot
from governance.references.services import reference_next
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import Outcome
from governance.signoffs.services import cancel_open
from governance.workflow import active_process, process_lock


@transaction.atomic
def variation_request(
    *,
    actor,
    envelope: SystemEnvelope,
    kind: str,
    reason: str,
    lines: dict,
    totals: dict | None = None,
) -> EnvelopeVariation:
    """Propose a change to an agreed envelope.

    ``lines`` maps organisation ids to the new values of any of ``planned_income``,
    ``planned_expenditure`` and ``capital_allocation`` (unchanged fields keep their
    value); ``totals`` the new system totals, if they change. A capital transfer must
    leave the capital total as it is. After the change the lines must add up to the
    totals. Signed off by every partner whose line changes, and the ICB.
    """
    envelope = lock_envelope(envelope.pk)
    _require_manager(actor, envelope)
    errors = Errors()
    if kind not in VariationKind.values:
        errors.add("kind", "Choose a re-plan, a capital transfer or a capital programme.")
    reason = text(reason, "reason", errors, required="Say why the envelope changes.")
    if envelope.status != EnvelopeStatus.AGREED:
        raise ValidationError("Only an agreed envelope changes by a variation; edit the draft.")
    if envelope.variations.filter(status=VariationStatus.IN_SIGNOFF).exists():
        raise ValidationError("Another variation of this envelope is being signed off.")
    current = {
        line.organisation_id: line
        for line in envelope.lines.select_related("organisation").order_by("organisation__name")
    }
    new_values: dict[int, dict] = {}
    for org_id, values in (lines or {}).items():
        try:
            org_id = int(org_id)
        except (TypeError, ValueError):
            org_id = None
        if org_id not in current:
            errors.add("lines", f"Organisation {org_id} has no line in this envelope.")
            continue
        new_values[org_id] = _line_values(values or {}, errors, prefix=f"lines.{org_id}.")
    new_totals = {f: getattr(envelope, f) for f in TOTALS}
    for field, value in (totals or {}).items():
        if field not in TOTALS:
            errors.add("totals", f"Unknown total {field}.")
            continue
        amount = errors.check(money.money, value, field)
        if amount is not None:
            new_totals[field] = amount
    if kind == VariationKind.CAPITAL_TRANSFER and new_totals["capital_total"] != (
        envelope.capital_total
    ):
        errors.add("capital_total", "A transfer moves capital between partners: the total stays.")
    errors.raise_if_any()
    after_lines = []
    touched = []
    for org_id, line in current.items():
        after = EnvelopeLine(envelope=envelope, organisation_id=org_id)
        for field in LINE_FIELDS:
            setattr(after, field, new_values.get(org_id, {}).get(field, getattr(line, field)))
        after_lines.append(after)
        if any(getattr(after, f) != getattr(line, f) for f in LINE_FIELDS):
            touched.append(line)
    proposed = SystemEnvelope(**{f: new_totals[f] for f in TOTALS})
    problems = sum_errors(proposed, after_lines)
    if not touched and all(new_totals[f] == getattr(envelope, f) for f in TOTALS):
        problems.setdefault("lines", []).append("The variation changes nothing.")
    if problems:
        raise ValidationError(problems)
    variation = EnvelopeVariation.objects.create(
        reference=reference_next("EVAR"),
        envelope=envelope,
        kind=kind,
        reason=reason,
        requested_by=actor,
        version_before=envelope.version,
    )
    for line in touched:
        after = new_values[line.organisation_id]
        VariationLine.objects.create(
            variation=variation,
            organisation_id=line.organisation_id,
            income_before=line.planned_income,
            income_after=after.get("planned_income", line.planned_income),
            expenditure_before=line.planned_expenditure,
            expenditure_after=after.get("planned_expenditure", line.planned_expenditure),
            capital_before=line.capital_allocation,
            capital_after=after.get("capital_allocation", line.capital_allocation),
        )
    signers = [line.organisation for line in touched]
    if envelope.icb_id not in {o.pk for o in signers}:
        signers.append(envelope.icb)
    _audit(
        actor,
        "envelope.variation_requested",
        envelope,
        {
            "variation": variation.pk,
            "kind": kind,
            "lines": {
                str(line.organisation_id): {
                    f: {"before": str(getattr(line, f)), "after": str(v)}
                    for f, v in new_values[line.organisation_id].items()
                }
                for line in touched
            },
            "totals": {
                f: {"before": str(getattr(envelope, f)), "after": str(new_totals[f])}
                for f in TOTALS
                if new_totals[f] != getattr(envelope, f)
            },
            "signing_organisations": [o.pk for o in signers],
        },
        reason,
    )
    flow().start.run(
        subject=variation,
        data={
            "round": variation.signoff_round,
            "rule": SignOffRule.ALL,
            "organisations": [o.pk for o in signers],
            "totals": {f: str(v) for f, v in new_totals.items()},
        },
    )
    return variation


def variation_concluded(activation, subject: EnvelopeVariation) -> None:
    """Flow step once the round is settled: apply the variation, or record the refusal."""
    from budgets.services.capital import programme_variation_concluded

    envelope = lock_envelope(subject.envelope_id)
    variation = EnvelopeVariation.objects.select_for_update().get(pk=subject.pk)
    data = activation.process.data
    result = _round_result(variation, data)
    if variation.status != VariationStatus.IN_SIGNOFF:
        return
    variation.concluded_at = timezone.now()
    if result == Outcome.REJECTED:
        variation.status = VariationStatus.REJECTED
        variation.save()
        _audit(
            None,
            "envelope.variation_not_agreed",
            envelope,
            {"variation": variation.pk, "status": {"before": "in_signoff", "after": "rejected"}},
            refusals(variation, data["round"]),
        )
        programme_variation_concluded(variation, applied=False)
        return
    lines = {line.organisation_id: line for line in envelope.lines.select_for_update()}
    for change in variation.changes.all():
        line = lines[change.organisation_id]
        line.planned_income = change.income_after
        line.planned_expenditure = change.expenditure_after
        line.capital_allocation = change.capital_after
        line.save()
    before = snapshot(envelope, AUDIT_FIELDS)
    for field, value in data["totals"].items():
        setattr(envelope, field, Decimal(value))
    problems = sum_errors(envelope, lines.values())
    if problems:  # cannot happen: checked when requested and only one variation runs
        raise RuntimeError(f"Variation {variation.reference} breaks the totals: {problems}")
    envelope.version += 1
    envelope.save()
    variation.status = VariationStatus.APPLIED
    variation.save()
    _audit(
        None,
        "envelope.variation_applied",
        envelope,
        {"variation": variation.pk, **diff(before, snapshot(envelope, AUDIT_FIELDS))},
        "Signed off by every partner it touches and the ICB.",
    )
    programme_variation_concluded(variation, applied=True)


@transaction.atomic
def variation_withdraw(*, actor, variation: EnvelopeVariation, reason: str) -> EnvelopeVariation:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the variation is withdrawn."})
    process = active_process(variation, flow())
    if process is None:
        return _withdraw(actor, variation, reason, None)
    with process_lock(flow(), process.pk):
        return _withdraw(actor, variation, reason, process)


def _withdraw(actor, variation, reason, process) -> EnvelopeVariation:
    envelope = lock_envelope(variation.envelope_id)
    _require_manager(actor, envelope)
    variation = EnvelopeVariation.objects.select_for_update().get(pk=variation.pk)
    if variation.status != VariationStatus.IN_SIGNOFF:
        raise ValidationError(
            f"This variation is {variation.get_status_display().lower()}: it cannot be withdrawn."
        )
    cancelled = cancel_open(variation, reason=f"Variation withdrawn: {reason}")
    if process is not None:
        flow().instance.cancel(process)
    variation.status = VariationStatus.WITHDRAWN
    variation.concluded_at = timezone.now()
    variation.save()
    _audit(
        actor,
        "envelope.variation_withdrawn",
        envelope,
        {"variation": variation.pk, "signoffs_cancelled": cancelled},
        reason,
    )
    from budgets.services.capital import programme_variation_concluded

    programme_variation_concluded(variation, applied=False)
    return variation


def variation_transfer_capital(
    *, actor, envelope: SystemEnvelope, source, target, amount, reason: str
) -> EnvelopeVariation:
    """Move capital from one partner's line to another's (the total stays)."""
    errors = Errors()
    value = errors.check(money.money, amount, "amount", positive=True)
    if source is None or target is None or source.pk == target.pk:
        errors.add("target", "Choose two different partners.")
    errors.raise_if_any()
    lines = {
        line.organisation_id: line
        for line in envelope.lines.filter(organisation__in=[source.pk, target.pk])
    }
    if len(lines) != 2:
        raise ValidationError({"target": "Both partners need a line in the envelope."})
    if lines[source.pk].capital_allocation < value:
        raise ValidationError(
            {
                "amount": f"{source.name} has {money.gbp(lines[source.pk].capital_allocation)} "
                f"of capital: {money.gbp(value)} cannot move."
            }
        )
    return variation_request(
        actor=actor,
        envelope=envelope,
        kind=VariationKind.CAPITAL_TRANSFER,
        reason=reason,
        lines={
            source.pk: {"capital_allocation": lines[source.pk].capital_allocation - value},
            target.pk: {"capital_allocation": lines[target.pk].capital_allocation + value},
        },
    )


def variation_replan(
    *, actor, envelope: SystemEnvelope, organisation, planned_income, planned_expenditure, reason
) -> EnvelopeVariation:
    """Re-plan one partner's revenue; the system totals move by the same amounts."""
    errors = Errors()
    values = _line_values(
        {"planned_income": planned_income, "planned_expenditure": planned_expenditure}, errors
    )
    errors.raise_if_any()
    line = envelope.lines.filter(organisation=organisation).first() if organisation else None
    if line is None:
        raise ValidationError({"organisation": "Choose a partner with a line in the envelope."})
    return variation_request(
        actor=actor,
        envelope=envelope,
        kind=VariationKind.REPLAN,
        reason=reason,
        lines={organisation.pk: values},
        totals={
            "income_total": envelope.income_total - line.planned_income + values["planned_income"],
            "expenditure_total": envelope.expenditure_total
            - line.planned_expenditure
            + values["planned_expenditure"],
        },
    )
