"""Read paths for the system envelope, scoped to the user (see ``envelope_policy``).

An envelope the user is not party to does not exist for them: pages and the API
answer 404. The position is derived here with a fixed number of queries whatever the
number of partners (pinned by a query-count test).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from budgets import envelope_position
from budgets.models import (
    AlertStatus,
    CapitalScheme,
    EnvelopeLine,
    EnvelopeMonth,
    EnvelopeVariation,
    MonthlyReturn,
    MonthlyReturnStatus,
    SystemEnvelope,
    VarianceAlert,
)
from governance import permissions


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def envelopes_visible_to(user) -> QuerySet[SystemEnvelope]:
    qs = SystemEnvelope.objects.select_related("icb", "finance_lead")
    if not _signed_in(user):
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    org_ids = permissions.organisation_ids(user)
    return qs.filter(
        Q(icb_id__in=org_ids)
        | Q(pk__in=EnvelopeLine.objects.filter(organisation_id__in=org_ids).values("envelope_id"))
    )


def lines_of(envelope) -> QuerySet[EnvelopeLine]:
    return EnvelopeLine.objects.filter(envelope=envelope).select_related("organisation")


def returns_visible_to(user) -> QuerySet[MonthlyReturn]:
    return MonthlyReturn.objects.filter(
        month__envelope__in=envelopes_visible_to(user).values("pk")
    ).select_related("month__envelope", "line__organisation", "submitted_by")


def returns_due_for(user) -> QuerySet[MonthlyReturn]:
    """The user's own to-do: due returns of the partners they are finance lead for."""
    from budgets.envelope_policy import finance_lead_organisations

    return (
        MonthlyReturn.objects.filter(
            status=MonthlyReturnStatus.DUE,
            line__organisation_id__in=finance_lead_organisations(user),
        )
        .select_related("month__envelope", "line__organisation")
        .order_by("month__due_date")
    )


def variations_of(envelope) -> QuerySet[EnvelopeVariation]:
    return (
        EnvelopeVariation.objects.filter(envelope=envelope)
        .select_related("requested_by")
        .prefetch_related("changes__organisation")
    )


def schemes_visible_to(user) -> QuerySet[CapitalScheme]:
    return (
        CapitalScheme.objects.filter(envelope__in=envelopes_visible_to(user).values("pk"))
        .select_related("envelope", "organisation", "submitted_by")
        .prefetch_related("costs")
    )


def alerts_of(envelope) -> QuerySet[VarianceAlert]:
    return VarianceAlert.objects.filter(envelope=envelope).select_related("organisation", "risk")


def open_alerts_awaiting_committee() -> QuerySet[VarianceAlert]:
    """Open variance alerts the finance committee has not yet received (to be tabled)."""
    return VarianceAlert.objects.filter(
        status=AlertStatus.OPEN, received_by_committee_at__isnull=True
    ).select_related("envelope", "organisation")


def months_awaiting_committee() -> QuerySet[EnvelopeMonth]:
    """Months whose report the committee has not received, once every return is in."""
    return (
        EnvelopeMonth.objects.filter(received_by_committee_at__isnull=True)
        .exclude(returns__status=MonthlyReturnStatus.DUE)
        .filter(returns__isnull=False)
        .distinct()
        .select_related("envelope")
    )


def latest_month_with_returns(envelope) -> int:
    """The latest month for which at least one partner has submitted (0: none yet)."""
    month = (
        MonthlyReturn.objects.filter(month__envelope=envelope, status=MonthlyReturnStatus.SUBMITTED)
        .order_by("-month__month")
        .values_list("month__month", flat=True)
        .first()
    )
    return month or 0


def position(envelope, month: int | None = None) -> envelope_position.Position:
    """The system position at ``month`` (default: the latest month with a return).
    Three queries: the latest month, the lines, the month's returns."""
    if month is None:
        month = latest_month_with_returns(envelope)
    lines = list(lines_of(envelope))
    returns = {}
    if month:
        returns = {
            r.line.organisation_id: r
            for r in MonthlyReturn.objects.filter(
                month__envelope=envelope,
                month__month=month,
                status=MonthlyReturnStatus.SUBMITTED,
            ).select_related("line")
        }
    return envelope_position.build(lines, month, returns)


def trajectory(envelope) -> list[envelope_position.Position]:
    """The position at every month with returns, M1 onwards (two queries in all)."""
    lines = list(lines_of(envelope))
    by_month: dict[int, dict] = {}
    for r in MonthlyReturn.objects.filter(
        month__envelope=envelope, status=MonthlyReturnStatus.SUBMITTED
    ).select_related("line", "month"):
        by_month.setdefault(r.month.month, {})[r.line.organisation_id] = r
    if not by_month:
        return []
    return [
        envelope_position.build(lines, m, by_month.get(m, {})) for m in range(1, max(by_month) + 1)
    ]


def programmes_awaiting_committee():
    """Capital programmes proposed to the finance committee, not yet decided."""
    from budgets.models import CapitalProgramme, ProgrammeStatus

    return CapitalProgramme.objects.filter(status=ProgrammeStatus.PROPOSED).select_related(
        "envelope"
    )
