"""Read paths for risks. The visibility rule lives here, and every list, count, heat map
and report is built on ``risks_visible_to``.

A risk is visible to:
- every member (any role) of its owning organisation and of the partners sharing it;
- the ICB secretariat, auditors and superusers (all risks).
Nobody else: for them it does not exist (404, absent from lists and heat map counts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from governance import permissions
from governance.organisations.models import Organisation, Role
from governance.risks import scoring
from governance.risks.models import (
    LIVE_STATUSES,
    Escalation,
    EscalationStatus,
    ReviewTask,
    ReviewTaskStatus,
    Risk,
    RiskCategory,
    RiskStatus,
)
from governance.signoffs.models import SignOff

SCORE = F("current_likelihood") * F("current_consequence")
_Partner = Risk.partners.through


def risks_visible_to(user) -> QuerySet[Risk]:
    qs = Risk.objects.select_related(
        "category__appetite", "owning_organisation", "owner", "strategic_objective"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    org_ids = permissions.organisation_ids(user)
    if not org_ids:
        return qs.none()
    shared = _Partner.objects.filter(organisation_id__in=org_ids).values("risk_id")
    return qs.filter(Q(owning_organisation_id__in=org_ids) | Q(pk__in=shared))


def can_view(user, risk: Risk) -> bool:
    return risks_visible_to(user).filter(pk=risk.pk).exists()


def with_score(qs: QuerySet[Risk]) -> QuerySet[Risk]:
    """Annotate ``score`` (current likelihood × consequence) for filtering and sorting."""
    return qs.annotate(score=SCORE)


# --- the register's filters (web list, heat map, API and report share them) -------------


@dataclass
class RegisterFilter:
    """Filters of the register. ``status`` None means the live register (open, treated
    and tolerated risks): what the heat map counts."""

    organisation: Organisation | None = None
    category: RiskCategory | None = None
    status: str | None = None
    likelihood: int | None = None
    consequence: int | None = None
    score: int | None = None
    min_score: int | None = None
    max_score: int | None = None
    objective: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    STATUS_ALL = "all"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> RegisterFilter:
        """Parse query parameters; bad values collect in ``errors`` (see ``check``)."""
        f = cls()

        def text(name: str) -> str:
            return (params.get(name) or "").strip()

        def number(name: str, low: int, high: int, label: str) -> int | None:
            raw = text(name)
            if not raw:
                return None
            if not raw.isdigit() or not low <= int(raw) <= high:
                f.errors.setdefault(name, []).append(
                    f"{label} must be a whole number from {low} to {high}."
                )
                return None
            return int(raw)

        org = text("organisation")
        if org:
            f.organisation = (
                Organisation.objects.filter(pk=int(org)).first()
                if org.isdigit()
                else Organisation.objects.filter(identifier__iexact=org).first()
            )
            if f.organisation is None:
                f.errors.setdefault("organisation", []).append(
                    "No organisation has that id or code."
                )
        cat = text("category")
        if cat:
            f.category = (
                RiskCategory.objects.filter(pk=int(cat)).first()
                if cat.isdigit()
                else RiskCategory.objects.filter(code=cat).first()
            )
            if f.category is None:
                f.errors.setdefault("category", []).append("No risk category has that id or code.")
        status = text("status")
        if status:
            if status not in (*RiskStatus.values, cls.STATUS_ALL):
                f.errors.setdefault("status", []).append(
                    f"Unknown status; one of {', '.join((*RiskStatus.values, cls.STATUS_ALL))}."
                )
            else:
                f.status = status
        f.likelihood = number("likelihood", 1, 5, "Likelihood")
        f.consequence = number("consequence", 1, 5, "Consequence")
        f.score = number("score", 1, 25, "Score")
        f.min_score = number("min_score", 1, 25, "The minimum score")
        f.max_score = number("max_score", 1, 25, "The maximum score")
        if f.min_score and f.max_score and f.min_score > f.max_score:
            f.errors.setdefault("max_score", []).append(
                "The maximum score cannot be below the minimum."
            )
        f.objective = number("objective", 1, 2**31 - 1, "The objective")
        return f

    def check(self) -> RegisterFilter:
        if self.errors:
            raise ValidationError(self.errors)
        return self

    def apply(self, qs: QuerySet[Risk], *, cell: bool = True) -> QuerySet[Risk]:
        """Narrow ``qs`` by every filter; ``cell=False`` ignores likelihood/consequence
        (the heat map shows every cell of the filtered register)."""
        if self.status is None:
            qs = qs.filter(status__in=LIVE_STATUSES)
        elif self.status != self.STATUS_ALL:
            qs = qs.filter(status=self.status)
        if self.organisation is not None:
            shared = _Partner.objects.filter(organisation=self.organisation).values("risk_id")
            qs = qs.filter(Q(owning_organisation=self.organisation) | Q(pk__in=shared))
        if self.category is not None:
            qs = qs.filter(category=self.category)
        if self.objective is not None:
            qs = qs.filter(strategic_objective_id=self.objective)
        if cell and self.likelihood is not None:
            qs = qs.filter(current_likelihood=self.likelihood)
        if cell and self.consequence is not None:
            qs = qs.filter(current_consequence=self.consequence)
        if self.score is not None or self.min_score is not None or self.max_score is not None:
            qs = with_score(qs)
            if self.score is not None:
                qs = qs.filter(score=self.score)
            if self.min_score is not None:
                qs = qs.filter(score__gte=self.min_score)
            if self.max_score is not None:
                qs = qs.filter(score__lte=self.max_score)
        return qs

    def query_string(self, **overrides) -> str:
        """The filters as a query string (for links that keep them)."""
        from urllib.parse import urlencode

        values = {
            "organisation": self.organisation.pk if self.organisation else None,
            "category": self.category.code if self.category else None,
            "status": self.status,
            "likelihood": self.likelihood,
            "consequence": self.consequence,
            "score": self.score,
            "min_score": self.min_score,
            "max_score": self.max_score,
            "objective": self.objective,
            **overrides,
        }
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def register(user, filters: RegisterFilter | None = None) -> QuerySet[Risk]:
    """The register the user may see, filtered, highest current score first."""
    filters = filters or RegisterFilter()
    return with_score(filters.apply(risks_visible_to(user))).order_by("-score", "reference")


def heat_map_counts(user, filters: RegisterFilter | None = None) -> dict[tuple[int, int], int]:
    """``{(likelihood, consequence): count}`` of the filtered register, in one query."""
    filters = filters or RegisterFilter()
    rows = (
        filters.apply(risks_visible_to(user), cell=False)
        .order_by()
        .values_list("current_likelihood", "current_consequence")
        .annotate(n=Count("pk"))
    )
    counts = {(lk, cq): 0 for lk in scoring.RATINGS for cq in scoring.RATINGS}
    for likelihood, consequence, n in rows:
        counts[(likelihood, consequence)] = n
    return counts


# --- escalations, reviews, sign-offs ---------------------------------------------------------


def escalations_visible_to(user) -> QuerySet[Escalation]:
    visible = risks_visible_to(user)
    return (
        Escalation.objects.filter(risk__in=visible.values("pk"))
        .select_related("risk__owning_organisation", "risk__category", "raised_by")
        .order_by("-raised_at", "-pk")
    )


def open_escalations(user) -> QuerySet[Escalation]:
    return escalations_visible_to(user).filter(status=EscalationStatus.OPEN)


def awaiting_board() -> QuerySet[Risk]:
    """Risks with an escalation waiting for a board/committee response (to be tabled)."""
    return Risk.objects.filter(
        Exists(Escalation.objects.filter(risk=OuterRef("pk"), status=EscalationStatus.OPEN))
    )


def open_reviews_for(user) -> QuerySet[ReviewTask]:
    """Due reviews the user should carry out: their own risks', their organisations'
    as secretariat, all of them for the ICB secretariat."""
    qs = ReviewTask.objects.filter(status=ReviewTaskStatus.OPEN).select_related(
        "risk__owning_organisation", "assignee"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.is_system_secretariat(user):
        return qs
    sec_orgs = permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
    return qs.filter(Q(risk__owner=user) | Q(risk__owning_organisation_id__in=sec_orgs))


def signoffs_of(risk: Risk) -> QuerySet[SignOff]:
    return (
        SignOff.objects.filter(
            subject_type=ContentType.objects.get_for_model(Risk), subject_id=risk.pk
        )
        .select_related("organisation", "signatory")
        .order_by("-round", "organisation__name")
    )


def open_signoffs_of(user, risk: Risk) -> QuerySet[SignOff]:
    """The risk's pending sign-offs the user may decide (as a signatory)."""
    from governance.signoffs.selectors import open_signoffs_for

    return open_signoffs_for(user).filter(
        subject_type=ContentType.objects.get_for_model(Risk), subject_id=risk.pk
    )
