"""Changing the Scheme of Reservation and Delegation: drafts, officer posts and their
holders, and taking a draft to the board. The ICB secretariat only; every change audited.

A draft becomes the scheme in force only through a proposal reserved to the board
(``sord_version_propose``); when the board approves that proposal, the version takes
effect from its stated date (``sord_change_decided``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from decisions.models import (
    SORD_CHANGE_CODE,
    DecidedBy,
    DecisionOutcome,
    DecisionType,
    OfficerPost,
    PostHolder,
    SordBand,
    SordVersion,
    SordVersionStatus,
)
from decisions.sord import validate_bands, version_in_force
from governance import permissions
from governance.audit.services import audit_record
from governance.meetings.models import Committee
from governance.organisations.models import Organisation

BAND_FIELDS = ("min_value", "max_value", "decided_by", "committee", "officer_post", "signoff_rule")


def _require_secretariat(actor) -> None:
    if not permissions.is_system_secretariat(actor):
        raise PermissionDenied("Only the ICB secretariat can change the SoRD.")


def _amount(value, field: str, i: int):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"Band {i}: {field} must be an amount in pounds.") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise ValidationError(f"Band {i}: {field} must be an amount in pounds.")
    return amount.quantize(Decimal("0.01"))


def _resolve(model, value):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    return model.objects.filter(pk=value).first()


def _normalise(bands: Sequence[dict]) -> list[dict]:
    out = []
    for i, band in enumerate(bands, 1):
        by = band.get("decided_by") or ""
        out.append(
            {
                "min_value": _amount(band.get("min_value"), "the minimum", i) or Decimal("0.00"),
                "max_value": _amount(band.get("max_value"), "the maximum", i),
                "decided_by": by,
                "committee": _resolve(Committee, band.get("committee"))
                if by != DecidedBy.OFFICER
                else None,
                "officer_post": _resolve(OfficerPost, band.get("officer_post"))
                if by == DecidedBy.OFFICER
                else None,
                "signoff_rule": band.get("signoff_rule") or "",
            }
        )
    return out


def plain(band) -> dict:
    """A band as plain data (for the audit trail)."""
    get = band.get if isinstance(band, dict) else lambda k: getattr(band, k)
    return {
        "min_value": str(get("min_value")),
        "max_value": None if get("max_value") is None else str(get("max_value")),
        "decided_by": get("decided_by"),
        "committee": get("committee").pk if get("committee") else None,
        "officer_post": get("officer_post").pk if get("officer_post") else None,
        "signoff_rule": get("signoff_rule"),
    }


def _validate_type(decision_type: DecisionType, bands: list[dict]) -> None:
    validate_bands(bands)
    if decision_type.code == SORD_CHANGE_CODE and any(
        b["decided_by"] != DecidedBy.BOARD for b in bands
    ):
        raise ValidationError("A change to the SoRD is reserved to the board in every band.")


# --- decision types, posts and holders ------------------------------------------------


@transaction.atomic
def decision_type_create(*, actor, code: str, name: str, description: str = "") -> DecisionType:
    _require_secretariat(actor)
    dt = DecisionType(code=(code or "").strip(), name=(name or "").strip(), description=description)
    dt.full_clean()
    dt.save()
    audit_record(
        actor=actor,
        verb="sord.decision_type_created",
        target=dt,
        changes={"code": dt.code, "name": dt.name},
    )
    return dt


@transaction.atomic
def officer_post_create(*, actor, organisation: Organisation, title: str) -> OfficerPost:
    """A post the SoRD may delegate decisions to, e.g. "Chief Finance Officer"."""
    _require_secretariat(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Name the post, e.g. Chief Finance Officer."})
    if OfficerPost.objects.filter(organisation=organisation, title__iexact=title).exists():
        raise ValidationError({"title": f"{organisation.name} already has a post named {title}."})
    post = OfficerPost.objects.create(organisation=organisation, title=title)
    audit_record(
        actor=actor,
        verb="sord.post_created",
        target=post,
        organisation=organisation,
        changes={"title": title},
    )
    return post


@transaction.atomic
def post_holder_appoint(
    *,
    actor,
    post: OfficerPost,
    user,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> PostHolder:
    """Name a person holding an officer post from a date (and, optionally, to a date)."""
    _require_secretariat(actor)
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "The last day in post cannot be before the first."})
    if not user.memberships.active(valid_from).filter(organisation=post.organisation).exists():
        raise ValidationError(
            {"user": f"The post holder must be a member of {post.organisation.name}."}
        )
    holding = PostHolder.objects.create(
        post=post, user=user, valid_from=valid_from, valid_to=valid_to, appointed_by=actor
    )
    audit_record(
        actor=actor,
        verb="sord.post_holder_appointed",
        target=post,
        organisation=post.organisation,
        changes={
            "user": user.pk,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
    )
    return holding


@transaction.atomic
def post_holder_end(
    *, actor, holding: PostHolder, last_day: datetime.date, reason: str = ""
) -> PostHolder:
    _require_secretariat(actor)
    holding = PostHolder.objects.select_for_update().get(pk=holding.pk)
    if last_day < holding.valid_from:
        raise ValidationError({"last_day": "The last day in post cannot be before the first."})
    before = holding.valid_to
    holding.valid_to = last_day
    holding.save(update_fields=["valid_to"])
    audit_record(
        actor=actor,
        verb="sord.post_holder_ended",
        target=holding.post,
        organisation=holding.post.organisation,
        changes={
            "user": holding.user_id,
            "valid_to": {
                "before": before.isoformat() if before else None,
                "after": last_day.isoformat(),
            },
        },
        reason=reason,
    )
    return holding


# --- versions ------------------------------------------------------------------------------


def _next_number() -> int:
    return (SordVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def _copy_bands(source: SordVersion | None, target: SordVersion) -> int:
    if source is None:
        return 0
    bands = [
        SordBand(version=target, **{f: getattr(b, f) for f in ("decision_type", *BAND_FIELDS)})
        for b in source.bands.all()
    ]
    SordBand.objects.bulk_create(bands)
    return len(bands)


@transaction.atomic
def sord_version_draft(*, actor, summary: str = "") -> SordVersion:
    """Start a new draft: a copy of the version in force (or an empty scheme)."""
    _require_secretariat(actor)
    open_draft = SordVersion.objects.filter(
        status__in=[SordVersionStatus.DRAFT, SordVersionStatus.PROPOSED]
    ).first()
    if open_draft is not None:
        raise ValidationError(
            f"{open_draft} is already {open_draft.get_status_display().lower()}: finish or "
            "withdraw it first."
        )
    current = SordVersion.objects.in_force()
    draft = SordVersion.objects.create(
        number=_next_number(),
        summary=(summary or "").strip(),
        based_on=current,
        created_by=actor,
    )
    copied = _copy_bands(current, draft)
    audit_record(
        actor=actor,
        verb="sord.version_drafted",
        target=draft,
        changes={"based_on": current.number if current else None, "bands_copied": copied},
    )
    return draft


def _lock_draft(version: SordVersion) -> SordVersion:
    draft = SordVersion.objects.select_for_update().get(pk=version.pk)
    if not draft.is_editable:
        raise ValidationError(
            f"{draft} is {draft.get_status_display().lower()}; only a draft can be changed."
        )
    return draft


@transaction.atomic
def sord_draft_update(
    *, actor, version: SordVersion, summary: str, effective_from: datetime.date | None
) -> SordVersion:
    _require_secretariat(actor)
    draft = _lock_draft(version)
    before = {"summary": draft.summary, "effective_from": draft.effective_from}
    if effective_from is not None and effective_from < timezone.localdate():
        raise ValidationError({"effective_from": "The date it takes effect cannot be past."})
    draft.summary = (summary or "").strip()
    draft.effective_from = effective_from
    draft.save(update_fields=["summary", "effective_from"])
    audit_record(
        actor=actor,
        verb="sord.version_updated",
        target=draft,
        changes={
            "summary": {"before": before["summary"], "after": draft.summary},
            "effective_from": {
                "before": before["effective_from"].isoformat()
                if before["effective_from"]
                else None,
                "after": effective_from.isoformat() if effective_from else None,
            },
        },
    )
    return draft


@transaction.atomic
def sord_draft_bands_replace(
    *,
    actor,
    version: SordVersion,
    decision_type: DecisionType,
    bands: Sequence[dict],
    reason: str = "",
) -> list[SordBand]:
    """Replace all bands of one decision type in a draft; the set must be complete."""
    _require_secretariat(actor)
    draft = _lock_draft(version)
    new = _normalise(bands)
    _validate_type(decision_type, new)
    old = SordBand.objects.filter(version=draft, decision_type=decision_type)
    before = [plain(b) for b in old.order_by("min_value")]
    old.delete()
    created = [
        SordBand.objects.create(version=draft, decision_type=decision_type, **b)
        for b in sorted(new, key=lambda b: b["min_value"])
    ]
    audit_record(
        actor=actor,
        verb="sord.bands_replaced",
        target=draft,
        changes={
            "decision_type": decision_type.code,
            "bands": {"before": before, "after": [plain(b) for b in created]},
        },
        reason=reason,
    )
    return created


@transaction.atomic
def sord_draft_type_remove(*, actor, version: SordVersion, decision_type: DecisionType) -> int:
    """Take a decision type out of a draft (its decisions then cannot be routed)."""
    _require_secretariat(actor)
    draft = _lock_draft(version)
    if decision_type.code == SORD_CHANGE_CODE:
        raise ValidationError("The scheme must always say that SoRD changes go to the board.")
    old = SordBand.objects.filter(version=draft, decision_type=decision_type)
    before = [plain(b) for b in old.order_by("min_value")]
    count, _ = old.delete()
    audit_record(
        actor=actor,
        verb="sord.type_removed",
        target=draft,
        changes={"decision_type": decision_type.code, "bands": {"before": before, "after": []}},
    )
    return count


def _check_complete(draft: SordVersion) -> None:
    types = DecisionType.objects.filter(bands__version=draft).distinct()
    if not types.filter(code=SORD_CHANGE_CODE).exists():
        raise ValidationError(
            "The draft must reserve changes to the SoRD to the board "
            f"(decision type {SORD_CHANGE_CODE!r})."
        )
    for dt in types:
        _validate_type(dt, [plain_obj(b) for b in draft.bands.filter(decision_type=dt)])


def plain_obj(band: SordBand) -> dict:
    return {f: getattr(band, f) for f in BAND_FIELDS}


@transaction.atomic
def sord_version_propose(*, actor, version: SordVersion):
    """Take a draft to the board: a proposal of the SoRD-change type (reserved to the
    board), submitted for the secretariat's review like any other."""
    from decisions.services.proposals import permissions_org, proposal_create, proposal_submit

    _require_secretariat(actor)
    draft = _lock_draft(version)
    if draft.effective_from is None:
        raise ValidationError({"effective_from": "State the date the new version takes effect."})
    if not draft.summary:
        raise ValidationError({"summary": "Summarise what the new version changes, and why."})
    _check_complete(draft)
    change_type = DecisionType.objects.filter(code=SORD_CHANGE_CODE).first()
    organisation = permissions_org(actor)
    if organisation is None:
        raise PermissionDenied("Only the ICB secretariat can take the SoRD to the board.")
    proposal = proposal_create(
        actor=actor,
        proposing_organisation=organisation,
        host_organisation=organisation,
        title=f"Scheme of Reservation and Delegation, version {draft.number}",
        summary=draft.summary,
        rationale=f"To take effect from {draft.effective_from:%-d %B %Y}.",
        financial_value="0",
        decision_type=change_type,
    )
    draft.status = SordVersionStatus.PROPOSED
    draft.proposal = proposal
    draft.save(update_fields=["status", "proposal"])
    audit_record(
        actor=actor,
        verb="sord.version_proposed",
        target=draft,
        changes={
            "status": {"before": SordVersionStatus.DRAFT, "after": draft.status},
            "proposal": proposal.reference,
            "effective_from": draft.effective_from.isoformat(),
        },
    )
    return proposal_submit(actor=actor, proposal=proposal)


