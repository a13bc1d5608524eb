"""The Scheme of Reservation and Delegation: the one place that answers, for a proposal,
who decides it and who must sign it off."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from decisions.models import DecidedBy, DecisionType, SordBand
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import signing_organisations


@dataclass(frozen=True)
class Routing:
    band: SordBand
    decided_by: str
    decider_label: str
    signoff_rule: str
    signing_organisations: list


def band_for(decision_type: DecisionType, value: Decimal) -> SordBand:
    """The band covering ``value`` (min inclusive, max exclusive)."""
    for band in decision_type.bands.order_by("min_value"):
        if value >= band.min_value and (band.max_value is None or value < band.max_value):
            return band
    raise ValidationError(
        {
            "financial_value": f"No SoRD band of {decision_type.name} covers £{value:,.2f}: "
            "ask the secretariat to complete the scheme."
        }
    )


def route(proposal) -> Routing:
    band = band_for(proposal.decision_type, proposal.financial_value)
    return Routing(
        band=band,
        decided_by=band.decided_by,
        decider_label=band.decider_label,
        signoff_rule=band.signoff_rule,
        signing_organisations=signing_organisations(
            band.signoff_rule,
            proposal.affected_organisations.order_by("name"),
            proposal.host_organisation,
        ),
    )


def validate_bands(bands: Sequence[dict]) -> None:
    """Check one decision type's bands as a whole: they must start at £0, run without
    gaps or overlaps, and end with one open-ended band. Each band is a dict with
    ``min_value``, ``max_value`` (None for no limit), ``decided_by``, ``committee_name``,
    ``officer_role`` and ``signoff_rule``. Raises ``ValidationError`` naming the problem.
    """
    errors: list[str] = []
    if not bands:
        raise ValidationError("A decision type needs at least one band.")
    ordered = sorted(bands, key=lambda b: Decimal(b["min_value"]))
    for i, band in enumerate(ordered, 1):
        lo = Decimal(band["min_value"])
        hi = None if band.get("max_value") in (None, "") else Decimal(band["max_value"])
        if lo < 0:
            errors.append(f"Band {i}: the minimum cannot be negative.")
        if hi is not None and hi <= lo:
            errors.append(f"Band {i}: the maximum £{hi:,.2f} must be above the minimum £{lo:,.2f}.")
        if band.get("decided_by") == DecidedBy.COMMITTEE and not band.get("committee_name"):
            errors.append(f"Band {i}: name the committee that decides.")
        if band.get("decided_by") == DecidedBy.OFFICER and not band.get("officer_role"):
            errors.append(f"Band {i}: name the officer role that decides.")
        if band.get("decided_by") not in DecidedBy.values:
            errors.append(f"Band {i}: choose who decides.")
        if band.get("signoff_rule") not in SignOffRule.values:
            errors.append(f"Band {i}: choose a sign-off rule.")
    if Decimal(ordered[0]["min_value"]) != 0:
        errors.append(
            f"The first band must start at £0, not £{Decimal(ordered[0]['min_value']):,.2f}."
        )
    for prev, nxt in _pairs(ordered):
        prev_hi = prev.get("max_value")
        lo = Decimal(nxt["min_value"])
        if prev_hi in (None, ""):
            errors.append(
                f"Bands overlap: the band from £{Decimal(prev['min_value']):,.2f} has no "
                f"limit but another starts at £{lo:,.2f}."
            )
            continue
        prev_hi = Decimal(prev_hi)
        if lo < prev_hi:
            errors.append(f"Bands overlap between £{lo:,.2f} and £{prev_hi:,.2f}.")
        elif lo > prev_hi:
            errors.append(f"Gap: no band covers £{prev_hi:,.2f} up to £{lo:,.2f}.")
    if ordered[-1].get("max_value") not in (None, ""):
        errors.append(
            f"Gap: no band covers £{Decimal(ordered[-1]['max_value']):,.2f} and above; "
            "the top band must have no maximum."
        )
    if errors:
        raise ValidationError(errors)


def _pairs(items: Iterable):
    return itertools.pairwise(items)
