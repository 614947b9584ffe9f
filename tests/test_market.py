"""Auto-refresh runs only in regular US trading hours, on the NYSE's trading days."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from aiwatch import market
from aiwatch.market import NEW_YORK, market_open


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(("when", "is_open"), [
    (datetime(2026, 11, 25, 15, 0, tzinfo=UTC), True),    # Wed 10:00 New York
    (datetime(2026, 11, 25, 14, 29, tzinfo=UTC), False),  # Wed 09:29
    (datetime(2026, 11, 25, 14, 30, tzinfo=UTC), True),   # the opening bell
    (datetime(2026, 11, 25, 21, 0, tzinfo=UTC), False),   # Wed 16:00: closed
    (datetime(2026, 11, 28, 15, 0, tzinfo=UTC), False),   # Saturday
    (datetime(2026, 7, 1, 13, 30, tzinfo=UTC), True),     # summer time: 09:30 EDT
])
def test_market_open(when: datetime, is_open: bool) -> None:
    assert market_open(when) is is_open


@pytest.mark.parametrize(("when", "is_open"), [
    (new_york(2026, 11, 25, 10, 0), True),    # normal Wednesday
    (new_york(2026, 11, 25, 15, 59), True),
    (new_york(2026, 11, 25, 16, 0), False),
    (new_york(2026, 11, 29, 12, 0), False),   # Sunday
    (new_york(2026, 11, 26, 10, 0), False),   # Thanksgiving: closed all day
    (new_york(2026, 11, 26, 14, 0), False),
    (new_york(2026, 11, 27, 12, 30), True),   # day after Thanksgiving: closes at 13:00
    (new_york(2026, 11, 27, 12, 59), True),
    (new_york(2026, 11, 27, 13, 0), False),
    (new_york(2026, 11, 27, 13, 30), False),
    (new_york(2026, 12, 24, 12, 0), True),    # Christmas Eve (Thursday): early close
    (new_york(2026, 12, 24, 13, 30), False),
    (new_york(2026, 12, 25, 11, 0), False),   # Christmas
    (new_york(2027, 1, 1, 11, 0), False),     # New Year's Day
    (new_york(2026, 7, 3, 11, 0), False),     # July 4 is a Saturday: observed Friday
    (new_york(2026, 4, 3, 11, 0), False),     # Good Friday
    (new_york(2026, 6, 19, 11, 0), False),    # Juneteenth
    (new_york(2027, 7, 2, 15, 0), True),      # Friday before an observed Monday holiday
    (new_york(2027, 7, 5, 11, 0), False),     # July 4 2027 is a Sunday: observed Monday
])
def test_exchange_holidays_and_early_closes(when: datetime, is_open: bool) -> None:
    assert market_open(when) is is_open


@pytest.mark.parametrize(("when", "is_open"), [
    # 2026-03-08 clocks go forward: 09:30 New York is 13:30 UTC from Monday 9 March
    (datetime(2026, 3, 6, 14, 29, tzinfo=UTC), False),   # Fri 09:29 EST
    (datetime(2026, 3, 6, 14, 30, tzinfo=UTC), True),    # Fri 09:30 EST
    (datetime(2026, 3, 9, 13, 30, tzinfo=UTC), True),    # Mon 09:30 EDT
    (datetime(2026, 3, 9, 20, 0, tzinfo=UTC), False),    # Mon 16:00 EDT
    # 2026-11-01 clocks go back: 09:30 New York is 14:30 UTC from Monday 2 November
    (datetime(2026, 10, 30, 19, 59, tzinfo=UTC), True),  # Fri 15:59 EDT
    (datetime(2026, 11, 2, 13, 30, tzinfo=UTC), False),  # Mon 08:30 EST
    (datetime(2026, 11, 2, 14, 30, tzinfo=UTC), True),   # Mon 09:30 EST
    (datetime(2026, 11, 2, 20, 30, tzinfo=UTC), True),   # Mon 15:30 EST
])
def test_summer_time_boundaries(when: datetime, is_open: bool) -> None:
    assert market_open(when) is is_open


def test_new_york_evening_is_not_next_day_in_utc() -> None:
    """Wed 2026-11-25 20:00 New York is Thursday (Thanksgiving) 01:00 UTC: the day that
    counts is New York's, and the market is closed because it is evening there."""
    assert market_open(datetime(2026, 11, 26, 1, 0, tzinfo=UTC)) is False
    # Fri 2026-11-27 12:30 New York (early-close day) given in UTC: open
    assert market_open(datetime(2026, 11, 27, 17, 30, tzinfo=UTC)) is True
    assert market_open(datetime(2026, 11, 27, 18, 30, tzinfo=UTC)) is False


def test_the_bundled_calendar_is_the_holidays_packages() -> None:
    """The table read instead of `holidays` (to keep its import off the start-up) says what
    `holidays` says, year by year; regenerate it with scripts/build_calendar.py."""
    import holidays

    years, days = market._bundled()
    assert years == range(2000, 2041)
    for category in ("public", "half_day"):
        found = holidays.financial_holidays("NYSE", years=years, categories=(category,))
        assert sorted(days[category]) == sorted(found), category
        for year in (2001, 2025, 2026, 2040):
            assert market._calendar(year, category) == {d for d in found if d.year == year}
    assert date(2025, 1, 9) in market._closed_days(2025)  # a special closure (President Carter)
    assert date(2026, 11, 27) in market._early_closes(2026)


def test_years_outside_the_bundled_calendar_come_from_holidays() -> None:
    import holidays

    expected = holidays.financial_holidays("NYSE", years=2045, categories=("public",))
    assert market._calendar(2045, "public") == frozenset(expected)
    assert date(2045, 12, 25) in market._calendar(2045, "public")


def test_the_last_session_day_needs_no_holidays_import() -> None:
    """Summaries ask for the last session day before the first paint: `holidays` (~0.25 s of
    CPU) stays unloaded for the years the bundled table covers."""
    code = ("import sys; from datetime import datetime, UTC; from aiwatch import market\n"
            "assert market.last_session_day(datetime(2026, 11, 27, 15, tzinfo=UTC))\n"
            "assert not market.market_open(datetime(2026, 11, 26, 15, tzinfo=UTC))\n"
            "print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
