"""The decision history of a risk: its assessments, reviews, escalations, sign-offs and
the meetings that considered it (found by ``governance.history`` autodiscovery)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from governance.history import registry
from governance.history.registry import Fact, HistoryProvider, Related
from governance.risks import selectors
from governance.risks.models import Risk


def _risk_related(risk: Risk, user) -> Related:
    records = [
        *risk.assessments.all(),
        *risk.review_tasks.all(),
        *risk.escalations.all(),
    ]
    facts = [
        Fact("Category", str(risk.category)),
        Fact(
            "Owner",
            f"{risk.owner.get_full_name() or risk.owner.get_username()}, "
            f"{risk.owning_organisation.name}",
        ),
    ]
    return Related(records=records, facts=facts)


registry.register(
    HistoryProvider(
        slug="risk",
        model=Risk,
        noun="risk",
        get=lambda user, pk: get_object_or_404(
            selectors.risks_visible_to(user).select_related(
                "category", "owner", "owning_organisation"
            ),
            pk=pk,
        ),
        url=lambda r: reverse("risks:detail", args=[r.pk]),
        label=str,
        related=_risk_related,
    )
)
