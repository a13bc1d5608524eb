"""The 5×5 risk matrix: the one place that states the scales, the bands and the default
escalation threshold, and that turns raw input into a valid rating.

A score is likelihood × consequence, each rated 1–5, so scores run 1–25 (only the 14
products of two ratings occur). It is always derived, never typed in.

Bands (the usual NHS colours)::

    1–3   low       green
    4–6   moderate  yellow
    8–12  high      amber
    15–25 extreme   red
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MIN_RATING, MAX_RATING = 1, 5
RATINGS = range(MIN_RATING, MAX_RATING + 1)

# A category with no appetite set escalates at this score or above.
DEFAULT_ESCALATION_SCORE = 15
# Escalations of this score or above go to the board, whatever the category.
BOARD_ESCALATION_SCORE = 20

LIKELIHOOD_LABELS = {
    1: "Rare",
    2: "Unlikely",
    3: "Possible",
    4: "Likely",
    5: "Almost certain",
}
CONSEQUENCE_LABELS = {
    1: "Negligible",
    2: "Minor",
    3: "Moderate",
    4: "Major",
    5: "Catastrophic",
}


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int  # lowest score in the band
    high: int  # highest score in the band
    colour: str  # fill colour (NHS palette)
    text_colour: str  # text on that fill, at WCAG AA contrast or better

    def contains(self, score: int) -> bool:
        return self.low <= score <= self.high


BANDS: tuple[Band, ...] = (
    Band("low", "Low", 1, 3, "#007f3b", "#ffffff"),
    Band("moderate", "Moderate", 4, 6, "#ffeb3b", "#212b32"),
    Band("high", "High", 8, 12, "#ed8b00", "#212b32"),
    Band("extreme", "Extreme", 15, 25, "#d5281b", "#ffffff"),
)


def band_for(score: int) -> Band:
    """The band of a score (scores between bands, e.g. 7, cannot occur: they fall in the
    band below)."""
    for band in reversed(BANDS):
        if score >= band.low:
            return band
    raise ValueError(f"No band for score {score!r}")


def score(likelihood: int, consequence: int) -> int:
    return likelihood * consequence


def rating_error(kind: str) -> str:
    return f"{kind} must be a whole number from {MIN_RATING} to {MAX_RATING}."


def clean_rating(value, kind: str = "Rating") -> int:
    """``value`` as a rating 1–5, or a ValidationError with a clear message.

    Accepts ints and strings of digits ("4", " 4 "); refuses 0, 6, 2.5, "x", booleans and
    empty values.
    """
    message = rating_error(kind)
    if isinstance(value, bool) or value is None:
        raise ValidationError(message)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValidationError(message)
    if not MIN_RATING <= number <= MAX_RATING:
        raise ValidationError(message)
    return number


def clean_ratings(values: dict[str, object]) -> dict[str, int]:
    """Clean several ratings at once: ``{"current_likelihood": "4", …}`` → ints, or one
    ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int] = {}
    for field, value in values.items():
        kind = "Likelihood" if field.endswith("likelihood") else "Consequence"
        try:
            cleaned[field] = clean_rating(value, kind)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def escalation_threshold(appetite_max_score: int | None) -> int:
    """The lowest current score that escalates: above the appetite, or the default."""
    if appetite_max_score is None:
        return DEFAULT_ESCALATION_SCORE
    return appetite_max_score + 1


def above_appetite(current_score: int, appetite_max_score: int | None) -> bool:
    return current_score >= escalation_threshold(appetite_max_score)


# --- review frequency -----------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months, clamped to the end of shorter months (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(f"Cannot add {months} months to {day}")  # pragma: no cover