def sord_change_decided(*, actor, proposal, outcome: str, decided_on: datetime.date) -> None:
    """Called when the board decides a SoRD-change proposal: the version is approved and
    takes effect from its stated date (or the decision date, if that is later), or it is
    marked not approved. Runs inside the decision's transaction."""
    version = SordVersion.objects.select_for_update().filter(proposal=proposal).first()
    if version is None:
        return
    before = version.status
    if outcome == DecisionOutcome.APPROVED:
        version.status = SordVersionStatus.APPROVED
        version.approved_on = decided_on
        version.effective_from = max(version.effective_from or decided_on, decided_on)
    else:
        version.status = SordVersionStatus.REJECTED
    version.save(update_fields=["status", "approved_on", "effective_from"])
    audit_record(
        actor=actor,
        verb=f"sord.version_{version.status}",
        target=version,
        changes={
            "status": {"before": before, "after": version.status},
            "effective_from": version.effective_from.isoformat()
            if version.effective_from
            else None,
            "proposal": proposal.reference,
        },
    )


def sord_change_withdrawn(*, actor, proposal) -> None:
    """The SoRD-change proposal was withdrawn: its version is a draft again."""
    version = SordVersion.objects.select_for_update().filter(proposal=proposal).first()
    if version is None or version.status != SordVersionStatus.PROPOSED:
        return
    version.status = SordVersionStatus.DRAFT
    version.proposal = None
    version.save(update_fields=["status", "proposal"])
    audit_record(
        actor=actor,
        verb="sord.version_withdrawn",
        target=version,
        changes={"status": {"before": SordVersionStatus.PROPOSED, "after": version.status}},
    )


