"""Capital prioritisation against the system capital envelope.

Partners bid schemes (their finance leads, for their own organisation); each is scored
by the stated criteria (``budgets.models.capital.SCORING_RULE``), which the finance
committee may adjust with a reason (recorded by the envelope's finance lead or the ICB
secretariat). The finance lead proposes a programme, refused if its in-year cost exceeds
the capital envelope (the headroom is shown); the finance committee decides it at a
meeting (tabled through the subject registry). Once approved it proposes a variation
giving each partner with schemes their in-year cost as its capital line and the ICB the
rest (the system's unallocated capital), so the lines still add up to the envelope.
The partners it touches and the ICB sign the variation off; then the schemes are
approved and the other bids not funded this year.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from budgets import envelope_policy, locks, money
from budgets.models import (
    CapitalCategory,
    CapitalProgramme,
    CapitalScheme,
    CapitalSchemeCost,
    EnvelopeStatus,
    ProgrammeStatus,
    SchemeStatus,
    SystemEnvelope,
    VariationKind,
)
from budgets.services._common import Errors, audit, text
from governance import attachments
from governance.references.services import reference_next

ZERO = Decimal("0.00")


def _audit(actor, verb, scheme: CapitalScheme, changes=None, reason=""):
    return audit(
        actor,
        verb,
        scheme,
        organisation=scheme.organisation,
        changes=changes,
        reason=reason,
        label=f"{scheme.reference} {scheme.title}",
    )


def in_year_cost(scheme: CapitalScheme) -> Decimal:
    year = scheme.envelope.financial_year
    return sum((c.amount for c in scheme.costs.all() if c.financial_year == year), ZERO)


def headroom(envelope: SystemEnvelope, schemes) -> tuple[Decimal, Decimal]:
    """(in-year total of ``schemes``, capital envelope less that total)."""
    total = sum((in_year_cost(s) for s in schemes), ZERO)
    return total, envelope.capital_total - total


def _costs(costs, envelope: SystemEnvelope, errors: Errors) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    if not costs:
        errors.add("costs", "Give the scheme's cost in each year it spends.")
        return out
    for year, amount in dict(costs).items():
        try:
            year = int(year)
        except (TypeError, ValueError):
            errors.add("costs", f"{year!r} is not a year (e.g. 2026 for 2026/27).")
            continue
        if not envelope.financial_year <= year <= envelope.financial_year + 9:
            errors.add(
                "costs",
                f"Costs run from {envelope.year_label} for at most ten years; {year} is outside.",
            )
            continue
        value = errors.check(money.money, amount, "costs", positive=True)
        if value is not None:
            out[year] = value
    if out and envelope.financial_year not in out:
        errors.add("costs", f"Give the cost in {envelope.year_label}, the envelope's year.")
    return out


@transaction.atomic
def scheme_bid(
    *,
    actor,
    envelope: SystemEnvelope,
    organisation,
    title: str,
    category: str,
    costs: dict,
    risk_score_addressed,
    business_case: bytes | None = None,
) -> CapitalScheme:
    """A partner's finance lead bids a capital scheme (``costs``: {year: amount})."""
    if organisation is None or not envelope_policy.can_bid(actor, envelope, organisation):
        raise PermissionDenied("Only a partner's finance lead bids its capital schemes.")
    errors = Errors()
    title = text(title, "title", errors, required="Give the scheme a title.", max_length=200)
    if category not in CapitalCategory.values:
        errors.add("category", "Choose the scheme's category.")
    try:
        risk_score = int(risk_score_addressed)
    except (TypeError, ValueError):
        risk_score = 0
    if not 1 <= risk_score <= 25:
        errors.add("risk_score_addressed", "Give the score (1–25) of the risk it addresses.")
    by_year = _costs(costs, envelope, errors)
    if business_case:
        errors.check(attachments.inspect_pdf, business_case, field="business_case")
    if envelope.status == EnvelopeStatus.DRAFT:
        errors.add("envelope", "Schemes are bid once the envelope has gone to the partners.")
    errors.raise_if_any()
    locks.audit_first()
    scheme = CapitalScheme(
        envelope=envelope,
        organisation=organisation,
        title=title,
        category=category,
        risk_score_addressed=risk_score,
        submitted_by=actor,
        reference=reference_next("CAP"),
    )
    scheme.score = scheme.criteria_score
    if business_case:
        scheme.business_case.save("business-case.pdf", ContentFile(business_case), save=False)
    scheme.save()
    CapitalSchemeCost.objects.bulk_create(
        [CapitalSchemeCost(scheme=scheme, financial_year=y, amount=a) for y, a in by_year.items()]
    )
    _audit(
        actor,
        "capital.scheme_bid",
        scheme,
        {
            "title": title,
            "category": category,
            "risk_score_addressed": risk_score,
            "score": str(scheme.score),
            "costs": {str(y): str(a) for y, a in sorted(by_year.items())},
            "business_case": bool(business_case),
        },
    )
    return scheme


