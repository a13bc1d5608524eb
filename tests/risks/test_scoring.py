"""The matrix: bands stated once, ratings validated with a clear message."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.risks import scoring


def test_every_possible_score_falls_in_exactly_one_band():
    products = {lk * cq for lk in scoring.RATINGS for cq in scoring.RATINGS}
    for score in products:
        assert sum(band.contains(score) for band in scoring.BANDS) == 1, score
        assert scoring.band_for(score).contains(score)
    assert [(b.key, b.low, b.high) for b in scoring.BANDS] == [
        ("low", 1, 3),
        ("moderate", 4, 6),
        ("high", 8, 12),
        ("extreme", 15, 25),
    ]
    assert scoring.band_for(16).colour == "#d5281b"


@pytest.mark.parametrize("value, expected", [(1, 1), (5, 5), ("3", 3), (" 4 ", 4), (2.0, 2)])
def test_ratings_accepted(value, expected):
    assert scoring.clean_rating(value, "Likelihood") == expected


@pytest.mark.parametrize("value", [0, 6, -1, "x", "", None, True, 2.5, "3.5", "6", [3]])
def test_ratings_refused_with_a_clear_message(value):
    with pytest.raises(ValidationError) as exc:
        scoring.clean_rating(value, "Consequence")
    assert exc.value.messages == ["Consequence must be a whole number from 1 to 5."]


def test_clean_ratings_names_every_bad_field():
    with pytest.raises(ValidationError) as exc:
        scoring.clean_ratings(
            {"current_likelihood": 0, "current_consequence": "x", "a_likelihood": 3}
        )
    assert set(exc.value.message_dict) == {"current_likelihood", "current_consequence"}


def test_escalation_threshold_and_default():
    assert scoring.escalation_threshold(12) == 13
    assert scoring.escalation_threshold(None) == scoring.DEFAULT_ESCALATION_SCORE == 15
    assert scoring.above_appetite(16, 12) and not scoring.above_appetite(12, 12)
    assert scoring.above_appetite(15, None) and not scoring.above_appetite(12, None)


def test_add_months_clamps_to_month_end():
    assert scoring.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert scoring.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert scoring.add_months(datetime.date(2027, 11, 30), 3) == datetime.date(2028, 2, 29)
    assert scoring.add_months(datetime.date(2026, 5, 15), 12) == datetime.date(2027, 5, 15)
