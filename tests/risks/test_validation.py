"""Scores are 1–5 only: a clear error for anything else, and nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.audit.models import AuditEvent
from governance.references.models import ReferenceCounter
from governance.risks import services
from governance.risks.models import RATING_FIELDS, Assessment, Risk

pytestmark = pytest.mark.django_db


def state():
    return (
        Risk.objects.count(),
        Assessment.objects.count(),
        AuditEvent.objects.count(),
        list(ReferenceCounter.objects.values_list("prefix", "last")),
    )


@pytest.mark.parametrize("field", RATING_FIELDS)
@pytest.mark.parametrize("bad", [0, 6, "x"])
def test_create_refuses_ratings_outside_1_to_5(make_risk, field, bad):
    before = state()
    kind = "Likelihood" if field.endswith("likelihood") else "Consequence"
    scores = {"inherent": [4, 4], "current": [3, 3], "target": [2, 2]}
    which, part = field.split("_")
    scores[which][0 if part == "likelihood" else 1] = bad
    with pytest.raises(ValidationError) as exc:
        make_risk(**{k: tuple(v) for k, v in scores.items()})
    assert exc.value.message_dict == {field: [f"{kind} must be a whole number from 1 to 5."]}
    assert state() == before


def test_every_bad_field_is_named_at_once(make_risk):
    before = state()
    with pytest.raises(ValidationError) as exc:
        make_risk(current=(0, 6), target=("x", 2), title=" ", cause="")
    assert set(exc.value.message_dict) == {
        "current_likelihood",
        "current_consequence",
        "target_likelihood",
        "title",
        "cause",
    }
    assert exc.value.message_dict["title"] == ["Give the risk a title."]
    assert state() == before


def test_update_refuses_bad_ratings_and_writes_nothing(rics, registered_risk):
    risk = registered_risk()
    before = state()
    for bad in (0, 6, "x", None, 2.5):
        with pytest.raises(ValidationError) as exc:
            services.risk_update(actor=rics["owner"], risk=risk, current_likelihood=bad)
        assert exc.value.message_dict == {
            "current_likelihood": ["Likelihood must be a whole number from 1 to 5."]
        }
    assert state() == before
    assert Risk.objects.get(pk=risk.pk).current_likelihood == 3


def test_confidential_needs_a_reason(make_risk):
    with pytest.raises(ValidationError) as exc:
        make_risk(is_confidential=True)
    assert "exemption_reason" in exc.value.message_dict
    risk = make_risk(is_confidential=True, exemption_reason="Commercial interests (s43)")
    assert risk.is_confidential


def test_the_database_refuses_out_of_range_ratings_too(registered_risk):
    risk = registered_risk()
    for field in ("current_likelihood", "target_consequence"):
        for value in (0, 6):
            with pytest.raises(IntegrityError), transaction.atomic():
                Risk.objects.filter(pk=risk.pk).update(**{field: value})


def test_score_is_derived_never_stored(registered_risk):
    risk = registered_risk(current=(4, 5))
    assert risk.current_score == 20
    assert "current_score" not in {f.name for f in Risk._meta.get_fields()}
    with pytest.raises(AttributeError):
        risk.current_score = 3