@transaction.atomic
def scheme_score_set(*, actor, scheme: CapitalScheme, score, reason: str) -> CapitalScheme:
    """The finance committee's adjustment of a scheme's score, with its reason."""
    locks.audit_first()
    scheme = (
        CapitalScheme.objects.select_for_update()
        .select_related("envelope", "organisation")
        .get(pk=scheme.pk)
    )
    if not envelope_policy.can_manage(actor, scheme.envelope):
        raise PermissionDenied(
            "The finance committee's adjustments are recorded by the envelope's "
            "finance lead or the ICB secretariat."
        )
    errors = Errors()
    value = errors.check(money.money, score, "score")
    if value is not None and value > 1000:
        errors.add("score", "A score is at most 1000.")
    reason = text(reason, "reason", errors, required="Give the committee's reason.")
    if scheme.status not in (SchemeStatus.BID, SchemeStatus.NOT_FUNDED):
        errors.add("score", f"The scheme is {scheme.get_status_display().lower()}.")
    errors.raise_if_any()
    before = scheme.score
    scheme.score, scheme.score_reason = value, reason
    scheme.save(update_fields=["score", "score_reason"])
    _audit(
        actor,
        "capital.score_adjusted",
        scheme,
        {"score": {"before": str(before), "after": str(value)}},
        reason,
    )
    return scheme


def ranked(envelope: SystemEnvelope):
    return (
        CapitalScheme.objects.filter(envelope=envelope)
        .exclude(status=SchemeStatus.WITHDRAWN)
        .select_related("organisation")
        .prefetch_related("costs")
        .order_by("-score", "reference")
    )


def _programme_errors(envelope: SystemEnvelope, chosen, ids, errors: Errors, *, exclude=None):
    """Whether ``chosen`` (the schemes asked for by ``ids``) may be programmed now."""
    if not chosen or len(chosen) != len(set(ids)):
        errors.add("schemes", "Choose the envelope's schemes to fund.")
    not_open = [s.reference for s in chosen if s.status not in (SchemeStatus.BID,)]
    if not_open:
        errors.add("schemes", f"Not open bids: {', '.join(not_open)}.")
    if envelope.status != EnvelopeStatus.AGREED:
        errors.add("schemes", "The envelope must be agreed before its capital is programmed.")
    open_programmes = CapitalProgramme.objects.filter(
        envelope=envelope, status__in=[ProgrammeStatus.PROPOSED, ProgrammeStatus.APPROVED]
    )
    if exclude is not None:
        open_programmes = open_programmes.exclude(pk=exclude.pk)
    if open_programmes.exists():
        errors.add(
            "schemes",
            "Another programme is before the finance committee or being signed off.",
        )
    total, room = headroom(envelope, chosen)
    if room < 0:
        errors.add(
            "schemes",
            f"The programme costs {money.gbp(total)} in {envelope.year_label}, more than the "
            f"capital envelope of {money.gbp(envelope.capital_total)}: it is over by "
            f"{money.gbp(-room)}. Remove schemes until it fits.",
        )
    return total, room


