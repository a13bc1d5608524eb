"""Sign-off deadlines: a number of working days from the day sign-off is requested.

Working days are Monday to Friday except the bank holidays of England and Wales (from
the maintained ``holidays`` package: New Year, Easter, the May and August holidays,
Christmas and Boxing Day, and the substitute days when one falls at a weekend). The
secretariat can still move a due date with
:func:`governance.signoffs.services.signoff_set_due`.
"""

from __future__ import annotations

import datetime
import functools

import holidays
from django.conf import settings

# England's bank holidays (England and Wales share them); ``holidays`` names "ENG"
COUNTRY, SUBDIVISION = "GB", "ENG"


@functools.lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """The bank holidays of England and Wales in ``year``, substitute days included."""
    return frozenset(holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (weekends and bank holidays of
    England and Wales skipped)."""
    day = start
    left = max(int(days), 0)
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def signoff_days_for(subject) -> int:
    """Working days the partners have to sign ``subject`` off: its subject type says
    (a proposal: its decision type's ``signoff_days``), else ``SIGNOFF_DEFAULT_DAYS``."""
    from governance import subjects

    days = None
    try:
        hook = subjects.for_model(subject).signoff_days
    except LookupError:
        hook = None
    if hook is not None and subject is not None:
        days = hook(subject)
    return int(days or getattr(settings, "SIGNOFF_DEFAULT_DAYS", 10))


def default_due_on(subject, requested_on: datetime.date) -> datetime.date:
    return add_working_days(requested_on, signoff_days_for(subject))
