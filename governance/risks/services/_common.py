"""Helpers shared by the risk services."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from governance import validators
from governance.audit.services import audit_record, snapshot
from governance.risks.models import RATING_FIELDS, Risk

AUDIT_FIELDS = (
    "title",
    "cause",
    "event",
    "effect",
    "category",
    "owning_organisation",
    "owner",
    "strategic_objective",
    *RATING_FIELDS,
    "controls",
    "assurances",
    "gaps_in_control",
    "gaps_in_assurance",
    "actions",
    "review_frequency",
    "next_review_date",
    "status",
    "pending_change",
    "is_confidential",
    "exemption_reason",
)


def flow():
    from governance.risks.flows import RiskSignOffFlow

    return RiskSignOffFlow


def lock(risk: Risk) -> Risk:
    """The risk re-read under a row lock (serialises changes to one risk)."""
    return Risk.objects.select_for_update().select_related("category").get(pk=risk.pk)


def risk_snapshot(risk: Risk) -> dict:
    data = snapshot(risk, AUDIT_FIELDS)
    data["current_score"] = risk.current_score
    if risk.pk:
        data["partners"] = sorted(risk.partners.values_list("pk", flat=True))
    return data


def audit(actor, verb: str, risk: Risk, changes=None, reason: str = ""):
    return audit_record(
        actor=actor,
        verb=verb,
        target=risk,
        changes=changes or {},
        reason=reason,
        organisation=risk.owning_organisation,
        target_label=f"{risk.reference} {risk.title}",
    )


class Errors:
    """Collects field errors and raises them together."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def merge(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            for m in messages:
                self.add(field, m)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_text(value, field: str, errors: Errors, *, required: str = "", max_length=None) -> str:
    """Stripped text; ``required`` is the message if it is empty."""
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        errors.add(field, required)
    if max_length and len(text) > max_length:
        errors.add(field, f"At most {max_length} characters (this has {len(text)}).")
    elif not max_length and len(text) > validators.LONG_TEXT_MAX:
        limit = validators.LONG_TEXT_MAX
        errors.add(field, f"At most {limit:,} characters (this has {len(text):,}).")
    one_line = bool(max_length) and max_length <= validators.TITLE_MAX
    bad = validators.bad_character(text, multiline=not one_line)
    if bad:
        errors.add(field, f"Remove {bad}: it cannot be shown safely.")
    return text
