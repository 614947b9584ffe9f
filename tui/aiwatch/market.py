"""When the US market is open: auto-refresh only then (prices do not move otherwise).

The exchange calendar is the `holidays` package's NYSE calendar (pure Python, no pandas):
its PUBLIC category holds the days the exchange is closed, its HALF_DAY category the early
closes. NYSE publishes both at https://www.nyse.com/markets/hours-calendars ("Holidays &
Trading Hours"): closed on New Year's Day, Martin Luther King Jr. Day, Washington's Birthday,
Good Friday, Memorial Day, Juneteenth, Independence Day, Labor Day, Thanksgiving and
Christmas (a Saturday holiday is observed on the Friday before, a Sunday one on the Monday
after), and "each market will close early at 1:00 p.m." on the day before Independence Day,
the day after Thanksgiving and Christmas Eve (when those are trading days).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
OPEN, CLOSE = time(9, 30), time(16, 0)
# Every scheduled NYSE early close since 1993 ends at 1:00 p.m. New York time.
EARLY_CLOSE = time(13, 0)


def market_open(now: datetime) -> bool:
    """Regular NYSE/Nasdaq hours: weekdays 09:30 to 16:00 New York time (13:00 on early-close
    days), never on exchange holidays."""
    local = now.astimezone(NEW_YORK)
    day = local.date()
    if local.weekday() >= 5 or day in _closed_days(day.year):
        return False
    close = EARLY_CLOSE if day in _early_closes(day.year) else CLOSE
    return OPEN <= local.time() < close


@cache
def _closed_days(year: int) -> frozenset[date]:
    """The year's full-day exchange holidays (observed dates)."""
    return _calendar(year, "public")


@cache
def _early_closes(year: int) -> frozenset[date]:
    """The year's 1:00 p.m. closes."""
    return _calendar(year, "half_day")


def _calendar(year: int, category: str) -> frozenset[date]:
    # Imported on first use, when auto-refresh first asks: keeps ~50 ms off the app's start.
    import holidays

    return frozenset(holidays.financial_holidays("NYSE", years=year, categories=(category,)))
