"""Sign-off deadlines: a number of working days from the day sign-off is requested.

Working days are Monday to Friday; bank holidays are not skipped (the secretariat moves
a due date that falls on one with :func:`governance.signoffs.services.signoff_set_due`).
"""

from __future__ import annotations

import datetime

from django.conf import settings


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (Monday to Friday)."""
    day = start
    left = max(int(days), 0)
    while left:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
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
