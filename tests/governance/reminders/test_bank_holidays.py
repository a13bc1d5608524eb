"""Sign-off due dates count working days: weekends and the bank holidays of England and
Wales (Christmas, Boxing Day, Easter, substitute days) are skipped."""

from __future__ import annotations

import datetime

import pytest

from governance.signoffs.deadlines import add_working_days, bank_holidays, is_working_day

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Christmas 2026: Fri 25 Dec, Sat 26 Dec (Boxing Day) observed Mon 28 Dec
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 21), 10, D(2027, 1, 7)),  # also skips New Year's Day (Fri 1 Jan)
        # Christmas 2027 at a weekend: substitute days Mon 27 and Tue 28 Dec
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2026, 3, 30), 10, D(2026, 4, 15)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March
        (D(2027, 3, 25), 1, D(2027, 3, 30)),
        (D(2027, 3, 22), 5, D(2027, 3, 31)),
        # the early May and spring bank holidays 2027
        (D(2027, 4, 30), 1, D(2027, 5, 4)),
        (D(2027, 5, 28), 1, D(2027, 6, 1)),
        # no holiday in the way: plain weekends
        (D(2026, 3, 6), 1, D(2026, 3, 9)),
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_the_holidays_of_england_and_wales_are_known():
    assert {
        D(2026, 12, 25),
        D(2026, 12, 28),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2027, 12, 27),
        D(2027, 12, 28),
    } <= set(bank_holidays(2026) | bank_holidays(2027))
    # Scotland's extra days are not England's: 2 January and St Andrew's Day
    assert D(2027, 1, 2) not in bank_holidays(2027)
    assert D(2026, 11, 30) not in bank_holidays(2026)
    assert is_working_day(D(2026, 11, 30))
    assert not is_working_day(D(2026, 12, 26))  # a Saturday and Boxing Day
    assert not is_working_day(D(2027, 3, 29))  # Easter Monday


def test_a_request_made_on_a_bank_holiday_counts_from_the_next_working_day():
    assert add_working_days(D(2026, 12, 25), 1) == D(2026, 12, 29)
    assert add_working_days(D(2026, 12, 25), 0) == D(2026, 12, 25)