@transaction.atomic
def sord_initial_adopt(
    *, actor, version: SordVersion, approved_on: datetime.date, board_minute: str
) -> SordVersion:
    """Record the scheme the board adopted before this system was in use (for example at
    the ICB's establishment). Only when no version has ever been approved: every later
    change goes to the board through ``sord_version_propose``."""
    _require_secretariat(actor)
    if SordVersion.objects.filter(status=SordVersionStatus.APPROVED).exists():
        raise ValidationError("A SoRD is already in force: changes go to the board as a proposal.")
    board_minute = (board_minute or "").strip()
    if not board_minute:
        raise ValidationError({"board_minute": "Cite the board minute that adopted the scheme."})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "The adoption date cannot be in the future."})
    draft = _lock_draft(version)
    _check_complete(draft)
    draft.status = SordVersionStatus.APPROVED
    draft.approved_on = approved_on
    draft.effective_from = draft.effective_from or approved_on
    draft.save(update_fields=["status", "approved_on", "effective_from"])
    audit_record(
        actor=actor,
        verb="sord.version_adopted",
        target=draft,
        changes={
            "status": {"before": SordVersionStatus.DRAFT, "after": draft.status},
            "approved_on": approved_on.isoformat(),
            "effective_from": draft.effective_from.isoformat(),
        },
        reason=board_minute,
    )
    return draft


def current_version() -> SordVersion:
    return version_in_force()
