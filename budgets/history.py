"""Decision histories of allocations, contribution changes, pooled funds and envelope
lines (found by ``governance.history`` autodiscovery). Each record is found with the
app's own permission-scoped selector."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from budgets import envelope_selectors, selectors
from budgets.models import (
    Allocation,
    ContributionChange,
    EnvelopeLine,
    EnvelopeVariation,
    MonthlyReturn,
    PooledFund,
    SystemEnvelope,
    VarianceAlert,
)
from governance.audit.sentences import pounds
from governance.history import registry
from governance.history.registry import Fact, HistoryProvider, Related


def _allocation_related(a: Allocation, user) -> Related:
    facts = [
        Fact("Fund", str(a.fund), reverse("history:detail", args=["fund", a.fund_id])),
        Fact("Scheme line", str(a.scheme_line)),
        Fact("Amount", pounds(a.amount)),
        Fact("Recipient", a.recipient.name),
        Fact("Asked for by", a.requesting_organisation.name),
    ]
    return Related(records=list(a.entries.all()), facts=facts)


def _change_related(c: ContributionChange, user) -> Related:
    fund = c.contribution.fund
    return Related(
        facts=[
            Fact("Fund", str(fund), reverse("history:detail", args=["fund", fund.pk])),
            Fact("Partner", c.contribution.organisation.name),
            Fact("Contribution", f"{pounds(c.amount_before)} → {pounds(c.new_amount)}"),
        ]
    )


def _fund_related(fund: PooledFund, user) -> Related:
    contributions = list(fund.contributions.all())
    changes = list(ContributionChange.objects.filter(contribution__fund=fund))
    return Related(
        records=[*contributions, *changes, *fund.lines.all()],
        facts=[
            Fact("Host", fund.host_organisation.name),
            Fact("Section 75 agreement", fund.agreement_reference or "—"),
        ],
    )


def _line_or_404(user, pk: int) -> EnvelopeLine:
    return get_object_or_404(
        EnvelopeLine.objects.select_related("envelope", "organisation").filter(
            envelope__in=envelope_selectors.envelopes_visible_to(user)
        ),
        pk=pk,
    )


def _line_related(line: EnvelopeLine, user) -> Related:
    returns = list(MonthlyReturn.objects.filter(line=line))
    alerts = list(
        VarianceAlert.objects.filter(
            envelope_id=line.envelope_id, organisation_id=line.organisation_id
        )
    )
    variations = list(
        EnvelopeVariation.objects.filter(
            envelope_id=line.envelope_id, changes__organisation_id=line.organisation_id
        ).distinct()
    )
    url = reverse("budgets:envelope", args=[line.envelope_id])
    return Related(
        records=[*returns, *alerts, *variations],
        facts=[
            Fact("Envelope", str(line.envelope), url),
            Fact("Partner", line.organisation.name),
            Fact("Planned income", pounds(line.planned_income)),
            Fact("Planned expenditure", pounds(line.planned_expenditure)),
            Fact("Capital allocation", pounds(line.capital_allocation)),
        ],
    )


def _line_events(line: EnvelopeLine) -> Q:
    """The envelope's own events (no partner named) and those about this partner's line."""
    envelope = Q(target_type=SystemEnvelope._meta.label_lower, target_id=str(line.envelope_id))
    return envelope & (
        ~Q(changes__has_key="organisation") | Q(changes__organisation=line.organisation_id)
    )


registry.register(
    HistoryProvider(
        slug="allocation",
        model=Allocation,
        noun="allocation",
        get=lambda user, pk: get_object_or_404(
            selectors.allocations_visible_to(user).select_related(
                "fund", "scheme_line", "recipient", "requesting_organisation"
            ),
            pk=pk,
        ),
        url=lambda a: reverse("budgets:allocation", args=[a.pk]),
        label=lambda a: f"{a.reference} {pounds(a.amount)} to {a.recipient.name}",
        related=_allocation_related,
    )
)
registry.register(
    HistoryProvider(
        slug="contribution-change",
        model=ContributionChange,
        noun="contribution change",
        get=lambda user, pk: get_object_or_404(
            selectors.contribution_changes_visible_to(user).select_related(
                "contribution__fund", "contribution__organisation"
            ),
            pk=pk,
        ),
        url=lambda c: reverse("budgets:change", args=[c.pk]),
        label=lambda c: f"{c.reference} {c.contribution.organisation.name}'s contribution",
        related=_change_related,
    )
)
registry.register(
    HistoryProvider(
        slug="fund",
        model=PooledFund,
        noun="pooled fund",
        get=lambda user, pk: get_object_or_404(
            selectors.funds_visible_to(user).select_related("host_organisation"), pk=pk
        ),
        url=lambda f: reverse("budgets:fund", args=[f.pk]),
        label=str,
        related=_fund_related,
    )
)
registry.register(
    HistoryProvider(
        slug="envelope-line",
        model=EnvelopeLine,
        noun="envelope line",
        get=_line_or_404,
        url=lambda line: reverse("budgets:envelope", args=[line.envelope_id]),
        label=lambda line: f"{line.organisation.name}'s line in {line.envelope}",
        related=_line_related,
        extra_events=_line_events,
    )
)