def _label(programme: CapitalProgramme) -> str:
    return f"{programme.reference} capital programme {programme.envelope.year_label}"


@transaction.atomic
def programme_propose(
    *, actor, envelope: SystemEnvelope, schemes, note: str = ""
) -> CapitalProgramme:
    """The envelope's finance lead (or the ICB secretariat) proposes a programme to the
    finance committee; refused if it does not fit within the capital envelope (the
    headroom is given). The committee decides it at a meeting
    (``programme_decide_at_meeting``)."""
    from budgets.services.envelope import lock_envelope

    envelope = lock_envelope(envelope.pk)
    if not envelope_policy.can_manage(actor, envelope):
        raise PermissionDenied(
            "A programme is proposed by the envelope's finance lead or the ICB secretariat."
        )
    errors = Errors()
    note = text(note, "note", errors)
    if envelope_policy.finance_committee_of(envelope) is None:
        errors.add(
            "schemes",
            f"There is no active committee named “{envelope.finance_committee}” to decide "
            "it: correct the envelope's finance committee first.",
        )
    ids = [s.pk if isinstance(s, CapitalScheme) else s for s in schemes or ()]
    chosen = list(
        CapitalScheme.objects.select_for_update(of=("self",))
        .filter(envelope=envelope, pk__in=ids)
        .select_related("organisation", "envelope")
        .prefetch_related("costs")
    )
    total, room = _programme_errors(envelope, chosen, ids, errors)
    errors.raise_if_any()
    programme = CapitalProgramme.objects.create(
        reference=reference_next("CPRG"),
        envelope=envelope,
        total=total,
        headroom=room,
        note=note,
        proposed_by=actor,
        status=ProgrammeStatus.PROPOSED,
    )
    programme.schemes.set(chosen)
    audit(
        actor,
        "capital.programme_proposed",
        programme,
        organisation=envelope.icb,
        changes={
            "schemes": sorted(s.pk for s in chosen),
            "total": str(total),
            "headroom": str(room),
        },
        reason=note,
        label=_label(programme),
    )
    return programme


