"""The Scheme of Reservation and Delegation: the one place that answers, for a proposal,
who decides it and who must sign it off."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from decisions.models import (
    SORD_CHANGE_CODE,
    DecidedBy,
    DecisionType,
    SordBand,
    SordVersion,
)
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import signing_organisations


@dataclass(frozen=True)
class Routing:
    band: SordBand
    decided_by: str
    decider_label: str
    signoff_rule: str
    signing_organisations: list


def version_in_force(on: datetime.date | None = None) -> SordVersion:
    version = SordVersion.objects.in_force(on)
    if version is None:
        raise ValidationError(
            "No Scheme of Reservation and Delegation is in force: the board must approve one."
        )
    return version


def band_for(
    decision_type: DecisionType, value: Decimal, version: SordVersion | None = None
) -> SordBand:
    """The band (delegation) of the version in force covering ``value`` (min inclusive,
    max exclusive)."""
    version = version or version_in_force()
    bands = (
        SordBand.objects.filter(version=version, decision_type=decision_type)
        .select_related("committee", "officer_post", "version")
        .order_by("min_value")
    )
    for band in bands:
        if value >= band.min_value and (band.max_value is None or value < band.max_value):
            return band
    raise ValidationError(
        {
            "financial_value": f"No band of {decision_type.name} in SoRD v{version.number} "
            f"covers £{value:,.2f}: ask the secretariat to complete the scheme."
        }
    )


def route(proposal, on: datetime.date | None = None) -> Routing:
    """Who decides ``proposal`` and who signs it off, under the version in force."""
    band = band_for(proposal.decision_type, proposal.financial_value, version_in_force(on))
    if proposal.decision_type.code == SORD_CHANGE_CODE and band.decided_by != DecidedBy.BOARD:
        raise ValidationError("A change to the SoRD is reserved to the board.")
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
    ``min_value``, ``max_value`` (None for no limit), ``decided_by``, ``committee`` (a
    Committee: the board itself for the board), ``officer_post`` (an OfficerPost) and
    ``signoff_rule``. Raises ``ValidationError`` naming the problem.
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
        by, committee = band.get("decided_by"), band.get("committee")
        post = band.get("officer_post")
        if by == DecidedBy.COMMITTEE and committee is None:
            errors.append(f"Band {i}: choose the committee that decides.")
        if by == DecidedBy.BOARD and (committee is None or committee.kind != "board"):
            errors.append(f"Band {i}: choose the board (a committee of kind board).")
        if by == DecidedBy.OFFICER and post is None:
            errors.append(f"Band {i}: choose the officer post that decides.")
        if by == DecidedBy.OFFICER and committee is not None:
            errors.append(f"Band {i}: an officer band names a post, not a committee.")
        if by in (DecidedBy.BOARD, DecidedBy.COMMITTEE) and post is not None:
            errors.append(f"Band {i}: a committee band names a committee, not an officer post.")
        if committee is not None and not committee.is_active:
            errors.append(f"Band {i}: {committee.name} is no longer active.")
        if post is not None and not post.is_active:
            errors.append(f"Band {i}: the post {post.title} is no longer active.")
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