@transaction.atomic
def programme_decide_at_meeting(
    *, actor, programme: CapitalProgramme, outcome: str, item, notes: str = "", decided_on=None
) -> CapitalProgramme:
    """The finance committee decided the programme on ``item`` (quorum, conflicts and
    votes checked by the meetings app). Approval proposes the variation of the
    partners' capital lines, which the partners it touches and the ICB sign off."""
    from budgets.services.envelope import lock_envelope
    from budgets.services.envelope_variations import variation_request

    if outcome not in ("approved", "rejected"):
        raise ValidationError({"outcome": "Choose approved or rejected."})
    envelope = lock_envelope(programme.envelope_id)
    programme = CapitalProgramme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != ProgrammeStatus.PROPOSED:
        raise ValidationError(
            f"{programme.reference} is {programme.get_status_display().lower()}: it is not "
            "before the committee."
        )
    committee = envelope_policy.finance_committee_of(envelope)
    if item is None or committee is None or item.meeting.committee_id != committee.pk:
        raise ValidationError(
            f"{programme.reference} is for the {envelope.finance_committee} to decide at its "
            "meeting."
        )
    if (
        item.subject_type_id is None
        or item.subject_id != programme.pk
        or not isinstance(item.subject, CapitalProgramme)
    ):
        raise ValidationError("The agenda item is not about this programme.")
    day = (decided_on or item.meeting.start.date()).strftime("%-d %B %Y")
    programme.committee_minute = f"{committee.name}, {day}, item {item.position}"[:200]
    programme.meeting_item = item
    programme.approved_by = actor
    programme.decided_at = timezone.now()
    chosen = list(
        programme.schemes.select_for_update(of=("self",))
        .select_related("organisation", "envelope")
        .prefetch_related("costs")
    )
    if outcome == "rejected":
        programme.status = ProgrammeStatus.DECLINED
        programme.save()
        audit(
            actor,
            "capital.programme_declined",
            programme,
            organisation=envelope.icb,
            changes={"status": {"before": ProgrammeStatus.PROPOSED, "after": programme.status}},
            reason=(notes or programme.committee_minute),
            label=_label(programme),
        )
        return programme
    errors = Errors()
    total, room = _programme_errors(
        envelope, chosen, [s.pk for s in chosen], errors, exclude=programme
    )
    errors.raise_if_any()
    by_org: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for s in chosen:
        by_org[s.organisation_id] += in_year_cost(s)
    lines = {}
    for line in envelope.lines.all():
        capital = by_org.get(line.organisation_id, ZERO)
        if line.organisation_id == envelope.icb_id:
            capital += room
        lines[line.organisation_id] = {"capital_allocation": capital}
    if set(by_org) - set(lines):
        raise ValidationError({"schemes": "Every scheme's partner needs a line in the envelope."})
    programme.status = ProgrammeStatus.APPROVED
    programme.total, programme.headroom = total, room
    programme.save()
    CapitalScheme.objects.filter(pk__in=[s.pk for s in chosen]).update(
        status=SchemeStatus.IN_PROGRAMME
    )
    audit(
        actor,
        "capital.programme_approved",
        programme,
        organisation=envelope.icb,
        changes={
            "status": {"before": ProgrammeStatus.PROPOSED, "after": programme.status},
            "schemes": sorted(s.pk for s in chosen),
            "total": str(total),
            "headroom": str(room),
            "meeting_item": item.pk,
        },
        reason=notes or programme.committee_minute,
        label=_label(programme),
    )
    programme.variation = variation_request(
        actor=actor,
        envelope=envelope,
        kind=VariationKind.CAPITAL_PROGRAMME,
        reason=f"Capital programme {programme.reference} approved by the "
        f"{programme.committee_minute}.",
        lines=lines,
    )
    programme.save(update_fields=["variation"])
    return programme


def programme_variation_concluded(variation, *, applied: bool) -> None:
    """Called when a variation concludes: settle its capital programme, if it has one."""
    programme = CapitalProgramme.objects.filter(variation=variation).first()
    if programme is None or programme.status != ProgrammeStatus.APPROVED:
        return
    chosen = list(programme.schemes.values_list("pk", flat=True))
    if applied:
        programme.status = ProgrammeStatus.APPLIED
        CapitalScheme.objects.filter(pk__in=chosen).update(status=SchemeStatus.APPROVED)
        CapitalScheme.objects.filter(envelope=programme.envelope, status=SchemeStatus.BID).update(
            status=SchemeStatus.NOT_FUNDED
        )
    else:
        programme.status = ProgrammeStatus.NOT_AGREED
        CapitalScheme.objects.filter(pk__in=chosen).update(status=SchemeStatus.BID)
    programme.save(update_fields=["status"])
    audit(
        None,
        "capital.programme_applied" if applied else "capital.programme_not_agreed",
        programme,
        organisation=programme.envelope.icb,
        changes={"status": {"before": ProgrammeStatus.APPROVED, "after": programme.status}},
        reason=f"Variation {variation.reference} {variation.get_status_display().lower()}.",
        label=f"{programme.reference} capital programme {programme.envelope.year_label}",
    )


def programme_register_facts(programme):
    """What the decision register says of a programme the committee decided."""
    from governance.subjects import RegisterFacts

    envelope = programme.envelope
    count = programme.schemes.count()
    return RegisterFacts(
        reference=programme.reference,
        title=f"{envelope.name} {envelope.year_label}: capital programme of {count} "
        f"scheme{'s' if count != 1 else ''}, {money.gbp(programme.total)}",
        value=programme.total,
    )
